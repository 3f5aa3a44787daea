"""``wenzheng stats``: the headline figures of the case view, in Chinese."""
from __future__ import annotations

import argparse
from datetime import date

from rich.console import Console
from rich.table import Table

from ..caseview.asof import as_of
from ..caseview.model import STATUSES
from ..caseview.stats import DIMENSIONS, UNLABELLED, Stats, stats
from ..caseview.topics import topics
from ..caseview.unranked import why_unranked
from ..caseview.view import build_now, cases
from ..dates import days
from ..newsroom.articles import read_articles
from ..newsroom.records import CaseIndex, load
from ..records import SHANGHAI, TYPES
from ..store import Store
from . import Command

PARTIAL = "（不完整）"
#: Fields shown in the yearly field table (the largest).
YEARLY_FIELDS = 6


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="只统计此日起发布的留言（含当天）")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="只统计此日及以前发布的留言（含当天，与 budget --until 相同）")
    parser.add_argument("--rows", type=int, default=12, metavar="行数", help="每张表最多显示的行数（默认 12）")
    parser.add_argument("--topics", action="store_true", help="同时列出热点话题（需分词，较慢）")


def _newsroom_records(settings: dict):
    index = CaseIndex.from_settings(settings)
    return load(settings, articles=read_articles(settings), index=index)


def _in_period(case, start: date | None, end: date | None) -> bool:
    posted = case.petition.posted
    if start is None and end is None:
        return True
    if posted is None:
        return False
    day = posted.astimezone(SHANGHAI).date()
    # Both ends inclusive, Beijing days: like ``budget --since/--until``.
    return (start is None or day >= start) and (end is None or day <= end)


def _stream(settings: dict, records, now, args):
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        for case in cases(store, settings, records=records, now=now):
            if _in_period(case, args.start, args.end):
                yield case


def _pct(value: str) -> str:
    return value if value == "—" else f"{value}%"


def _headline(out: Console, result: Stats, when, args) -> None:
    t = result.total
    period = ""
    if args.start or args.end:
        period = f"（{args.start or '最早'} 至 {args.end or '最新'}）"
    out.print(f"[bold]网络问政统计{period}[/bold]　{when.text()}", soft_wrap=True)
    out.print(
        f"留言 [bold]{t.count}[/bold] 条；回复率 [bold]{_pct(t.reply_rate)}[/bold]"
        f"（按 {t.reply_base} 件有答复记录的留言计，已回复 {t.replied} 件）；"
        f"按期答复率 {_pct(t.on_time_rate)}，逾期占比 {_pct(t.overdue_share)}"
        f"（均按 {t.timed_base} 件可判断是否按期的留言计）", soft_wrap=True
    )
    out.print(
        f"答复用时（按 {t.timed_replies} 件有答复时间的留言计）：中位数 {days(t.median_working())} 个工作日"
        f"（{days(t.median_calendar())} 天），90% 分位 {days(t.p90_working())} 个工作日（{days(t.p90_calendar())} 天）",
        soft_wrap=True,
    )
    sources = "；".join(f"{name} {count} 件（其中 {t.reply_sources.get(name, 0)} 件有答复记录）"
                        for name, count in sorted(t.sources.items()))
    unknown = t.count - t.reply_base
    out.print(f"数据来源：{sources}" + (f"；另有 {unknown} 件留言的来源数据不含答复信息（答复情况不明），"
                                       "不计入回复率、按期答复率和逾期占比" if unknown else ""), soft_wrap=True)
    statuses = "，".join(f"{name} {t.statuses[name]}" for name in STATUSES if t.statuses[name])
    out.print(f"状态：{statuses}", soft_wrap=True)
    if t.type_inferred:
        out.print(f"其中 {t.type_inferred} 件留言的类型由本系统根据标题和正文推断")


def _year_name(group) -> str:
    return group.name + PARTIAL if group.partial else group.name


