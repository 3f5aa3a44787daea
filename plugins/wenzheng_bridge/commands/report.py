"""``wenzheng report``: a department report (通报) for a month, quarter or year, as CSV and XLSX.

Also creates the period's record under ``content/reports/`` (unless ``--no-record``), so the next
site build publishes the report's page; ``--list`` lists the records.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import Command
from ..caseview.view import build_now, cases
from ..config import CoreSettings
from ..reports.figures import Report, report
from ..reports.period import KIND_NAMES, Period, PeriodError, parse
from ..reports.records import read_reports, write_record
from ..reports.tables import HEADERS, csv_bytes, rows, xlsx_bytes
from ..store import Store
from .stats import _newsroom_records


def _arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", metavar="YYYY-MM", help="月度通报，如 2019-11")
    which.add_argument("--quarter", metavar="YYYYQn", help="季度通报，如 2019Q4")
    which.add_argument("--year", metavar="YYYY", help="年度通报，如 2019")
    which.add_argument("--list", action="store_true", help="列出 content/reports/ 中已有的通报记录")
    parser.add_argument("--out", type=Path, metavar="文件夹",
                        help="CSV 和 XLSX 写入的文件夹（默认：设置文件所在文件夹下的 reports/）")
    parser.add_argument("--no-record", action="store_true",
                        help="不在 content/reports/ 中建立通报记录（网站不会发布这份通报）")
    parser.add_argument("--rows", type=int, default=10, metavar="行数", help="屏幕上每张表最多显示的行数（默认 10）")


def _period(args) -> Period:
    wanted = "month" if args.month else "quarter" if args.quarter else "year"
    chosen = parse(getattr(args, wanted))
    if chosen.kind != wanted:
        raise PeriodError(f"--{wanted} 需要{KIND_NAMES[wanted]}周期，{chosen.key!r} 是{KIND_NAMES[chosen.kind]}周期")
    return chosen


def build_report(settings: dict, period: Period) -> Report:
    """The period's report over the public cases, as the site publishes it."""
    now = build_now(settings)
    records = _newsroom_records(settings)
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        return report((c for c in cases(store, settings, records=records, now=now) if c.public),
                      period, settings, now)


def _table(result: Report, dimension: str, name: str, limit: int) -> Table:
    table = Table(title=f"按{name}（前 {limit} 行；全部见 CSV / XLSX）")
    shown = (0, 1, 2, 5, 8, 9, 10, 11, 14)
    for index in shown:
        table.add_column(HEADERS[index], justify="left" if index == 1 else "right")
    body = rows(result, dimension)
    for row in body[:-1][:limit] + body[-1:]:
        table.add_row(*(str(row[i]) for i in shown))
    return table


def _list(out: Console, settings: dict) -> int:
    found = read_reports(settings)
    if not found:
        out.print("还没有通报记录（用 wenzheng report --month 2019-11 建立）")
    for item in found:
        mark = "（示例）" if item.demo else ""
        out.print(f"{item.period.key}\t{item.title or item.period.name + '网络问政办理情况通报'}{mark}\t{item.path}")
    return 0


def _run(args, settings) -> int:
    out = Console()
    if args.list:
        return _list(out, settings)
    period = _period(args)
    result = build_report(settings, period)
    folder = args.out or CoreSettings.of(settings).base_path / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"{period.slug}.csv", folder / f"{period.slug}.xlsx"
    csv_path.write_bytes(csv_bytes(result))
    xlsx_path.write_bytes(xlsx_bytes(result))
    out.print(f"[bold]{result.title}[/bold]", soft_wrap=True)
    out.print(f"留言 {result.total.group.count} 条（公开留言）；数据截至 {result.now:%Y-%m-%d %H:%M}", soft_wrap=True)
    for reason in result.partial:
        out.print(f"[yellow]不完整：{reason}[/yellow]", soft_wrap=True)
    if result.total.group.count:
        out.print(_table(result, "department", "部门", args.rows))
        out.print(_table(result, "board", "板块", args.rows))
    out.print(f"已写出 {csv_path} 和 {xlsx_path}", soft_wrap=True)
    if not args.no_record:
        path, created = write_record(settings, period)
        out.print(f"{'已建立' if created else '已有'}通报记录 {path}（网站构建时发布）", soft_wrap=True)
    return 0


REPORT = Command("部门通报：按月、季度或年度统计各部门和板块的回复率、按期答复、答复用时、逾期和办结，写出 CSV 和 XLSX",
                 _arguments, _run)
