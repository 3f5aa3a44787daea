"""``wenzheng theme add`` and ``wenzheng themes``: the desk's 问计于民 collections (newsroom/themes.py)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from . import Command
from ..newsroom.fieldrecord import split_names
from ..newsroom.themes import ThemeRecord, load_themes, write_theme
from ..records import SHANGHAI
from ..sources.common import parse_datetime
from .newsroom import CommandError, _guarded, load_newsroom


def _add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="操作")
    add = actions.add_parser("add", help="新建主题记录（写入 content/themes/主题编号.txt）",
                             description="新建问计于民主题记录；也可直接编辑该文件")
    add.add_argument("id", metavar="主题编号", help="小写字母、数字和连字符，如 2019-laojiu-xiaoqu")
    add.add_argument("--title", required=True, metavar="标题")
    add.add_argument("--question", default="", metavar="问题", help="向网友征集的问题")
    add.add_argument("--start", required=True, metavar="开始日期")
    add.add_argument("--end", required=True, metavar="结束日期")
    add.add_argument("--boards", default="", metavar="板块", help="只收这些板块的建议，用顿号或逗号分隔")
    add.add_argument("--keywords", default="", metavar="关键词", help="标题或正文含其一即收，用顿号或逗号分隔")
    add.add_argument("--sample", action="store_true", help="标为示例记录")


def _day(text: str, option: str):
    try:
        return parse_datetime(text).astimezone(SHANGHAI).date()
    except (ValueError, AttributeError):
        raise CommandError(f"{option}：无法识别的日期 {text!r}（应为 2019-12-31）") from None


@_guarded
def _theme(args, settings) -> int:
    start, end = _day(args.start, "--start"), _day(args.end, "--end")
    if end < start:
        raise CommandError("--end 不能早于 --start")
    theme = ThemeRecord(id=args.id.strip().lower(), title=args.title.strip(), question=args.question.strip(),
                        start=start, end=end, boards=split_names(args.boards), keywords=split_names(args.keywords),
                        sample=args.sample)
    Console().print(f"主题记录已写入：{write_theme(settings, theme)}", highlight=False)
    return 0


@_guarded
def _themes(args, settings) -> int:
    themes = load_themes(settings)
    cases = load_newsroom(settings).cases
    table = Table(title=f"问计于民主题（共 {len(themes)} 个）")
    for column in ("主题编号", "标题", "征集时间", "建议", "已答复"):
        table.add_column(column, overflow="fold")
    for theme in themes:
        found = [case for case in cases if case.public and theme.wants(case.petition)]
        table.add_row(theme.id, theme.title + ("（示例）" if theme.sample else ""), theme.window, str(len(found)),
                      str(sum(1 for case in found if case.replied)))
    Console().print(table)
    return 0


THEME = Command("问计于民主题记录：theme add 新建（写入 content/themes/）", _add_arguments, _theme)
THEMES = Command("列出问计于民主题及征集到的建议数", lambda parser: None, _themes)
