"""argparse speaking Chinese: the frame of --help and argparse's own error messages.

argparse builds its texts through ``argparse._`` (gettext) at the moment it
needs them. ``ChineseParser`` swaps in a translation for the duration of its
own calls only (building, formatting, parsing, reporting), so other argparse
users in the same process keep English.
"""
from __future__ import annotations

import argparse
import contextlib
import gettext
import sys
from typing import NoReturn

#: argparse's message ids (Python 3.11–3.13) and what a Chinese reporter reads instead.
MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中之一",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能给一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "invalid %(type)s value: %(value)r": "不是有效的%(type)s：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值 %(value)r（可选：%(choices)s）",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的参数值 %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可用：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}
#: Type names argparse puts into "invalid %(type)s value".
TYPE_NAMES = {"int": "整数", "float": "数字", "str": "文字", "fromisoformat": "日期（应为 2019-01-01）"}


class _Typed(str):
    """A translated message whose %-formatting names the value's type in Chinese."""

    def __mod__(self, values):
        if isinstance(values, dict) and "type" in values:
            values = {**values, "type": TYPE_NAMES.get(values["type"], values["type"])}
        return str.__mod__(self, values)


def translate(message: str) -> str:
    found = MESSAGES.get(message)
    if found is None:
        return gettext.gettext(message)
    return _Typed(found) if "%(type)s" in found else found


@contextlib.contextmanager
def chinese():
    """argparse's texts in Chinese while inside (nested use is fine)."""
    before = argparse._
    argparse._ = translate
    try:
        yield
    finally:
        argparse._ = before


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose frame, help and errors are Chinese; subcommands inherit it."""

    def __init__(self, *args, **kwargs):
        with chinese():
            super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese():
            text = super().format_help()
        # argparse ends a section heading with an ASCII colon; Chinese text takes the full-width one.
        for title in {group.title for group in self._action_groups if group.title}:
            text = text.replace(f"\n{title}:\n", f"\n{title}：\n")
        return text

    def error(self, message: str) -> NoReturn:
        with chinese():
            self.print_usage(sys.stderr)
            self.exit(2, argparse._("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message})
