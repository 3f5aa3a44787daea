"""The newsroom's commands: budget, claim, unclaim, followup, draft, drafts, takedown, restore, clear.

Commands that record a decision append one line to the case's plain-text
record under content/newsroom/ (see newsroom/records.py); a hand edit works the same.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.console import Console

from . import Command
from ..errors import WenzhengError
from ..records import SATISFACTION, NewsroomRecords
from ..sources.common import parse_datetime
from ..newsroom import actions
from ..newsroom import records as nr


class CommandError(WenzhengError, ValueError):
    """A mistake on the command line: shown as is, exit status 2."""


def _guarded(run):
    """Bad input ends with one clear Chinese message, never a traceback."""

    def wrapper(args, settings) -> int:
        try:
            return run(args, settings)
        except (CommandError, actions.ActionError, nr.RecordError, FileNotFoundError) as error:
            Console(stderr=True, soft_wrap=True).print(f"[red]错误[/red] {error}", highlight=False)
            return 2

    return wrapper


@dataclass
class Newsroom:
    """What a command sees: the store's case keys, the records, every case view."""

    index: nr.CaseIndex
    records: NewsroomRecords
    cases: list
    now: datetime

    def case(self, key: str):
        if key in self.records.broken:
            raise CommandError(f"案件 {key} 的编辑部记录有误，请先改正：{self.records.broken[key]}")
        return next(c for c in self.cases if c.key == key)


def _now(settings: dict) -> datetime:
    from ..caseview.view import build_now

    return build_now(settings)


def load_index(settings: dict) -> nr.CaseIndex:
    return nr.CaseIndex.from_settings(settings)


def warn_broken(records: NewsroomRecords) -> None:
    """Name each record file the desk could not read; its case is left out, the rest goes on."""
    for key, problem in records.broken.items():
        Console(stderr=True, soft_wrap=True).print(f"[yellow]警告[/yellow] {problem}\n  案件 {key} 的编辑部记录有误，本次略过该案件；"
                                   "其余照常（正式构建仍会因此停止，请改正）。", highlight=False)


def lenient_records(settings: dict, index: nr.CaseIndex | None = None, **kwargs) -> NewsroomRecords:
    records = nr.load(settings, index=index, lenient=True, **kwargs)
    warn_broken(records)
    return records


def load_newsroom(settings: dict) -> Newsroom:
    from ..caseview.view import cases
    from ..store import Store
    from ..newsroom.articles import read_articles

    index = load_index(settings)
    records = lenient_records(settings, index, articles=read_articles(settings))
    now = _now(settings)
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        views = [case for case in cases(store, settings, records=records, now=now) if case.key not in records.broken]
    return Newsroom(index, records, views, now)


def resolve(index: nr.CaseIndex, name: str) -> str:
    key = index.resolve(name)
    if key is None:
        raise CommandError(index.explain(name))
    return key


def _date(text: str | None, settings: dict) -> datetime:
    if not text:
        return _now(settings).replace(second=0, microsecond=0)
    try:
        return parse_datetime(text)
    except ValueError:
        raise CommandError(f"--date：无法识别的日期 {text!r}（应为 2026-11-20 或 2026-11-20 14:30）") from None


def _report(done: actions.Done) -> int:
    """Print what an action wrote (or why it had nothing to write) and its notice."""
    if done.entry is not None:
        Console().print(f"已记录：{done.key} · {nr.ALL_KINDS[done.entry.kind]} · {nr.format_line(done.entry)}\n"
                        f"文件：{done.path}", highlight=False)
    if done.notice:
        Console().print(done.notice, highlight=False)
    return 0


def _case_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", metavar="案件", help="案件编号，如 tipdm-2549（来源内唯一时可只写 2549）")
    parser.add_argument("--date", metavar="日期", help="日期，如 2026-11-20 或 2026-11-20 14:30（默认现在）")


# -- claim / unclaim / followup / takedown / clear --------------------------------------------
FOLLOWUP_CHOICES = actions.FOLLOWUP_CHOICES


def _claim_arguments(parser) -> None:
    _case_argument(parser)
    parser.add_argument("--reporter", required=True, metavar="记者", help="认领的记者")
    parser.add_argument("--note", default="", metavar="备注", help="备注")
    parser.add_argument("--take", action="store_true", help="案件已由别人认领时，改由本人接手（记录中写明原认领人）")


def _unclaim_arguments(parser) -> None:
    _case_argument(parser)
    parser.add_argument("--who", default="", metavar="人员", help="撤销认领的记者或编辑（默认为当前认领人）")
    parser.add_argument("--note", default="", metavar="备注", help="原因")


