"""Newsroom records: plain text under ``content/newsroom/``, one file per case.

What the newsroom decided (claims, visits, interviews, takedowns, clearances)
lives beside the column's Markdown so editors review it in version control.
Each file is named after its case (``tipdm-2549.txt``) and holds one event
per line::

    # 零距离问政 · 案件 tipdm-2549 的编辑部记录
    2026-11-20 09:30 | claimed | 张三 | 今天下午去现场
    2026-11-21 | visited | 张三 | 公开：路灯仍未修复
    2026-11-22 | takedown | 李编辑 | 当事人要求撤下
    2026-11-25 | restored | 李编辑 | 当事人撤回要求
    2026-11-28 | revisited | 张三 | 电话回访 | | | 满意 | 路灯修好了，谢谢

A note is internal unless it starts with ``公开：`` (or ``公开:``): public pages
show a follow-up's kind and date, and its note only when so marked; the name
in the "who" field never leaves the newsroom.

Fields: date (``YYYY-MM-DD`` with optional ``HH:MM``, Asia/Shanghai), kind
(an English key, its Chinese label or a common word such as 走访), who, note,
an optional URL, an optional due date of the next step (``YYYY-MM-DD``) and, for a 回访
(``revisited``), the resident's satisfaction (满意, 基本满意 or 不满意) and optionally their
words cleared for publication (public pages show both; the note stays internal as usual).
``#`` starts a comment line. The ``wenzheng`` commands append such lines; a
hand edit works the same. A malformed line stops the build naming the file,
the line and the field; the desk's commands report it and leave that case's
record out, so the rest of the desk goes on.

Who holds a case: the last ``claimed`` line not followed by ``unclaimed``; a
claim over someone else's (``wenzheng claim --take``) says so in its note.

Column articles are the other half of the record: ``load`` reads the
``Cases:`` metadata of Pelican's articles so a published one puts 已见报 on
each case it names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..config import CoreSettings
from ..dates import iso_date, stamp
from ..records import FOLLOWUP_KINDS, SATISFACTION, SHANGHAI, FollowUp, NewsroomRecords
from ..sources.common import parse_datetime
from ..trust.sanitize import output_text
from .articles import article_refs, attach_cases
from .publication import name_publications
from .caseindex import CaseIndex, RecordError, content_dir
from .settings import NewsroomSettings

SUFFIX = ".txt"

#: Decisions about publication, recorded in the same files as follow-ups.
GATE_KINDS = {"takedown": "撤下", "restored": "恢复公开", "cleared": "准予公开"}
ALL_KINDS = {**FOLLOWUP_KINDS, **GATE_KINDS}
#: A hand-written line or a command may use the Chinese label, or a word reporters say, instead of the key.
KIND_WORDS = {
    **{label: key for key, label in ALL_KINDS.items()},
    "认领": "claimed", "走访": "visited", "现场走访": "visited", "采访": "interviewed", "见报": "published",
    "部门处理": "acted", "已处理": "acted", "解决": "resolved", "未解决": "unresolved", "重新打开": "reopened",
    "重开": "reopened", "取消认领": "unclaimed", "回访": "revisited", "撤下": "takedown", "恢复": "restored", "审核通过": "cleared",
}


def kind_key(text: str) -> str | None:
    """The kind's key for an English key, its label or a common word; None when unknown."""
    text = text.strip()
    key = KIND_WORDS.get(text, text.lower())
    return key if key in ALL_KINDS else None


def kind_choices(kinds=None) -> str:
    """The accepted kinds as a reporter reads them: "实地走访（走访、visited）、…"."""
    kinds = kinds or ALL_KINDS
    words = {}
    for word, key in KIND_WORDS.items():
        if word != ALL_KINDS[key]:
            words.setdefault(key, []).append(word)
    return "、".join(f"{ALL_KINDS[k]}（{'、'.join(words.get(k, []) + [k])}）" for k in kinds)

