"""``wenzheng stats``: the headline figures of the case view, in Chinese."""
from __future__ import annotations

import argparse
from datetime import date

from rich.console import Console
from rich.table import Table

from . import Command
from ..store import Store
from ..caseview.model import STATUSES
from ..caseview.stats import DIMENSIONS, UNLABELLED, Stats, stats
from ..caseview.unranked import why_unranked
from ..caseview.view import build_now, cases


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="只统计此日起发布的留言")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="只统计此日之前（不含此日）发布的留言")
    parser.add_argument("--rows", type=int, default=12, help="每张表最多显示的行数（默认 12）")
    parser.add_argument("--topics", action="store_true", help="同时列出热点话题（需分词，较慢）")


def _newsroom_records(settings: dict):
    from ..newsroom.articles import read_articles
    from ..newsroom.records import CaseIndex, load

    index = CaseIndex.from_settings(settings)
    return load(settings, articles=read_articles(settings), index=index)


def _in_period(case, start: date | None, end: date | None) -> bool:
    posted = case.petition.posted
    if start is None and end is None:
        return True
    if posted is None:
        return False
    day = posted.date()
    return (start is None or day >= start) and (end is None or day < end)


def _stream(settings: dict, records, now, args):
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        for case in cases(store, settings, records=records, now=now):
            if _in_period(case, args.start, args.end):
                yield case


def _days(value) -> str:
    return "—" if value is None else f"{value:g}"


def _headline(out: Console, result: Stats, now, args) -> None:
    t = result.total
    period = ""
    if args.start or args.end:
        period = f"（{args.start or '最早'} 至 {args.end or '最新'}）"
    out.print(f"[bold]网络问政统计{period}[/bold]　截至 {now:%Y-%m-%d %H:%M}")
    out.print(
        f"留言 [bold]{t.count}[/bold] 条，已回复 {t.replied} 条，回复率 [bold]{t.reply_rate}%[/bold]；"
        f"按期答复率 {t.on_time_rate}%，逾期占比 {t.overdue_share}%"
    )
    out.print(
        f"答复用时：中位数 {_days(t.median_working())} 个工作日（{_days(t.median_calendar())} 天），"
        f"90% 分位 {_days(t.p90_working())} 个工作日（{_days(t.p90_calendar())} 天）"
    )
    statuses = "，".join(f"{name} {t.statuses[name]}" for name in STATUSES if t.statuses[name])
    out.print(f"状态：{statuses}")


def _group_table(result: Stats, dimension: str, rows: int) -> Table:
    table = Table(title=f"按{DIMENSIONS[dimension]}")
    for header in (DIMENSIONS[dimension], "留言", "回复率%", "逾期占比%", "中位工作日", "P90工作日", "中位天数"):
        table.add_column(header, justify="left" if header == DIMENSIONS[dimension] else "right")
    groups = result.groups(dimension)
    for g in groups[:rows]:
        table.add_row(g.name, str(g.count), g.reply_rate, g.overdue_share, _days(g.median_working()),
                      _days(g.p90_working()), _days(g.median_calendar()))
    if len(groups) > rows:
        table.caption = f"另有 {len(groups) - rows} 项未显示"
    return table


def _ranking_table(result: Stats, rows: int) -> Table:
    table = Table(title=f"部门按期答复排名（至少 {result.min_sample} 条留言才参与排名，按 Wilson 区间下限）")
    for header in ("名次", "部门", "留言", "按期答复率%", "95% 区间"):
        table.add_column(header, justify="left" if header == "部门" else "right")
    for item in result.rankings[:rows]:
        rank = str(item.rank) if item.rank else "样本不足"
        table.add_row(rank, item.group.name, str(item.group.count), item.group.on_time_rate,
                      f"{100 * item.low:.1f}–{100 * item.high:.1f}")
    sizes = {name: group.count for name, group in result.by["department"].items() if name != UNLABELLED}
    unlabelled = result.by["department"].get(UNLABELLED)
    table.caption = why_unranked(sizes, result.min_sample, unlabelled.count if unlabelled else 0) or None
    return table


def _topics_table(settings: dict, records, now, args) -> Table:
    from ..caseview.topics import topics

    found = topics(_stream(settings, records, now, args), settings)
    table = Table(title="热点话题")
    for header in ("话题", "留言数", "热度", "示例留言"):
        table.add_column(header, justify="right" if header in ("留言数", "热度") else "left")
    for topic in found[: args.rows]:
        table.add_row(topic.label, str(len(topic.members)), f"{topic.heat:.2f}", "、".join(topic.members[:3]))
    if not found:
        table.caption = "未发现热点话题"
    return table


def _run(args, settings) -> int:
    out = Console()
    now = build_now(settings)
    records = _newsroom_records(settings)
    result = stats(_stream(settings, records, now, args), settings)
    if result.total.count == 0:
        out.print("没有符合条件的留言（请先运行 wenzheng pull，或放宽 --from/--to）")
        return 0
    _headline(out, result, now, args)
    for dimension in ("year", "board", "type", "field", "department"):
        out.print(_group_table(result, dimension, args.rows))
    out.print(_ranking_table(result, args.rows))
    if args.topics:
        out.print(_topics_table(settings, records, now, args))
    return 0


STATS = Command("显示统计：回复率、答复用时、逾期占比、各板块/部门/类型/领域/年份、部门排名", _arguments, _run)

