"""The statistics page: posts over time, type and field shares, reply rate and time, departments.

Every figure comes from the case view's ``Stats`` of the public cases (the
monthly counts from the same rows the archive lists); each chart is an SVG
file beside the page, with its figures in a table for screen readers.
"""
from __future__ import annotations

from ..caseview.stats import UNLABELLED, percent
from .charts import Chart, bar_chart, line_chart

#: Departments shown in each of the slowest and fastest lists.
DEPARTMENTS_SHOWN = 10


def year_charts(stats) -> list[Chart]:
    years = stats.groups("year")
    names = [g.name for g in years]
    posts = Chart("posts-per-year", "每年留言数", "柱状图：每年收到的留言件数",
                  ["年份", "留言数"], [[g.name, g.count] for g in years])
    posts.svg = bar_chart(names, [g.count for g in years], ylabel="留言数（件）")
    rate = Chart("reply-rate-per-year", "历年回复率", "折线图：每年留言的回复率与按期回复率（百分比）",
                 ["年份", "留言数", "已回复", "回复率", "按期回复率"],
                 [[g.name, g.count, g.replied, f"{g.reply_rate}%", f"{g.on_time_rate}%"] for g in years],
                 series=["回复率", "按期回复率"])
    rate.svg = line_chart(names, {"回复率": [float(g.reply_rate) for g in years],
                                  "按期回复率": [float(g.on_time_rate) for g in years]}, ylabel="%")
    time = Chart("reply-time-per-year", "历年回复用时", "折线图：每年留言从发布到答复的用时中位数（工作日与自然日）",
                 ["年份", "有答复时间的留言", "用时中位数（工作日）", "用时中位数（自然日）", "90% 分位（工作日）"],
                 [[g.name, len(g.working), _days(g.median_working()), _days(g.median_calendar()),
                   _days(g.p90_working())] for g in years], series=["工作日", "自然日"])
    time.svg = line_chart(names, {"工作日": [g.median_working() for g in years],
                                  "自然日": [g.median_calendar() for g in years]}, ylabel="天")
    return [posts, rate, time]


def month_chart(months: dict[str, list]) -> Chart:
    """Posts per month: a line over time; the table is a year-by-month grid (compact to read)."""
    known = [(month, len(rows)) for month, rows in months.items() if "-" in month]
    grid: dict[str, list[int]] = {}
    for month, count in known:
        year, number = month.split("-")
        grid.setdefault(year, [0] * 12)[int(number) - 1] = count
    chart = Chart("posts-per-month", "每月留言数", "折线图：每月收到的留言件数",
                  ["年份", *(f"{m}月" for m in range(1, 13))], [[year, *counts] for year, counts in grid.items()])
    labels = [m for m, _ in known]
    chart.svg = line_chart(labels, {"留言数": [n for _, n in known]}, ylabel="留言数（件）",
                           every=max(1, len(labels) // 16))
    return chart


def share_chart(stats, dimension: str, name: str, title: str) -> Chart:
    groups = stats.groups(dimension)
    total = stats.total.count
    chart = Chart(name, title, f"条形图：{title}（件数）", [title.removesuffix("占比"), "留言数", "占比"],
                  [[g.name, g.count, f"{percent(g.count, total)}%"] for g in groups])
    chart.svg = bar_chart([g.name for g in groups], [g.count for g in groups], xlabel="留言数（件）",
                          horizontal=True)
    return chart


def department_charts(stats) -> list[Chart]:
    """Slowest and fastest departments by median reply time, among those with enough cases."""
    eligible = [g for name, g in stats.by["department"].items()
                if name != UNLABELLED and g.count >= stats.min_sample and g.median_working() is not None]
    eligible.sort(key=lambda g: (g.median_working(), g.name))
    charts = []
    for name, title, groups in (("slowest-departments", "回复最慢的部门", list(reversed(eligible))),
                                ("fastest-departments", "回复最快的部门", eligible)):
        shown = groups[:DEPARTMENTS_SHOWN]
        chart = Chart(name, title, f"条形图：{title}（回复用时中位数，工作日）",
                      ["部门", "留言数", "用时中位数（工作日）", "用时中位数（自然日）"],
                      [[g.name, g.count, _days(g.median_working()), _days(g.median_calendar())] for g in shown])
        chart.note = f"只比较留言数不少于 {stats.min_sample} 件的部门。"
        if shown:
            chart.svg = bar_chart([g.name for g in shown], [g.median_working() for g in shown],
                                  xlabel="回复用时中位数（工作日）", horizontal=True)
        else:
            chart.note += "目前没有部门达到这一样本量，暂不排名。"
        charts.append(chart)
    return charts


def _days(value) -> str:
    return "—" if value is None else f"{value:g}"


def charts(stats, months: dict[str, list]) -> list[Chart]:
    posts, *replies = year_charts(stats)
    return [posts, month_chart(months),
            share_chart(stats, "type", "type-shares", "留言类型占比"),
            share_chart(stats, "field", "field-shares", "领域占比"),
            *replies, *department_charts(stats)]


def write_statistics(build, site) -> None:
    drawn = charts(site.stats, site.months)
    for chart in drawn:
        if chart.svg:
            build.write(f"stats/{chart.name}.svg", chart.svg)
    build.render("stats", "stats/index.html", charts=drawn, total=site.stats.total)