#: Kinds that mean nothing without these fields.
_REQUIRED = {"claimed": ("who", "记者姓名"), "takedown": ("note", "撤下理由"),
             "published": ("url", "见报文章的链接（如 /column/文章/ 或 https://…）"),
             "revisited": ("satisfaction", f"居民的满意度（{'、'.join(SATISFACTION)}）")}
#: The note's prefix that makes it public (full- or half-width colon).
PUBLIC_PREFIX = "公开："
_PUBLIC = re.compile(r"^公开\s*[:：]\s*")
_FIELDS = ("date", "kind", "who", "note", "url", "due", "satisfaction", "quote")
_FIELD_LABELS = {"date": "日期", "kind": "类型", "who": "人员", "note": "备注", "url": "链接", "due": "下一步期限",
                 "satisfaction": "满意度", "quote": "居民原话"}
_KEY = re.compile(r"[a-z0-9][a-z0-9_]*-[^\s/|,，]+")


@dataclass
class Entry(FollowUp):
    """One line of a record file, as written (kinds include takedown and cleared)."""

    def as_followup(self) -> FollowUp:
        # A reporter's note may quote a phone number or an address: it leaves the file
        # plain and masked, like any source text, so no page, feed or draft shows it raw.
        return FollowUp(case=self.case, kind=self.kind, date=self.date, who=output_text(self.who),
                        note=output_text(self.note), url=self.url, origin=self.origin, public=self.public,
                        due=self.due, satisfaction=self.satisfaction, quote=output_text(self.quote))


# -- where things are --------------------------------------------------------
def records_dir(settings: dict) -> Path:
    return content_dir(settings) / NewsroomSettings.of(settings).newsroom_dir


def record_path(settings: dict, key: str) -> Path:
    return records_dir(settings) / f"{key}{SUFFIX}"


# -- reading ------------------------------------------------------------------
def parse_line(text: str, case: str, path: Path, number: int) -> Entry | None:
    """One line -> Entry (None for blank and comment lines); RecordError naming the field."""
    text = text.strip()
    if not text or text.startswith("#"):
        return None
    parts = [part.strip() for part in text.split("|")]
    if len(parts) < 2 or len(parts) > len(_FIELDS):
        hint = "（分隔符请用半角 |，不是全角｜）" if len(parts) == 1 and "｜" in text else ""
        raise RecordError(path, number, "格式",
                          f"应为“日期 | 类型 | 人员 | 备注 [| 链接 [| 下一步期限 [| 满意度 [| 居民原话]]]]”，实际有 {len(parts)} 栏{hint}：{text}")
    values = dict(zip(_FIELDS, parts + [""] * (len(_FIELDS) - len(parts))))
    try:
        date = parse_datetime(values["date"]) if values["date"] else None
    except ValueError:
        date = None
    if date is None:
        raise RecordError(path, number, "日期", f"无法识别 {values['date']!r}（应为 2026-11-20 或 2026-11-20 14:30）")
    kind = kind_key(values["kind"])
    if kind is None:
        raise RecordError(path, number, "类型", f"未知的类型 {values['kind']!r}（可用：{kind_choices()}）")
    if kind in _REQUIRED and not values[_REQUIRED[kind][0]]:
        name, label = _REQUIRED[kind]
        raise RecordError(path, number, _FIELD_LABELS[name], f"{ALL_KINDS[kind]}必须写明{label}")
    if values["url"] and not re.match(r"^(https?://|/|[\w.-]+/)", values["url"]):
        raise RecordError(path, number, "链接", f"不是网址：{values['url']!r}")
    due = None
    if values["due"]:
        try:
            due = parse_datetime(values["due"])
        except ValueError:
            raise RecordError(path, number, "下一步期限", f"无法识别 {values['due']!r}（应为 2026-12-05）") from None
    satisfaction = values["satisfaction"]
    if satisfaction and (kind != "revisited" or satisfaction not in SATISFACTION):
        raise RecordError(path, number, "满意度", f"{satisfaction!r} 无效：只有回访记录满意度，"
                          f"应为 {'、'.join(SATISFACTION)} 之一")
    if values["quote"] and kind != "revisited":
        raise RecordError(path, number, "居民原话", "只有回访记录居民原话")
    note, public = split_public(values["note"])
    return Entry(case=case, kind=kind, date=date, who=values["who"], note=note,
                 url=values["url"], origin=f"{path}:{number}", public=public, due=due, satisfaction=satisfaction,
                 quote=values["quote"])


