"""Derived status, reply deadline and the three clocks of one case.

The status is recomputed on every build from the store and the newsroom
records (DESIGN.md, "Case status and clocks"); it is never stored as truth.
Precedence, strongest first:

1. the newsroom's last decisive follow-up: 已解决 (resolved), 未解决
   (unresolved); a later "reopened" cancels both;
2. a platform state containing 办结: 已解决 (unless the newsroom reopened it);
3. a published column article naming the case, or a "published" follow-up: 已见报;
4. a claim, visit, interview, department action or reopening: 跟进中;
5. a reply from the department: 已回复;
6. otherwise 逾期未复 past the reply limit, 待回复 within it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..records import FOLLOWUP_KINDS, ArticleRef, FollowUp, Petition
from .model import Clock
from .settings import DEFAULT_REPLY_LIMITS, merged
from .workdays import WorkCalendar, end_of_day, local_date

ACTIVE_KINDS = ("claimed", "visited", "interviewed", "acted", "reopened")
CLOSED_STATE = "办结"


def reply_limit(petition: Petition, settings: dict) -> int:
    """Working days the department has: 'board/type', 'board/*', 'type', '*'."""
    limits = merged(settings, "WENZHENG_REPLY_LIMITS", DEFAULT_REPLY_LIMITS)
    kind = "诉求" if petition.type == "投诉" else petition.type
    for key in (f"{petition.board}/{kind}", f"{petition.board}/*", kind, "*"):
        if key in limits:
            return limits[key]
    return DEFAULT_REPLY_LIMITS["*"]


def deadline(petition: Petition, limit: int, calendar: WorkCalendar) -> datetime | None:
    """End of the limit-th working day after the posting day."""
    if petition.posted is None:
        return None
    return end_of_day(calendar.add(local_date(petition.posted), limit))


def clock(start: datetime | None, end: datetime | None, now: datetime, calendar: WorkCalendar) -> Clock:
    """Elapsed time from start to end; up to now (running) while the end has not come."""
    if start is None:
        return Clock()
    running = end is None
    stop = now if running else end
    return Clock(
        working_days=calendar.between(local_date(start), local_date(stop)),
        calendar_days=round(max((stop - start).total_seconds(), 0) / 86400, 2),
        running=running,
    )


@dataclass
class Verdict:
    status: str
    evidence: str
    resolved_at: datetime | None = None


def first_reply_time(petition: Petition) -> datetime | None:
    """When the first reply came; None also for a reply without a time (answered, time unknown)."""
    return min((r.time for r in petition.replies if r.time), default=None)


def decide(petition: Petition, followups: list[FollowUp], articles: list[ArticleRef],
           due: datetime | None, now: datetime) -> Verdict:
    """The status and the evidence that put the case there."""
    ordered = sorted(followups, key=lambda f: f.date)
    closing, reopened = None, None
    for item in ordered:
        if item.kind in ("resolved", "unresolved"):
            closing, reopened = item, None
        elif item.kind == "reopened":
            closing, reopened = None, item
    if closing is not None:
        status = "已解决" if closing.kind == "resolved" else "未解决"
        return Verdict(status, _followup_evidence(closing), closing.date if status == "已解决" else None)
    if CLOSED_STATE in (petition.state or "") and reopened is None:
        return Verdict("已解决", f"平台状态为“{petition.state}”", _closed_time(petition))
    published = [a for a in articles if a.status == "published"]
    if published:
        latest = max(published, key=lambda a: (a.date is not None, a.date or now))
        return Verdict("已见报", f"见报：《{latest.title}》 {latest.url}".strip())
    marked = [f for f in ordered if f.kind == "published"]
    if marked:
        return Verdict("已见报", _followup_evidence(marked[-1]))
    active = [f for f in ordered if f.kind in ACTIVE_KINDS]
    if active:
        return Verdict("跟进中", _followup_evidence(active[-1]))
    if petition.replies:
        return Verdict("已回复", _reply_evidence(petition))
    if due is not None and now > due:
        return Verdict("逾期未复", f"答复期限 {due:%Y-%m-%d} 已过，尚无答复")
    if due is None:
        return Verdict("待回复", "尚无答复（留言时间不明，无法计算期限）")
    return Verdict("待回复", f"尚无答复，答复期限 {due:%Y-%m-%d}")


def _followup_evidence(item: FollowUp) -> str:
    # Shown to readers: what happened and when; the note only when the record made it public,
    # never the reporter's name or the record's file and line.
    note = f"：{item.public_note}" if item.public_note else ""
    return f"{item.date:%Y-%m-%d} {FOLLOWUP_KINDS.get(item.kind, item.kind)}{note}"


def _reply_evidence(petition: Petition) -> str:
    timed = sorted((r for r in petition.replies if r.time), key=lambda r: r.time)
    reply = timed[0] if timed else petition.replies[0]
    kind = "答复" if reply.final else "阶段性答复"
    when = f"{reply.time:%Y-%m-%d %H:%M}" if reply.time else "时间不详"
    # The position, not the source's reply id (a forum post id is internal to the source).
    return f"{when} {kind}（第 {petition.replies.index(reply) + 1} 条回复）"


def _closed_time(petition: Petition) -> datetime | None:
    """When the platform closed the case: its last final reply, as the platform shows no date."""
    times = [r.time for r in petition.replies if r.time and r.final]
    return max(times) if times else None
