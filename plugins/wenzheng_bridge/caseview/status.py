"""Derived status, reply deadline, lateness and the three clocks of one case.

The status is recomputed on every build from the store and the newsroom
records (DESIGN.md, "Case status and clocks"); it is never stored as truth.
Precedence, strongest first:

1. the newsroom's last decisive follow-up: 已解决 (resolved), 未解决
   (unresolved); a later "reopened" cancels both and makes the case 跟进中,
   whatever the platform says or an earlier article reported;
2. the platform's state, when it closes the case (已办结 → 已解决, 不予受理 → 未解决;
   ``states.platform_status``);
3. a published column article naming the case, or a "published" follow-up
   that links one: 已见报;
4. a claim, visit, interview, department action (or a "published" follow-up
   without an article): 跟进中;
5. a reply from the department, or a platform state that says it answered
   (已办理): 已回复;
6. a source that carries no reply data for the case: 答复情况不明;
7. otherwise 逾期未复 past the reply limit (``lateness``), 待回复 within it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from ..dates import iso_date, iso_minute
from ..records import FOLLOWUP_KINDS, SETTLED_STATUSES, ArticleRef, FollowUp, Petition, Status
from .model import Clock
from .settings import DEFAULT_REPLY_LIMITS, CaseviewSettings
from .states import platform_status
from .workdays import WorkCalendar, end_of_day, local_date

ACTIVE_KINDS = ("claimed", "visited", "interviewed", "acted", "reopened", "published")


def reply_limit(petition: Petition, settings: Mapping | CaseviewSettings) -> int:
    """Working days the department has to reply: ``limit_for`` over WENZHENG_REPLY_LIMITS."""
    return limit_for(petition, CaseviewSettings.of(settings).reply_limits)


def limit_for(petition: Petition, limits: Mapping[str, int]) -> int:
    """A petition's limit in a limits table (reply or 办结): 'board/type', 'board/*', 'type', '*'."""
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
    stop = now if end is None else end
    return Clock(
        working_days=calendar.between(local_date(start), local_date(stop)),
        calendar_days=round(max((stop - start).total_seconds(), 0) / 86400, 2),
        running=running,
    )


@dataclass
class Verdict:
    status: Status
    evidence: str
    resolved_at: datetime | None = None


def first_reply_time(petition: Petition) -> datetime | None:
    """When the first reply came; None also for a reply without a time (answered, time unknown)."""
    return min((r.time for r in petition.replies if r.time), default=None)


@dataclass
class Lateness:
    """The one lateness rule, used by the status, the clocks, the timeline and every figure.

    A reply limit of N working days is kept when the reply comes before the
    (N+1)-th working day after the posting day begins: a reply on a day off
    right after the deadline is on time, one on a 调休 working weekend day is
    not. ``overdue_days`` counts the working days after the deadline day up to
    the reply (or now while unanswered); ``late`` is None when it cannot be
    known (no deadline, or a reply whose time the source does not give).
    """

    overdue_days: int = 0
    late: bool | None = None


def lateness(due: datetime | None, replied: bool, replied_at: datetime | None, now: datetime,
             calendar: WorkCalendar) -> Lateness:
    if due is None or (replied and replied_at is None):
        return Lateness()
    end = replied_at or now
    days = calendar.between(local_date(due), local_date(end)) if end > due else 0
    return Lateness(days, days > 0)


def decide(petition: Petition, followups: list[FollowUp], articles: list[ArticleRef],
           due: datetime | None, now: datetime, late: Lateness | None = None,
           knows_replies: bool = True, state_map: dict | None = None) -> Verdict:
    """The status and the evidence that put the case there."""
    ordered = sorted(followups, key=lambda f: f.date)
    closing, reopened = _decisive(ordered)
    if closing is not None:
        status = Status.RESOLVED if closing.kind == "resolved" else Status.UNRESOLVED
        return Verdict(status, _followup_evidence(closing), closing.date if status == Status.RESOLVED else None)
    published = [a for a in articles if a.status == "published"]
    latest = max(published, key=lambda a: (a.date is not None, a.date or now)) if published else None
    if reopened is not None and not (latest and latest.date and latest.date > reopened.date):
        return Verdict(Status.FOLLOWING, "重新跟进：" + _followup_evidence(reopened))
    platform = platform_status(petition.state, state_map)
    if platform in SETTLED_STATUSES and reopened is None:  # a reopening outlives the platform's closure
        resolved_at = closed_time(petition) if platform == Status.RESOLVED else None
        return Verdict(platform, f"平台状态为“{petition.state}”", resolved_at)
    return _newsroom_verdict(ordered, latest) or _reply_verdict(petition, platform, due, late, knows_replies)


def _decisive(ordered: list[FollowUp]) -> tuple[FollowUp | None, FollowUp | None]:
    """The closing follow-up still standing, or the reopening that cancelled the last one."""
    closing, reopened = None, None
    for item in ordered:
        if item.kind in ("resolved", "unresolved"):
            closing, reopened = item, None
        elif item.kind == "reopened":
            closing, reopened = None, item
    return closing, reopened


def _newsroom_verdict(ordered: list[FollowUp], latest: ArticleRef | None) -> Verdict | None:
    """已见报 from an article (or a follow-up linking one), 跟进中 from the newsroom's work; else None."""
    if latest is not None:
        return Verdict(Status.REPORTED, f"见报：《{latest.title}》 {latest.url}".strip())
    linked = [f for f in ordered if f.kind == "published" and f.url]
    if linked:
        return Verdict(Status.REPORTED, _followup_evidence(linked[-1]) + f" {linked[-1].url}")
    active = [f for f in ordered if f.kind in ACTIVE_KINDS]
    return Verdict(Status.FOLLOWING, _followup_evidence(active[-1])) if active else None


def _reply_verdict(petition: Petition, platform: str | None, due: datetime | None, late: Lateness | None,
                   knows_replies: bool) -> Verdict:
    """已回复, 答复情况不明, 逾期未复 or 待回复: what the replies (or their absence) say."""
    if petition.replies:
        return Verdict(Status.ANSWERED, _reply_evidence(petition))
    if platform == Status.ANSWERED:
        return Verdict(Status.ANSWERED, f"平台状态为“{petition.state}”（来源数据未给出答复内容和时间）")
    if not knows_replies and platform is None:
        return Verdict(Status.UNKNOWN, "来源数据不含答复信息，无法判断是否已答复")
    if due is None:
        return Verdict(Status.WAITING, "尚无答复（留言时间不明，无法计算期限）")
    if late and late.late:
        return Verdict(Status.OVERDUE, f"答复期限 {iso_date(due)} 已过，尚无答复")
    return Verdict(Status.WAITING, f"尚无答复，答复期限 {iso_date(due)}")


def _followup_evidence(item: FollowUp) -> str:
    # Shown to readers: what happened and when; the note only when the record made it public,
    # never the reporter's name or the record's file and line.
    note = f"：{item.public_note}" if item.public_note else ""
    return f"{iso_date(item.date)} {FOLLOWUP_KINDS.get(item.kind, item.kind)}{note}"


def _reply_evidence(petition: Petition) -> str:
    # The earliest timed reply (the first listed among equals), else the first reply.
    timed = [(r.time, index) for index, r in enumerate(petition.replies) if r.time is not None]
    reply = petition.replies[min(timed)[1] if timed else 0]
    kind = "答复" if reply.final else "阶段性答复"
    when = iso_minute(reply.time) or "时间不详"
    # The position, not the source's reply id (a forum post id is internal to the source).
    return f"{when} {kind}（第 {petition.replies.index(reply) + 1} 条回复）"


def closed_time(petition: Petition) -> datetime | None:
    """When the platform closed the case: its last final reply, as the platform shows no date."""
    times = [r.time for r in petition.replies if r.time and r.final]
    return max(times) if times else None
