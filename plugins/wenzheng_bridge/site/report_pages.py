"""The department reports' pages (通报): an index at /reports/ and a page per report record.

Each record under ``content/reports/`` becomes ``/reports/<period>/`` with its tables (the rows of
``reports.tables``, so the page, the CSV and the XLSX say the same), a chart of the departments'
on-time reply rates and both downloads beside it; ``/feeds/reports.atom.xml`` has an entry per
report, so a department or a reader can subscribe to the 通报. Only public cases are counted, as
on the scorecards. Registered in ``site.outputs.OUTPUTS``.
"""
from __future__ import annotations

from ..reports.figures import DIMENSIONS, Report, report
from ..reports.records import ReportRecord, read_reports
from ..reports.tables import HEADERS, csv_bytes, method_notes, rows, xlsx_bytes
from .build import Build
from .charts import Chart, bar_chart
from .feeds import feed_document, feed_entry, paragraphs

FOLDER = "reports"
FEED = "feeds/reports.atom.xml"
#: Departments drawn in a report's chart at most (the table lists them all).
CHART_LINES = 20


def report_url(record: ReportRecord) -> str:
    return f"{FOLDER}/{record.period.slug}/"


def chart(result: Report) -> Chart:
    """Bars of the on-time reply rate, departments in the table's order (ranked first)."""
    lines = [line for line in result.lines["department"] if line.group.timed_base][:CHART_LINES]
    title = "各部门按期答复率"
    drawn = Chart("on-time", title, f"条形图：{result.period.name}{title}（百分比，按表中顺序）",
                  ["部门", "按期答复率%", "可判断是否按期"], [[line.name, line.group.on_time_rate,
                                                             line.group.timed_base] for line in lines])
    if lines:
        drawn.svg = bar_chart([line.name for line in lines], [float(line.group.on_time_rate) for line in lines],
                              xlabel="按期答复率（%）", horizontal=True)
    return drawn


def write_reports(build: Build) -> None:
    """The index (also when empty: the menu links it) and every report's page, chart, CSV and XLSX."""
    records = read_reports(build.settings)
    build.own(FOLDER)
    public = [case for case in build.full_cases() if case.public] if records else []
    listed = []
    for record in records:
        result = report(public, record.period, build.settings)
        base = report_url(record)
        drawn = chart(result)
        if drawn.svg:
            build.write(f"{base}{drawn.name}.svg", drawn.svg)
        files = {"csv": f"{record.period.slug}.csv", "xlsx": f"{record.period.slug}.xlsx"}
        build.write(base + files["csv"], csv_bytes(result))
        build.write(base + files["xlsx"], xlsx_bytes(result))
        tables = {name: rows(result, dimension) for dimension, name in DIMENSIONS.items()}
        build.render("report", base + "index.html", record=record, report=result, chart=drawn, files=files,
                     headers=HEADERS, tables=tables, notes=method_notes(result), feed=FEED)
        listed.append((record, result))
    build.render("reports", f"{FOLDER}/index.html", reports=listed, feed=FEED)
    build.write(FEED, reports_feed(build.settings, listed))


def reports_feed(settings: dict, listed: list[tuple[ReportRecord, Report]]) -> bytes:
    """Atom: one entry per report, the latest period first, dated by the end of its period (or by
    the build's now while the period runs, so the entry moves when its figures can still change)."""
    def dated(item: tuple[ReportRecord, Report]):
        return min(item[1].period.end, item[1].now)

    ordered = sorted(listed, key=dated, reverse=True)
    entries = [feed_entry(
        settings, title=record.title or result.title, path=report_url(record), author=settings.get("SITENAME", ""),
        summary_html=paragraphs(report_summary(record, result)), when=dated((record, result)),
        uid_path=report_url(record)) for record, result in ordered]
    return feed_document(settings, FEED, f"{settings.get('SITENAME', '')} · 部门通报", f"{FOLDER}/", entries,
                         dated(ordered[0]) if ordered else None)


def report_summary(record: ReportRecord, result: Report) -> str:
    """The entry's text: the lead, then the period's totals as the page's table states them."""
    total = result.total.group
    figures = (f"{result.period.name}公开留言 {total.count} 条，回复率 {total.reply_rate}%，"
               f"按期答复率 {total.on_time_rate}%，逾期未复 {result.total.open_overdue} 条。")
    partial = "（统计周期尚未结束或数据不完整，数字可能变化。）" if result.partial else ""
    return "\n".join(x for x in (record.lead, figures + partial) if x)
