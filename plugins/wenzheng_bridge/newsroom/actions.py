"""The newsroom's record-changing actions, shared by the ``wenzheng`` commands and the desk.

Each action checks what it is asked against the case's record (who holds it, whether it is
taken down), then appends one line in the plain-text format of ``records.py``, so a command,
the desk and a hand edit give the same file.

Writes are atomic and versioned: the new file is written beside the old and moved over it
(``os.replace``), under a lock on the records folder, and a caller that read the record at
some version (the desk's form carries it) is refused with ``StaleError`` when the file has
changed since: two people editing one case are told, never silently overwritten.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from ..dates import iso_date
from ..errors import WenzhengError
from ..records import FOLLOWUP_KINDS, SATISFACTION
from . import records as nr
from .articles import read_articles
from .review import Problem, check_articles

#: Follow-up kinds logged through ``followup`` (claims have their own actions).
FOLLOWUP_CHOICES = tuple(k for k in FOLLOWUP_KINDS if k not in ("claimed", "unclaimed"))
#: Actions only an editor may take on the desk (publication decisions).
EDITOR_ACTIONS = frozenset({"takedown", "restore", "clear"})


class ActionError(WenzhengError, ValueError):
    """An action the record does not allow (claiming a held case, restoring a case not taken down)."""


class HeldError(ActionError):
    """The case is held by someone else: taking it over must be asked for."""

    def __init__(self, key: str, since: str, reporter: str, how: str):
        self.key, self.since, self.reporter = key, since, reporter
        super().__init__(f"案件 {key} 已由 {since}，未改动。如需改由 {reporter} 接手，{how}")


class StaleError(ActionError):
    """The case's record changed after the caller read it."""


@dataclass
class Done:
    """What an action wrote (``entry`` None: nothing to write) and what to tell the person."""

    key: str
    entry: nr.Entry | None
    path: Path | None
    notice: str = ""


# -- versioned, atomic writing -------------------------------------------------------------
def version(settings: dict, key: str) -> str:
    """A short fingerprint of the case's record file as it is now ("0" when it has none)."""
    path = nr.record_path(settings, key)
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        return "0"


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the records folder: one writer at a time, in this process or another."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all at once: a reader sees the old file or the new, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write(settings: dict, entry: nr.Entry, expected: str | None = None) -> Path:
    """Append ``entry`` to its case's record; with ``expected``, only if the file is still at that version."""
    path = nr.record_path(settings, entry.case)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = nr.format_line(entry)
    nr.parse_line(line, entry.case, path, 0)  # never write a line the build would refuse
    with _locked(path.parent):
        if expected is not None and version(settings, entry.case) != expected:
            raise StaleError(f"案件 {entry.case} 的记录在您打开页面之后已被他人修改，本次操作未保存。"
                             "请刷新页面，看过最新记录后再提交。")
        _replace(path, nr.record_text(path, entry.case) + line + "\n")
    return path


# -- the actions ---------------------------------------------------------------------------
def _followups(settings: dict, key: str) -> list:
    """The case's follow-ups as recorded; a broken record file stops the action naming it."""
    records = nr.load(settings, lenient=True)
    if key in records.broken:
        raise ActionError(f"案件 {key} 的编辑部记录有误，请先改正：{records.broken[key]}")
    return records.followups.get(key, [])


def _done(settings: dict, key: str, kind: str, when: datetime, expected: str | None, notice: str = "",
          **fields) -> Done:
    entry = nr.Entry(case=key, kind=kind, date=when, **fields)
    return Done(key, entry, write(settings, entry, expected), notice)


def claim(settings: dict, key: str, reporter: str, when: datetime, note: str = "", take: bool = False,
          expected: str | None = None, how: str = "请选择“接手”（记录中会写明原认领人），或先撤销认领") -> Done:
    """``reporter`` holds the case from now; over someone else's claim only with ``take`` (noted).

    ``how`` tells the person how to take a held case over in their front end."""
    reporter = reporter.strip()
    if not reporter:
        raise ActionError("请写明认领的记者")
    current = nr.holder(_followups(settings, key))
    if current is not None and current.who == reporter:
        return Done(key, None, None, f"案件 {key} 已由 {reporter} 于 {iso_date(current.date)} 认领，无需重复认领。")
    notice = ""
    if current is not None:
        since = f"{current.who} 于 {iso_date(current.date)} 认领"
        if not take:
            raise HeldError(key, since, reporter, how)
        note = f"接手（原认领：{current.who}）" + (f"；{note}" if note else "")
        notice = f"案件 {key} 原由 {since}，现改由 {reporter} 接手。"
    return _done(settings, key, "claimed", when, expected, notice, who=reporter, note=note)


