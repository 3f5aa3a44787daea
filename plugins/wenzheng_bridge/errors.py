"""The one root of every error a user can cause, at the lowest layer.

Each job keeps its own error class where it belongs (``ConfigError`` in
config, ``SourceError`` in records, ``FetchError`` in fetching…), but all of
them derive from ``WenzhengError``, so the command line and the Pelican build
can tell "the user's input is wrong" (one Chinese message, exit status 2) from
"the program is wrong" (a bug notice, the traceback with ``--debug``).
The old base classes stay as second bases: code catching ``ValueError`` still works.
"""
from __future__ import annotations


class WenzhengError(Exception):
    """A problem the user can fix; ``str(error)`` is the whole Chinese message."""


class StoreError(WenzhengError):
    """The store cannot be opened or written: names the file and says what to do."""

    def __init__(self, path, problem: str, hint: str = ""):
        self.path, self.problem, self.hint = str(path), problem, hint
        super().__init__(f"数据库 {path}：{problem}" + (f"（{hint}）" if hint else ""))


BUG_NOTICE = "程序内部错误（这是本工具的缺陷，不是您的操作问题）：{kind}: {detail}\n请加 --debug 重新运行，并把完整输出发给维护者。"


def bug_notice(error: BaseException) -> str:
    """A short Chinese notice for an unexpected exception (no traceback)."""
    detail = str(error)
    if len(detail) > 300:
        detail = detail[:300] + "…"
    return BUG_NOTICE.format(kind=type(error).__name__, detail=detail)
