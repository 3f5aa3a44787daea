"""The draft of an event's report (``wenzheng draft --event ID``): Markdown an editor takes over.

It names the event's public cases in ``Cases:``, so once published it puts 已见报 on each of
them like any column article. A file already there is the editor's: never overwritten.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..caseview.model import Case
from ..dates import cn_date, stamp
from ..records import Status
from .drafts import COLUMN, NOTES_PLACEHOLDER, case_summary, drafts_dir, plain, quote
from .events import EventRecord, resolved_count


@dataclass
class EventDraft:
    path: Path
    written: bool  # False: the file was there already (the editor's) and was kept


def event_slug(event: EventRecord) -> str:
    return f"wenzheng-event-{event.id}"


def _lead(event: EventRecord, cases: list[Case]) -> str:
    where = "、".join(x for x in (event.district, event.place) if x) or "社区"
    who = "、".join(event.departments)
    present = f"{who}负责人" if who else "相关部门负责人"
    spokes = f"和{'、'.join(event.spokespersons)}" if event.spokespersons else ""
    solved = resolved_count(cases)
    return (f"{cn_date(event.date)}，本报“问政进社区”活动走进{plain(where)}，{plain(present)}{plain(spokes)}到场，"
            f"面对面听取居民诉求。现场收集问题 {len(cases)} 件，截至目前已解决 {solved} 件。")


def _case_section(number: int, case: Case) -> list[str]:
    p = case.petition
    lines = [f"### {number}. {plain(p.title)}", "", f"（{case.key}，{p.board or '未标注板块'}，状态：{case.status}）", "",
             quote(p.body or p.title), ""]
    summary = case_summary(case)
    return lines + ([summary, ""] if summary else [])


def render_event(event: EventRecord, cases: list[Case], now: datetime) -> str:
    open_first = sorted(cases, key=lambda c: (c.status == Status.RESOLVED, c.key))
    front = [
        f"Title: 【问政进社区】{plain(event.title)}",
        f"Date: {stamp(now.replace(second=0, microsecond=0))}",
        "Status: draft",
        f"Category: {COLUMN}",
        f"Slug: {event_slug(event)}",
        f"Author: {'、'.join(event.reporters) or '（记者署名）'}",
        f"Event: {event.id}",
    ]
    if cases:
        front.append(f"Cases: {', '.join(c.key for c in cases)}")
    body = ["", "## 导语", "", _lead(event, cases), "", "## 现场收集的问题", ""]
    for number, case in enumerate(open_first, start=1):
        body += _case_section(number, case)
    if not cases:
        body += ["（活动尚无录入的现场问题：请先在线下来源的表格中登记。）", ""]
    body += ["## 记者手记", "", NOTES_PLACEHOLDER, ""]
    return "\n".join(front + body).rstrip() + "\n"


def write_event_draft(settings: dict, event: EventRecord, cases: list[Case], now: datetime) -> EventDraft:
    """Write the event's draft unless a file of that name is already there."""
    path = drafts_dir(settings) / f"{event_slug(event)}.md"
    if path.exists():
        return EventDraft(path, written=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_event(event, [c for c in cases if c.public], now), encoding="utf-8")
    return EventDraft(path, written=True)