def split_public(note: str) -> tuple[str, bool]:
    """(note without the marker, marked public?) for a note as written in a record line."""
    marker = _PUBLIC.match(note)
    return (note[marker.end():], True) if marker else (note, False)


def read_file(path: Path, index: CaseIndex | None = None) -> list[Entry]:
    """The entries of one record file; with ``index``, its case must be in the store."""
    case = path.name[: -len(SUFFIX)]
    if not _KEY.fullmatch(case):
        raise RecordError(path, None, "文件名", f"应为案件编号加 {SUFFIX}，如 tipdm-2549{SUFFIX}")
    if index is not None and case not in index.keys:
        raise RecordError(path, None, "文件名", index.explain(case))
    try:
        text = path.read_text(encoding="utf-8-sig")  # editors' Windows tools may add a BOM
    except UnicodeDecodeError as error:
        raise RecordError(path, None, "编码", f"不是 UTF-8 文本（{error.reason}）") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = parse_line(line, case, path, number)
        if entry:
            entries.append(entry)
    return entries


def read_all(settings: dict, index: CaseIndex | None = None,
             broken: dict[str, str] | None = None) -> list[Entry]:
    """Every entry of every record file, in file order then line order.

    With ``broken`` (the desk's commands), a file that cannot be read is noted there
    (case -> the error naming file, line and field) and left out; without it (the build),
    the first such file raises.
    """
    folder = records_dir(settings)
    if not folder.is_dir():
        return []
    entries: list[Entry] = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            entries += read_file(path, index)
        except RecordError as error:
            if broken is None:
                raise
            broken[path.name[: -len(SUFFIX)]] = str(error)
    return entries


def _fold(entries: Iterable[Entry], records: NewsroomRecords) -> NewsroomRecords:
    for entry in entries:
        if entry.kind == "takedown":
            # The reason reaches the newsroom's budget page and CSV: masked like any note.
            records.takedowns[entry.case] = output_text(entry.note)
        elif entry.kind == "restored":
            records.takedowns.pop(entry.case, None)
        elif entry.kind == "cleared":
            records.clearances.add(entry.case)
        else:
            records.followups.setdefault(entry.case, []).append(entry.as_followup())
    for followups in records.followups.values():
        followups.sort(key=lambda f: f.date)
    return records


def check_dates(entries: list[Entry], settings: dict) -> None:
    """No record after the build's now, none before its petition was posted (RecordError naming the line).

    A date without a time is compared as a day: a visit logged for the day of the post is fine.
    """
    if not entries:
        return
    from ..caseview.view import build_now

    now = build_now(settings)
    posted = _posted_times(settings, {entry.case for entry in entries})
    for entry in entries:
        path, _, line = entry.origin.rpartition(":")
        when = entry.date.astimezone(SHANGHAI)
        day_only = (when.hour, when.minute, when.second) == (0, 0, 0)
        shown = f"{when:%Y-%m-%d}" if day_only else f"{when:%Y-%m-%d %H:%M}"
        local_now = now.astimezone(SHANGHAI)
        if (when.date() > local_now.date()) if day_only else (when > now):
            raise RecordError(path, int(line), "日期", f"{shown} 晚于数据截至时间 {local_now:%Y-%m-%d %H:%M}"
                              "（记录的日期不能在将来，请核对年份）")
        start = posted.get(entry.case)
        if start is not None:
            start = start.astimezone(SHANGHAI)
            if (when.date() < start.date()) if day_only else (when < start):
                raise RecordError(path, int(line), "日期",
                                  f"{shown} 早于留言发布时间 {start:%Y-%m-%d %H:%M}（请核对日期）")


