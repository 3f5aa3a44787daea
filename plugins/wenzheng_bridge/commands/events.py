"""``wenzheng event add`` and ``wenzheng events``: the desk's 问政进社区 records (newsroom/events.py)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from . import Command
from ..newsroom.events import EventRecord, event_of, load_events, split_names, write_event
from ..sources.common import parse_datetime
from .newsroom import CommandError, _guarded, load_newsroom


def _add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")
    add = actions.add_parser("add", help="新建活动记录（写入 content/events/活动编号.txt）",
                             description="新建问政进社区活动记录；也可直接编辑该文件")
    add.add_argument("id", metavar="活动编号", help="小写字母、数字和连字符，如 2019-12-a3；线下来源表格的“活动编号”列写它")
    add.add_argument("--title", required=True, metavar="标题")
    add.add_argument("--date", required=True, metavar="日期", help="如 2019-12-14 或 2019-12-14 09:30")
    add.add_argument("--place", default="", metavar="地点")
    add.add_argument("--district", default="", metavar="区县")
    add.add_argument("--departments", default="", metavar="部门", help="到场部门，用顿号或逗号分隔")
    add.add_argument("--spokespersons", default="", metavar="发言人", help="到场的网络发言人，用顿号或逗号分隔")
    add.add_argument("--reporters", default="", metavar="记者", help="参加的记者（只留在编辑部记录中）")
    add.add_argument("--sample", action="store_true", help="标为示例记录")


@_guarded
def _event(args, settings) -> int:
    try:
        when = parse_datetime(args.date)
    except ValueError:
        raise CommandError(f"--date：无法识别的日期 {args.date!r}（应为 2019-12-14 或 2019-12-14 09:30）") from None
    if when is None:
        raise CommandError("--date 不能为空")
    event = EventRecord(id=args.id.strip().lower(), title=args.title.strip(), date=when, place=args.place.strip(),
                        district=args.district.strip(), departments=split_names(args.departments),
                        spokespersons=split_names(args.spokespersons), reporters=split_names(args.reporters), sample=args.sample)
    if not event.title:
        raise CommandError("--title 不能为空")
    path = write_event(settings, event)
    Console().print(f"活动记录已写入：{path}\n现场收集的问题请登记在线下来源（kind: offline）的表格中，“活动编号”列填 {event.id}",
                    highlight=False)
    return 0


@_guarded
def _events(args, settings) -> int:
    from ..records import Status

    events = load_events(settings)
    counts: dict[str, list[int]] = {}
    # The newsroom's records count too: a follow-up marked resolved settles an offline case.
    for case in load_newsroom(settings).cases:
        event = event_of(case.petition)
        if event:
            tally = counts.setdefault(event, [0, 0])
            tally[0] += 1
            tally[1] += case.status == Status.RESOLVED
    table = Table(title=f"问政进社区活动（共 {len(events)} 场）")
    for column in ("活动编号", "日期", "标题", "区县", "现场问题", "已解决"):
        table.add_column(column, overflow="fold")
    for event in events:
        total, solved = counts.get(event.id, [0, 0])
        table.add_row(event.id, event.shown_date, event.title + ("（示例）" if event.sample else ""), event.district,
                      str(total), str(solved))
    Console().print(table)
    unknown = sorted(set(counts) - {event.id for event in events})
    if unknown:
        Console(stderr=True).print(f"[yellow]警告[/yellow] 这些活动编号有现场问题但没有活动记录：{'、'.join(unknown)}",
                                   highlight=False)
    return 0


EVENT = Command("问政进社区活动记录：event add 新建（写入 content/events/）", _add_arguments, _event)
EVENTS = Command("列出问政进社区活动及现场收集问题的办理情况", lambda parser: None, _events)