def _followup_arguments(parser) -> None:
    _case_argument(parser)
    parser.add_argument("--kind", required=True, metavar="类型", help=f"跟进类型：{nr.kind_choices(FOLLOWUP_CHOICES)}")
    parser.add_argument("--note", required=True, metavar="备注", help="发生了什么（默认仅编辑部内部可见）")
    parser.add_argument("--public", action="store_true",
                        help="备注可以在公开网站上显示（记录中写作“公开：备注”）；否则读者只看到类型和日期")
    parser.add_argument("--who", default="", metavar="人员", help="记者或编辑（不会出现在公开网站上）")
    parser.add_argument("--url", default="", metavar="链接", help="相关链接；见报（published）必须写见报文章的链接")
    parser.add_argument("--due", default="", metavar="期限", help="下一步的期限，如 2026-12-05（选题单按期限排序，逾期的排在最前）")
    parser.add_argument("--satisfaction", default="", choices=SATISFACTION, metavar="满意度",
                        help=f"回访时居民的满意度：{'、'.join(SATISFACTION)}（回访必填，公开网站显示）")
    parser.add_argument("--quote", default="", metavar="原话", help="回访时居民的原话，已获同意可以公开发表（公开网站显示）")


def _decision_arguments(action: str, reason_required: bool = True):
    """Arguments of a publication decision with a reason on file (takedown, restore)."""

    def add(parser) -> None:
        _case_argument(parser)
        parser.add_argument("--reason", required=reason_required, default="", metavar="理由",
                            help=f"{action}的理由（记录在案，供审核）")
        parser.add_argument("--who", default="编辑部", metavar="人员", help=f"决定{action}的编辑")

    return add


def _clear_arguments(parser) -> None:
    _case_argument(parser)
    parser.add_argument("--who", default="编辑部", metavar="人员", help="审核通过的编辑")
    parser.add_argument("--note", default="", metavar="备注", help="审核意见")


def _key_and_date(args, settings) -> tuple[str, datetime]:
    return resolve(load_index(settings), args.case), _date(getattr(args, "date", None), settings)


@_guarded
def _claim(args, settings) -> int:
    key, when = _key_and_date(args, settings)
    try:
        done = actions.claim(settings, key, args.reporter, when, note=args.note, take=args.take,
                             how=f"请加 --take（记录中会写明原认领人），或先 wenzheng unclaim {key}")
    except actions.HeldError as error:
        raise CommandError(str(error)) from None
    return _report(done)


@_guarded
def _unclaim(args, settings) -> int:
    key, when = _key_and_date(args, settings)
    return _report(actions.unclaim(settings, key, when, who=args.who, note=args.note))


def _due(text: str, settings: dict) -> datetime | None:
    if not text:
        return None
    try:
        return parse_datetime(text)
    except ValueError:
        raise CommandError(f"--due：无法识别的日期 {text!r}（应为 2026-12-05）") from None


@_guarded
def _followup(args, settings) -> int:
    kind = nr.kind_key(args.kind)
    if kind not in FOLLOWUP_CHOICES:
        hint = "（认领请用 wenzheng claim，撤销认领请用 wenzheng unclaim）" if kind in ("claimed", "unclaimed") else ""
        raise CommandError(f"--kind：未知的跟进类型 {args.kind!r}{hint}（可用：{nr.kind_choices(FOLLOWUP_CHOICES)}）")
    if kind == "published" and not args.url.strip():
        raise CommandError("--kind published 必须用 --url 写明见报文章的链接（如 /column/文章别名/）；"
                           "没有文章的案件不能标为“已见报”")
    due = _due(args.due, settings)
    key, when = _key_and_date(args, settings)
    return _report(actions.followup(settings, key, kind, when, args.note, who=args.who, url=args.url,
                                    public=args.public, due=due, satisfaction=args.satisfaction,
                                    quote=args.quote))


@_guarded
def _takedown(args, settings) -> int:
    key, when = _key_and_date(args, settings)
    return _report(actions.takedown(settings, key, when, args.who, args.reason))


@_guarded
def _restore(args, settings) -> int:
    key, when = _key_and_date(args, settings)
    return _report(actions.restore(settings, key, when, args.who, args.reason))


@_guarded
def _clear(args, settings) -> int:
    key, when = _key_and_date(args, settings)
    return _report(actions.clear(settings, key, when, args.who, args.note,
                                 how=f"请运行 wenzheng restore {key} --reason 理由"))


