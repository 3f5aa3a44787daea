"""The statistics page: posts over time, type and field shares, reply rate and time, departments.

Every figure comes from the case view's ``Stats`` of the public cases (the
monthly counts from the same rows the archive lists); each chart is an SVG
file beside the page, with its figures in a table for screen readers.
"""
from __future__ import annotations

from ..caseview.stats import UNLABELLED, partial_periods, percent
from ..dates import days
from ..records import SHANGHAI, TYPES
from .build import Build
from .charts import Chart, bar_chart, line_chart

#: Departments shown in each of the slowest and fastest lists.
DEPARTMENTS_SHOWN = 10


PARTIAL = "（不完整）"
#: Marks a period whose figure rests on fewer cases than the minimum sample.
THIN = "（样本不足）"


def period_label(name: str, partial: bool) -> str:
    return name + PARTIAL if partial else name


def year_charts(stats) -> list[Chart]:
    """The platform's yearly view: posts, reply rate and reply time per year, partial years marked."""
    years = [g for g in stats.groups("year") if g.name != UNLABELLED]
    names = [period_label(g.name, g.partial) for g in years]
    partial = frozenset(i for i, g in enumerate(years) if g.partial)
    note = _partial_note(years)
    posts = Chart("posts-per-year", "每年留言数", "柱状图：每年收到的留言件数（不完整的年份以斜线标出）",
                  ["年份", "留言数"], [[name, g.count] for name, g in zip(names, years)], note=note)
    posts.svg = bar_chart(names, [g.count for g in years], ylabel="留言数（件）", partial=partial)
    rate = Chart("reply-rate-per-year", "历年回复率", "折线图：每年留言的回复率与按期回复率（百分比）",
                 ["年份", "留言数", "有答复记录", "已回复", "回复率", "可判断是否按期", "按期回复率"],
                 [[name, g.count, g.reply_base, g.replied, pct(g.reply_rate), g.timed_base, pct(g.on_time_rate)]
                  for name, g in zip(names, years)],
                 series=["回复率", "按期回复率"],
                 note=_join(note, "回复率只计有答复记录的留言，按期回复率只计能判断是否按期的留言（答复时间不明的不计）。"))
    rate.svg = line_chart(names, {"回复率": [_float(g.reply_rate) for g in years],
                                  "按期回复率": [_float(g.on_time_rate) for g in years]}, ylabel="%",
                          partial=partial)
    # A year resting on a few replies is shown, marked, and does not set the chart's scale.
    thin = frozenset(i for i, g in enumerate(years) if 0 < len(g.working) < stats.min_sample)
    timed = [name + (THIN if i in thin else "") for i, name in enumerate(names)]
    time = Chart("reply-time-per-year", "历年回复用时", "折线图：每年留言从发布到答复的用时中位数（工作日与自然日）",
                 ["年份", "有答复时间的留言", "用时中位数（工作日）", "用时中位数（自然日）", "90% 分位（工作日）"],
                 [[name, len(g.working), days(g.median_working()), days(g.median_calendar()),
                   days(g.p90_working())] for name, g in zip(timed, years)], series=["工作日", "自然日"],
                 note=_join(note, f"标“{THIN}”的年份有答复时间的留言少于 {stats.min_sample} 件：图中为空心点，"
                                  "不决定纵轴范围，超出范围的以顶端三角表示，数值见表。" if thin else ""))
    time.svg = line_chart(names, {"工作日": [g.median_working() for g in years],
                                  "自然日": [g.median_calendar() for g in years]}, ylabel="天", partial=partial,
                          thin=thin)
    return [posts, rate, time]


def yearly_shares(stats, attribute: str, values: list[str], name: str, title: str) -> Chart:
    """Per year, the share of each type (or field), as the platform's yearly analysis gives it."""
    years = [g for g in stats.groups("year") if g.name != UNLABELLED]
    names = [period_label(g.name, g.partial) for g in years]
    rows = [[label, g.count, *(f"{g.share(getattr(g, attribute), v)}%" for v in values)]
            for label, g in zip(names, years)]
    chart = Chart(name, title, f"折线图：{title}（百分比）", ["年份", "留言数", *values], rows, series=values,
                  note=_partial_note(years))
    partial = frozenset(i for i, g in enumerate(years) if g.partial)
    chart.svg = line_chart(names, {v: [float(g.share(getattr(g, attribute), v)) for g in years] for v in values},
                           ylabel="%", partial=partial)
    return chart


