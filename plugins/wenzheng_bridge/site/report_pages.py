"""The department reports' pages (通报): an index at /reports/ and a page per report record.

Each record under ``content/reports/`` becomes ``/reports/<period>/`` with its tables (the rows of
``reports.tables``, so the page, the CSV and the XLSX say the same), a chart of the departments'
on-time reply rates and both downloads beside it. Only public cases are counted, as on the
scorecards. Registered in ``site.outputs.OUTPUTS``.
"""
from __future__ import annotations

from ..reports.figures import DIMENSIONS, Report, report
from ..reports.records import ReportRecord, read_reports
from ..reports.tables import HEADERS, csv_bytes, method_notes, rows, xlsx_bytes
from .charts import Chart, bar_chart

FOLDER = "reports"
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


def write_reports(build) -> None:
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
                     headers=HEADERS, tables=tables, notes=method_notes(result))
        listed.append((record, result))
    build.render("reports", f"{FOLDER}/index.html", reports=listed)