def _yearly_table(result: Stats) -> Table:
    """The platform's yearly view: posts, reply rate, median reply time and the share of each type."""
    table = Table(title="历年概况（回复率按有答复记录的留言计，括号内为其件数；类型占比按全部留言计）")
    for header in ("年份", "留言", "回复率%", "中位工作日", *(f"{t}%" for t in TYPES)):
        table.add_column(header, justify="left" if header == "年份" else "right")
    years = [g for g in result.groups("year") if g.name != UNLABELLED]
    for g in years:
        table.add_row(_year_name(g), str(g.count), f"{g.reply_rate}（{g.reply_base}）", days(g.median_working()),
                      *(g.share(g.types, t) for t in TYPES))
    if any(g.partial for g in years):
        table.caption = "标“不完整”的年份：数据在年中开始或截止，或该年尚未结束，不代表增减"
    return table


def _yearly_fields_table(result: Stats) -> Table:
    fields = [g.name for g in result.groups("field") if g.name != UNLABELLED][:YEARLY_FIELDS]
    table = Table(title="历年主要领域占比（%）")
    for header in ("年份", "留言", *fields):
        table.add_column(header, justify="left" if header == "年份" else "right")
    for g in (g for g in result.groups("year") if g.name != UNLABELLED):
        table.add_row(_year_name(g), str(g.count), *(g.share(g.fields, f) for f in fields))
    return table


def _group_table(result: Stats, dimension: str, rows: int) -> Table:
    table = Table(title=f"按{DIMENSIONS[dimension]}")
    headers = [DIMENSIONS[dimension], "留言", "有答复记录", "回复率%", "可判断按期", "逾期占比%", "中位工作日",
               "P90工作日", "中位天数"]
    if dimension == "type":
        headers.append("类型为推断")
    for header in headers:
        table.add_column(header, justify="left" if header == DIMENSIONS[dimension] else "right")
    groups = result.groups(dimension)
    for g in groups[:rows]:
        name = _year_name(g) if dimension == "year" else g.name
        extra = [str(g.type_inferred)] if dimension == "type" else []
        table.add_row(name, str(g.count), str(g.reply_base), g.reply_rate, str(g.timed_base), g.overdue_share,
                      days(g.median_working()), days(g.p90_working()), days(g.median_calendar()), *extra)
    if len(groups) > rows:
        table.caption = f"另有 {len(groups) - rows} 项未显示"
    return table


def _ranking_table(result: Stats, rows: int) -> Table:
    table = Table(title=f"部门按期答复排名（至少 {result.min_sample} 条留言才参与排名，按 Wilson 区间下限）")
    for header in ("名次", "部门", "留言", "可判断按期", "按期答复率%", "95% 区间"):
        table.add_column(header, justify="left" if header == "部门" else "right")
    for item in result.rankings[:rows]:
        rank = str(item.rank) if item.rank else "样本不足"
        table.add_row(rank, item.group.name, str(item.group.count), str(item.group.timed_base), item.group.on_time_rate,
                      f"{100 * item.low:.1f}–{100 * item.high:.1f}")
    sizes = {name: group.count for name, group in result.by["department"].items() if name != UNLABELLED}
    unlabelled = result.by["department"].get(UNLABELLED)
    table.caption = why_unranked(sizes, result.min_sample, unlabelled.count if unlabelled else 0) or None
    return table


def _topics_table(settings: dict, records, now, args) -> Table:
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
    _headline(out, result, as_of(settings, now), args)
    out.print(_yearly_table(result))
    out.print(_yearly_fields_table(result))
    for dimension in ("year", "board", "type", "field", "department"):
        out.print(_group_table(result, dimension, args.rows))
    out.print(_ranking_table(result, args.rows))
    if args.topics:
        out.print(_topics_table(settings, records, now, args))
    return 0


STATS = Command("显示统计：回复率、答复用时、逾期占比、各板块/部门/类型/领域/年份、部门排名", _arguments, _run)

