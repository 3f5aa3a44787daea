"""``wenzheng results``: the 问政成效 list in Chinese (the site's /results/ page on the command line)."""
from __future__ import annotations

import argparse

from rich.console import Console

from . import Command
from ..caseview.asof import as_of
from ..caseview.reported import reported_cases
from ..caseview.results import results, yearly
from ..caseview.view import build_now
from ..config import CoreSettings
from ..dates import days, iso_date
from ..newsroom.articles import read_articles
from ..newsroom.records import load
from ..store import Store


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=50, metavar="行数", help="最多列出的案件数（默认 50，最近解决的在前）")


def _run(args, settings) -> int:
    from ..site.results import summary

    out = Console()
    now = build_now(settings)
    records = load(settings, articles=read_articles(settings))
    with Store.open(CoreSettings.of(settings).store_path, readonly=True) as store:
        found = results(reported_cases(store, settings, records, now))
    out.print(f"[bold]问政成效[/bold]　{as_of(settings, now).text()}", soft_wrap=True)
    if not found:
        out.print("截至目前，尚无见报后得到解决的案件（见报后用时只计有解决时间的案件）。", soft_wrap=True)
        return 0
    for year in yearly(found):
        out.print(f"{year.year}年：见报后 {year.count} 件得到解决，中位用时 {days(year.median_days)} 天"
                  f"（{days(year.median_working_days)} 个工作日）", soft_wrap=True)
    for result in found[: args.rows]:
        out.print(f"{iso_date(result.resolved)}　{result.case.key}　{result.case.petition.title}", soft_wrap=True,
                  markup=False)
        out.print(f"　　本报报道 {iso_date(result.reported)}；{summary(result)}", soft_wrap=True, markup=False)
    if len(found) > args.rows:
        out.print(f"……另有 {len(found) - args.rows} 件未列出（--rows 可调整）")
    return 0


RESULTS = Command("列出问政成效：本报报道后得到解决的案件、见报后用时和居民反馈，按年合计", _arguments, _run)