def _posted_times(settings: dict, keys: set[str]) -> dict:
    """When each named case was posted, from the store (empty without one)."""
    from ..store import Store

    path = CoreSettings.of(settings).store_path
    if not path.exists():
        return {}
    with Store.open(path, readonly=True) as store:
        found = {key: store.petition(key) for key in keys}
    return {key: petition.posted for key, petition in found.items() if petition is not None}


def _dated_or_broken(entries: list[Entry], settings: dict, broken: dict[str, str]) -> list[Entry]:
    """The entries whose file passes ``check_dates``; a file that does not is noted in ``broken``."""
    try:
        check_dates(entries, settings)
        return entries
    except RecordError:
        pass  # find each file at fault (rare: only then checked one case at a time)
    by_case: dict[str, list[Entry]] = {}
    for entry in entries:
        by_case.setdefault(entry.case, []).append(entry)
    kept = []
    for case, mine in by_case.items():
        try:
            check_dates(mine, settings)
            kept += mine
        except RecordError as error:
            broken[case] = str(error)
    return kept


# -- the one entry point ------------------------------------------------------------
def load(settings: dict, articles: Iterable | None = None, index: CaseIndex | None = None,
         lenient: bool = False) -> NewsroomRecords:
    """Everything the newsroom decided, read from content/ (and the given Pelican articles).

    Checks every named case against the store; sets ``article.wenzheng_cases``
    on each article. Raises RecordError naming file, line and field; ``lenient``
    (the desk's commands) notes a bad file in ``records.broken`` instead, so one
    typo does not stop the desk (the build stays strict).
    """
    index = index or CaseIndex.from_settings(settings)
    records = NewsroomRecords()
    entries = read_all(settings, index, records.broken if lenient else None)
    if lenient:
        entries = _dated_or_broken(entries, settings, records.broken)
    else:
        check_dates(entries, settings)
    _fold(entries, records)
    if articles is not None:
        records.articles = article_refs(name_publications(attach_cases(articles, index), settings))
    return records


# -- assignments --------------------------------------------------------------------
def holder(followups: Iterable[FollowUp]) -> FollowUp | None:
    """The claim in force: the last ``claimed`` not followed by ``unclaimed``."""
    current = None
    for item in sorted(followups, key=lambda f: f.date):
        if item.kind == "claimed":
            current = item
        elif item.kind == "unclaimed":
            current = None
    return current


def next_due(followups: Iterable[FollowUp]) -> FollowUp | None:
    """The latest follow-up that set a due date for the next step (None when none did)."""
    dated = [f for f in followups if f.due is not None]
    return max(dated, key=lambda f: f.date) if dated else None


# -- writing ------------------------------------------------------------------------
def format_line(entry: Entry) -> str:
    # "|" separates fields: a note keeps its meaning with the full-width bar.
    note = (PUBLIC_PREFIX if entry.public else "") + entry.note
    cells = [stamp(entry.date), entry.kind] + [value.replace("|", "｜").replace("\n", " ").strip()
                                   for value in (entry.who, note, entry.url, iso_date(entry.due),
                                                 entry.satisfaction, entry.quote)]
    while len(cells) > 3 and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


def record_text(path: Path, case: str) -> str:
    """The record file's text ready for one more line: its lines, or a new file's header."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        return text if not text or text.endswith("\n") else text + "\n"
    return (f"# 零距离问政 · 案件 {case} 的编辑部记录（每行一条：日期 | 类型 | 人员 | 备注 | 链接）\n"
            f"# 类型：{'、'.join(f'{k}={v}' for k, v in ALL_KINDS.items())}\n")
