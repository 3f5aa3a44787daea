"""``wenzheng settings``: every WENZHENG_* option with its type, default and meaning."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from . import Command
from .settings_labels import label
from ..config import REQUIRED
from ..settings import all_options
from ..sources.kinds import SOURCE_KINDS
from ..sources.settings import COMMON_OPTIONS


#: Python type names as the settings table shows them.
TYPE_NAMES = {"str": "文字", "int": "整数", "float": "数字", "bool": "是/否", "list": "列表", "dict": "字典",
              "tuple": "列表", "NoneType": "空"}


def _table(title: str, options: dict, current: dict | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("设置项", "类型", "默认值", "说明"):
        table.add_column(column, overflow="fold")
    for name, option in options.items():
        types = option.type if isinstance(option.type, tuple) else (option.type,)
        default = "（必填）" if option.default is REQUIRED else repr(option.default)
        kind = " 或 ".join(TYPE_NAMES.get(t.__name__, t.__name__) for t in types)
        if option.choices:  # a closed set: the listing names every valid value
            kind += f"（{'、'.join(map(str, option.choices))} {'中的若干项' if list in types else '之一'}）"
        table.add_row(name, kind, default, label(name, option.doc))
    return table


def _run(args, settings) -> int:
    out = Console()
    out.print(_table("pelicanconf.py 中的 WENZHENG_* 设置", all_options()))
    out.print(_table("WENZHENG_SOURCES 每个来源都可用的设置", COMMON_OPTIONS))
    for entry in SOURCE_KINDS.entries():
        out.print(_table(f"来源类型 {entry.name} 的设置", entry.target.options))
    return 0


SETTINGS = Command("列出所有 WENZHENG_* 设置及来源设置：类型、默认值、说明", lambda parser: None, _run)