def month_chart(months: dict[str, list], now) -> Chart:
    """Posts per month from the first month with data to the last one (never after now), edges partial.

    A month inside the data with no post is a real 0; a month after the data's last post or after
    now is not listed (the source may simply not have been pulled since).
    """
    current = now.astimezone(SHANGHAI).strftime("%Y-%m")
    counts = {month: len(rows) for month, rows in months.items() if "-" in month and month <= current}
    known = _every_month(counts)
    partial = partial_periods(list(counts), current)
    grid: dict[str, list] = {}
    for month, count in known:
        year, number = month.split("-")
        grid.setdefault(year, [""] * 12)[int(number) - 1] = f"{count}{PARTIAL}" if month in partial else count
    chart = Chart("posts-per-month", "每月留言数", "折线图：每月收到的留言件数（不完整的月份为空心点）",
                  ["年份", *(f"{m}月" for m in range(1, 13))], [[year, *cells] for year, cells in grid.items()],
                  note=f"不完整的月份（{'、'.join(sorted(partial))}）：数据在月中开始或截止，或该月尚未结束，不代表留言减少。"
                  if partial else "")
    labels = [m for m, _ in known]
    chart.svg = line_chart(labels, {"留言数": [n for _, n in known]}, ylabel="留言数（件）",
                           every=max(1, len(labels) // 16),
                           partial=frozenset(i for i, m in enumerate(labels) if m in partial))
    return chart


def _every_month(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(month, count) from the first to the last month in ``counts``, 0 for the months between."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = map(int, first.split("-"))
    result = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        result.append((key, counts.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _partial_note(years) -> str:
    partial = [g.name for g in years if g.partial]
    return f"{'、'.join(partial)} 年数据不完整（数据在年中开始或截止，或该年尚未结束），不代表留言或回复的增减。" \
        if partial else ""


def _join(*notes: str) -> str:
    return "".join(n for n in notes if n)


def _float(value: str) -> float | None:
    return None if value == "—" else float(value)


def pct(value: str) -> str:
    return value if value == "—" else f"{value}%"


def share_chart(stats, dimension: str, name: str, title: str) -> Chart:
    groups = stats.groups(dimension)
    total = stats.total.count
    headers = [title.removesuffix("占比"), "留言数", "占比"]
    rows = [[g.name, g.count, f"{percent(g.count, total)}%"] for g in groups]
    if dimension == "type":  # a type the tool guessed from the text is not one the source gave
        headers.append("其中类型为推断")
        for row, g in zip(rows, groups):
            row.append(g.type_inferred)
    chart = Chart(name, title, f"条形图：{title}（件数）", headers, rows)
    if dimension == "type":
        chart.note = f"共 {stats.total.type_inferred} 件留言的类型由本系统根据标题和正文推断，并非来源数据给出。"
    chart.svg = bar_chart([g.name for g in groups], [g.count for g in groups], xlabel="留言数（件）",
                          horizontal=True)
    return chart


def department_charts(stats) -> list[Chart]:
    """Slowest and fastest departments by median reply time, among those with enough timed replies."""
    eligible = [g for name, g in stats.by["department"].items()
                if name != UNLABELLED and g.timed_replies >= stats.min_sample]
    eligible.sort(key=lambda g: (g.median_working(), g.name))
    charts = []
    for name, title, groups in (("slowest-departments", "回复最慢的部门", list(reversed(eligible))),
                                ("fastest-departments", "回复最快的部门", eligible)):
        shown = groups[:DEPARTMENTS_SHOWN]
        chart = Chart(name, title, f"条形图：{title}（回复用时中位数，工作日）",
                      ["部门", "留言数", "有答复时间的留言", "用时中位数（工作日）", "用时中位数（自然日）"],
                      [[g.name, g.count, g.timed_replies, days(g.median_working()), days(g.median_calendar())]
                       for g in shown])
        chart.note = f"只比较有答复时间的留言不少于 {stats.min_sample} 件的部门。"
        if shown:
            chart.svg = bar_chart([g.name for g in shown], [g.median_working() for g in shown],
                                  xlabel="回复用时中位数（工作日）", horizontal=True)
        else:
            chart.note += "目前没有部门达到这一样本量，暂不排名。"
        charts.append(chart)
    return charts + [thin_departments(stats)]


def thin_departments(stats) -> Chart:
    """The departments below the minimum sample: shown with their figures and marked, never ranked
    or drawn (a median of two replies would set the slowest chart's scale and lead the list)."""
    thin = sorted((g for name, g in stats.by["department"].items()
                   if name != UNLABELLED and 0 < g.timed_replies < stats.min_sample), key=lambda g: g.name)
    title = "其余部门（样本不足，不排名）"
    chart = Chart("thin-departments", title, f"表格：{title}",
                  ["部门", "留言数", "有答复时间的留言", "用时中位数（工作日）", "用时中位数（自然日）"],
                  [[g.name + THIN, g.count, g.timed_replies, days(g.median_working()), days(g.median_calendar())]
                   for g in thin])
    chart.note = (f"这些部门有答复时间的留言少于 {stats.min_sample} 件，用时中位数仅供参考，不参加上面的快慢比较。"
                  if thin else f"所有有答复时间的部门都达到 {stats.min_sample} 件的样本量。")
    return chart


#: Fields shown in the yearly view (the largest; the rest are in the field shares).
YEARLY_FIELDS = 6


def charts(stats, months: dict[str, list]) -> list[Chart]:
    posts, *replies = year_charts(stats)
    fields = [g.name for g in stats.groups("field") if g.name != UNLABELLED][:YEARLY_FIELDS]
    return [posts, month_chart(months, stats.now),
            share_chart(stats, "type", "type-shares", "留言类型占比"),
            share_chart(stats, "field", "field-shares", "领域占比"),
            *replies,
            yearly_shares(stats, "types", list(TYPES), "type-shares-per-year", "历年留言类型占比"),
            yearly_shares(stats, "fields", fields, "field-shares-per-year", "历年主要领域占比"),
            *department_charts(stats)]


def write_statistics(build: Build, site) -> None:
    drawn = charts(site.stats, site.months)
    for chart in drawn:
        if chart.svg:
            build.write(f"stats/{chart.name}.svg", chart.svg)
    build.render("stats", "stats/index.html", charts=drawn, total=site.stats.total, as_of=site.as_of)