def unclaim(settings: dict, key: str, when: datetime, who: str = "", note: str = "",
            expected: str | None = None) -> Done:
    current = nr.holder(_followups(settings, key))
    if current is None:
        raise ActionError(f"案件 {key} 目前没有人认领，无需撤销")
    return _done(settings, key, "unclaimed", when, expected, who=who or current.who,
                 note=note or f"撤销 {current.who} 的认领")


def followup(settings: dict, key: str, kind: str, when: datetime, note: str, who: str = "", url: str = "",
             public: bool = False, due: datetime | None = None, satisfaction: str = "", quote: str = "",
             expected: str | None = None) -> Done:
    """One follow-up; a 回访 (``revisited``) needs the resident's ``satisfaction``, may carry a cleared ``quote``."""
    found = nr.kind_key(kind)
    if found not in FOLLOWUP_CHOICES:
        hint = "（认领和撤销认领另有操作）" if found in ("claimed", "unclaimed") else ""
        raise ActionError(f"未知的跟进类型 {kind!r}{hint}（可用：{nr.kind_choices(FOLLOWUP_CHOICES)}）")
    if found == "published" and not url.strip():
        raise ActionError("“已见报”必须写明见报文章的链接（如 /column/文章别名/）；没有文章的案件不能标为“已见报”")
    if not note.strip():
        raise ActionError("请写明备注：发生了什么")
    if found == "revisited" and satisfaction not in SATISFACTION:
        raise ActionError(f"回访必须写明居民的满意度：{'、'.join(SATISFACTION)}")
    if found != "revisited" and (satisfaction or quote):
        raise ActionError("满意度和居民原话只用于回访")
    return _done(settings, key, found, when, expected, who=who, note=note, url=url.strip(), public=public, due=due,
                 satisfaction=satisfaction, quote=quote.strip())


def takedown(settings: dict, key: str, when: datetime, who: str, reason: str, expected: str | None = None) -> Done:
    if not reason.strip():
        raise ActionError("请写明撤下理由")
    return _done(settings, key, "takedown", when, expected,
                 "下次构建时，该案件将从公开网站、订阅、搜索索引、网站地图和开放数据中移除。", who=who, note=reason)


def restore(settings: dict, key: str, when: datetime, who: str, reason: str = "",
            expected: str | None = None) -> Done:
    records = nr.load(settings, lenient=True)
    if key not in records.takedowns:
        raise ActionError(f"案件 {key} 目前没有被撤下，无需恢复")
    return _done(settings, key, "restored", when, expected,
                 f"已撤销撤下（原理由：{records.takedowns[key]}）。下次构建时，案件按审核规则重新判断是否公开"
                 "（举报类、待审的案件仍需审核通过）。", who=who, note=reason)


def clear(settings: dict, key: str, when: datetime, who: str, note: str = "", expected: str | None = None,
          how: str = "请在本页“恢复公开”") -> Done:
    """Clear a held case; over a takedown it is recorded but ``how`` tells how to restore the case."""
    done = _done(settings, key, "cleared", when, expected, who=who, note=note)
    records = nr.load(settings, lenient=True)
    if key in records.takedowns:
        done.notice = (f"案件 {key} 已被撤下（{records.takedowns[key]}）：撤下优先于审核通过，案件仍不公开。"
                       f"如需恢复公开，{how}")
    else:
        done.notice = "审核通过：下次构建时该案件可以公开。"
    return done


def publish_draft(settings: dict, path: Path, who: str, when: datetime) -> list[Problem]:
    """Publish a draft (its ``Status: draft`` line becomes ``published``, with who and when) unless the
    pre-publication check finds a problem in it; the problems are returned and nothing is changed."""
    article = next((a for a in read_articles(settings) if Path(a.source_path) == path), None)
    if article is None:
        raise ActionError(f"找不到稿件 {path.name}")
    article.status = "published"  # checked as it would be once published
    problems = check_articles(settings, [article])[1]
    if problems:
        return problems
    with _locked(path.parent):
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        at = next((i for i, line in enumerate(lines) if line.strip().lower() == "status: draft"), None)
        if at is None:
            raise ActionError(f"稿件 {path.name} 没有“Status: draft”一行：已发布或格式不对，请手工检查")
        lines[at:at + 1] = ["Status: published", f"Publishedby: {who} {iso_date(when)}"]
        _replace(path, "\n".join(lines))
    return []