# -- budget -----------------------------------------------------------------------------------
def _budget_arguments(parser) -> None:
    for name, label in (("board", "板块"), ("department", "部门"), ("type", "类型（建议/咨询/举报/诉求）"),
                        ("field", "领域"), ("status", "状态（如 逾期未复）"), ("reporter", "记者认领的案件")):
        parser.add_argument(f"--{name}", default="", metavar=label[:2], help=f"只看{label}（写错时列出可用的值）")
    parser.add_argument("--since", default="", metavar="日期", help="留言日期从（含当天，如 2019-01-01）")
    parser.add_argument("--until", default="", metavar="日期", help="留言日期到（含当天，与 stats --to 相同）")
    parser.add_argument("--size", type=int, default=0, metavar="条数", help="每栏条数（默认 WENZHENG_BUDGET_SIZE）")
    parser.add_argument("--csv", default="budget.csv", metavar="文件", help="CSV 文件路径（默认 budget.csv；写 - 则不写）")


@_guarded
def _budget(args, settings) -> int:
    from ..newsroom.budget import FilterError, Filters, case_link, make_budget, print_budget, store_growth, write_csv

    if args.size < 0:
        raise CommandError("--size 应为正整数")
    try:
        filters = Filters.parse(board=args.board, department=args.department, type=args.type, field=args.field,
                                status=args.status, reporter=args.reporter, since=args.since, until=args.until)
        newsroom = load_newsroom(settings)
        budget = make_budget(newsroom.cases, settings, newsroom.now, filters, size=args.size or None,
                             **store_growth(settings))
    except FilterError as error:
        raise CommandError(str(error)) from None
    print_budget(budget, Console())
    if args.csv != "-":
        write_csv(budget, args.csv, case_link(settings))
        Console().print(f"CSV 已写入：{Path(args.csv).resolve()}", highlight=False)
    return 0


# -- drafts -----------------------------------------------------------------------------------
def _draft_arguments(parser) -> None:
    parser.add_argument("cases", nargs="*", metavar="案件", help="案件编号；多个案件写进同一篇稿件")
    parser.add_argument("--topic", default="", metavar="话题", help="话题名称（多个案件时用作标题）")
    parser.add_argument("--event", default="", metavar="活动编号",
                        help="为一次问政进社区活动写活动报道稿（content/events/ 下记录的文件名）")
    parser.add_argument("--theme", default="", metavar="主题编号",
                        help="为一个问计于民主题写建议汇总稿（content/themes/ 下记录的文件名）")


def _drafts_arguments(parser) -> None:
    parser.add_argument("--auto", type=int, required=True, metavar="N",
                        help="按选题单取前 N 篇：新近解决、热点话题、正在升温，轮流选取（举报类不自动选）")


def report_drafts(outcomes, console: Console) -> None:
    from rich.table import Table

    from ..newsroom.drafts import ACTIONS

    table = Table(title=f"稿件（{outcomes[0].path.parent if outcomes else ''}）")
    for column in ("稿件", "案件", "结果", "新情况"):
        table.add_column(column, overflow="fold")
    for outcome in outcomes:
        table.add_row(outcome.path.name, "、".join(outcome.keys), ACTIONS[outcome.action],
                      str(len(outcome.new_facts)) if outcome.action == "kept" else "")
    console.print(table)
    for outcome in outcomes:
        if outcome.new_facts:
            console.print(f"[bold]{outcome.path.name}[/bold] 已被编辑修改，未覆盖；生成以来的新情况：", highlight=False)
            for fact in outcome.new_facts:
                console.print(f"  + {fact}", highlight=False)


def _event_draft(args, settings) -> int:
    from ..newsroom.event_report import write_event_draft
    from ..newsroom.events import event_of, event_path, read_event

    path = event_path(settings, args.event.strip().lower())
    if not path.exists():
        raise CommandError(f"没有活动 {args.event}（应有记录文件 {path}；可用 wenzheng events 查看）")
    event = read_event(path)
    newsroom = load_newsroom(settings)
    cases = [case for case in newsroom.cases if event_of(case.petition) == event.id]
    hidden = sum(1 for case in cases if not case.public)
    draft = write_event_draft(settings, event, cases, newsroom.now)
    console = Console()
    if draft.written:
        console.print(f"活动报道稿已写入：{draft.path}（现场问题 {len(cases) - hidden} 件"
                      f"{f'；另有 {hidden} 件未经审核，未写入' if hidden else ''}）", highlight=False)
    else:
        console.print(f"稿件 {draft.path} 已存在（编辑可能已修改），未覆盖；如需重新生成请先删除该文件", highlight=False)
    return 0


