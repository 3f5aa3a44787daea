"""A report as a table: the rows every output shares, written as CSV and as XLSX.

The CSV is UTF-8 with a byte-order mark, which Excel needs to read Chinese. The XLSX is written
through openpyxl with its properties (author, created, modified) and every zip entry's time fixed
from the period, never from the clock, so a rebuild of an unchanged report gives the same bytes.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

from ..dates import days, iso_minute
from .figures import DIMENSIONS, Line, Report, interval

HEADERS = ("排名", "名称", "收到留言", "有答复记录", "已回复", "回复率%", "可判断是否按期", "按期答复", "按期答复率%",
           "按期答复率95%区间", "中位答复用时（工作日）", "逾期仍未答复", "有办结时间", "按期办结", "按期办结率%",
           "有回访评价", "满意及基本满意", "满意率%")
NOT_RANKED = "样本不足"
AUTHOR = "零距离问政编辑部"


def line_row(line: Line) -> list:
    g = line.group
    return [line.rank if line.rank is not None else NOT_RANKED, g.name, g.count, g.reply_base, g.replied,
            g.reply_rate, g.timed_base, g.on_time, g.on_time_rate, interval(line), days(g.median_working()),
            line.open_overdue, line.close_base, line.closed_on_time, line.close_rate,
            line.rated, line.satisfied, line.satisfaction_rate]


def rows(report: Report, dimension: str) -> list[list]:
    """One dimension's table: a row per department or board in ranked order, then the total."""
    body = [line_row(line) for line in report.lines[dimension]]
    total = line_row(report.total)
    total[0] = ""
    return body + [total]


def notes(report: Report) -> list[str]:
    """What every copy of the report says about its figures."""
    lines = [report.title, f"统计周期：{report.period.name}（{report.period.start:%Y-%m-%d} 至 "
             f"{report.period.last_day:%Y-%m-%d}，按留言时间，北京时间）", f"数据截至 {iso_minute(report.now)}"]
    lines += [f"不完整：{reason}" for reason in report.partial]
    return lines + method_notes(report)


def method_notes(report: Report) -> list[str]:
    """How the figures are counted (the page shows the period, now and 不完整 on its own)."""
    lines = [
        "只计公开的留言（举报及未经审核的留言不计入）。",
        "回复率按有答复记录的留言计；按期答复率、95% 区间按可判断是否按期的留言计；答复用时按工作日计（法定节假日和调休按国务院安排）。",
        f"至少 {report.min_sample} 条留言才参与排名，按按期答复率 95% Wilson 区间的下限排序；不足的列为“{NOT_RANKED}”。",
        "按期办结率按来源数据给出办结时间的留言计；来源不含办结时间时为“无数据”。",
        "满意率按本报回访记录了居民评价的留言计（以最近一次回访为准，满意或基本满意）；没有回访评价时为“无数据”。",
    ]
    for dimension, name in DIMENSIONS.items():
        if report.unlabelled.get(dimension):
            lines.append(f"另有 {report.unlabelled[dimension]} 条留言无法确定{name}，未列入{name}表（计入合计）。")
    return lines


def csv_bytes(report: Report) -> bytes:
    """Both tables in one CSV (a first column names the table), then the notes; UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("表", *HEADERS))
    for dimension, name in DIMENSIONS.items():
        for row in rows(report, dimension):
            writer.writerow((name, *row))
    writer.writerow(())
    for note in notes(report):
        writer.writerow(("说明", note))
    return buffer.getvalue().encode("utf-8-sig")


def _number(cell):
    """A rate written as text ("97.31") as a number, so Excel and WPS can sort and sum it."""
    if isinstance(cell, str) and cell.replace(".", "", 1).isdigit():
        return float(cell)
    return cell


def _fixed_time(report: Report) -> datetime:
    """The workbook's created/modified time: the period's last day at noon (naive UTC, as openpyxl keeps it)."""
    last = report.period.last_day
    return datetime(last.year, last.month, last.day, 12, 0, 0)


def xlsx_bytes(report: Report) -> bytes:
    """A workbook with a sheet per table and one of notes, whose bytes depend on the report only."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    for dimension, name in DIMENSIONS.items():
        sheet = book.create_sheet(f"按{name}")
        sheet.append(HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows(report, dimension):
            sheet.append([_number(cell) for cell in row])
        sheet.column_dimensions["B"].width = 28
        sheet.freeze_panes = "C2"
    about = book.create_sheet("说明")
    for note in notes(report):
        about.append([note])
    about.column_dimensions["A"].width = 100
    moment = _fixed_time(report)
    book.properties.creator = book.properties.lastModifiedBy = AUTHOR
    book.properties.title = report.title
    book.properties.created = book.properties.modified = moment
    raw = io.BytesIO()
    # ExcelWriter, not save_workbook: that one stamps "modified" with the clock.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _refixed(raw.getvalue(), moment)


def _refixed(data: bytes, moment: datetime) -> bytes:
    """The same archive with every entry's time set to ``moment`` (zipfile stamps entries with the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