def _theme_draft(args, settings) -> int:
    from ..newsroom.theme_report import write_theme_draft
    from ..newsroom.themes import read_theme, theme_path

    path = theme_path(settings, args.theme.strip().lower())
    if not path.exists():
        raise CommandError(f"没有主题 {args.theme}（应有记录文件 {path}；可用 wenzheng themes 查看）")
    newsroom = load_newsroom(settings)
    written, fresh = write_theme_draft(settings, read_theme(path), newsroom.cases, newsroom.now)
    Console().print(f"建议汇总稿已写入：{written}" if fresh
                    else f"稿件 {written} 已存在（编辑可能已修改），未覆盖；如需重新生成请先删除该文件", highlight=False)
    return 0


@_guarded
def _draft(args, settings) -> int:
    from ..newsroom.drafts import write_draft

    if args.event or args.theme:
        if args.cases or (args.event and args.theme):
            raise CommandError("--event、--theme 与案件编号三者只能用其一")
        return _event_draft(args, settings) if args.event else _theme_draft(args, settings)
    if not args.cases:
        raise CommandError("请写出案件编号，或用 --event 指定活动")
    newsroom = load_newsroom(settings)
    keys = list(dict.fromkeys(resolve(newsroom.index, name) for name in args.cases))
    chosen = [newsroom.case(key) for key in keys]
    for case in chosen:
        if case.key in newsroom.records.takedowns:
            raise CommandError(f"案件 {case.key} 已撤下（{newsroom.records.takedowns[case.key]}），不生成稿件")
    for case in chosen:
        if not case.public:
            Console(stderr=True).print(f"[yellow]警告[/yellow] 案件 {case.key} 未经审核，不能公开（{case.gate_reason}）。"
                                       f"稿件已标注“待审”；审核通过（wenzheng clear {case.key}）前不得发布。",
                                       highlight=False)
    outcome = write_draft(settings, chosen, newsroom.now, args.topic)
    report_drafts([outcome], Console())
    return 0


@_guarded
def _drafts(args, settings) -> int:
    from ..newsroom.budget import make_budget
    from ..newsroom.drafts import auto_groups, write_draft

    if args.auto <= 0:
        raise CommandError("--auto 应为正整数")
    newsroom = load_newsroom(settings)
    budget = make_budget(newsroom.cases, settings, newsroom.now, size=args.auto * 3)
    outcomes = [write_draft(settings, members, newsroom.now, label)
                for members, label in auto_groups(budget, args.auto)]
    report_drafts(outcomes, Console())
    if len(outcomes) < args.auto:
        Console(stderr=True).print(f"只找到 {len(outcomes)} 篇可写的稿件（要求 {args.auto} 篇）")
    return 0


@_guarded
def _check(args, settings) -> int:
    from ..newsroom.articles import read_articles
    from ..newsroom.review import check_articles

    published, problems = check_articles(settings, read_articles(settings))
    if problems:
        err = Console(stderr=True, soft_wrap=True)
        err.print(f"[red]不能发布[/red]：{len(published)} 篇已发布的文章中发现 {len(problems)} 个问题：", highlight=False)
        for problem in problems:
            err.print(f"  - {problem}", highlight=False)
        err.print("改正后再运行 wenzheng check；或把文章改回 Status: draft。", highlight=False)
        return 2
    Console().print(f"检查通过：{len(published)} 篇已发布的文章没有占位文字、待审案件或未打码的个人信息。", highlight=False)
    return 0


CHECK = Command("发布前检查已发布的专栏文章：占位文字、未经审核的案件、未打码的个人信息（make publish 先运行）",
                lambda parser: None, _check)
BUDGET = Command("生成选题单：认领跟进中、正在升温、新近解决、逾期待追、待回访（终端表格 + CSV）", _budget_arguments, _budget)
CLAIM = Command("记者认领案件（写入 content/newsroom/ 下的记录；已由别人认领时须加 --take 接手）",
                _claim_arguments, _claim)
UNCLAIM = Command("撤销认领（记录中留下一行撤销记录）", _unclaim_arguments, _unclaim)
FOLLOWUP = Command("记录跟进：走访、采访、见报（须附文章链接）、部门处理、解决、未解决、重新打开；--due 定下一步期限",
                   _followup_arguments, _followup)
DRAFT = Command("为指定案件生成稿件草稿（多个案件合为一篇）；--event 写问政进社区活动报道稿，--theme 写问计于民建议汇总稿", _draft_arguments, _draft)
DRAFTS = Command("按选题单自动生成前 N 篇稿件草稿", _drafts_arguments, _drafts)
TAKEDOWN = Command("撤下案件：下次构建时从所有公开输出中移除", _decision_arguments("撤下"), _takedown)
CLEAR = Command("审核通过：准予公开（如举报类、待审的留言；不解除撤下）", _clear_arguments, _clear)
RESTORE = Command("恢复被撤下的案件（在记录中留下一行恢复记录）", _decision_arguments("恢复公开", reason_required=False),
                  _restore)
