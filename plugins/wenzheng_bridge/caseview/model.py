"""The case view's data model: what drafts, the story budget and the site read.

Everything here is derived at build time from the store and the newsroom
records; none of it is stored as truth.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..records import SHANGHAI, ArticleRef, FollowUp, Petition, Status

#: Derived statuses in display order, with the CSS class each badge uses.
STATUSES = dict(zip(Status, ("pending", "overdue", "replied", "following", "published", "resolved",
                                   "unresolved", "unknown")))


@dataclass(slots=True)
class Event:
    """One step on a case's timeline."""

    kind: str  # posted, reply, interim_reply, deadline, a FOLLOWUP_KINDS key, edited, gone
    time: datetime
    label: str  # shown to readers, Chinese
    who: str = ""
    text: str = ""
    url: str = ""
    date_only: bool = False  # a newsroom record with a date and no time: shown as a date, after timed events

    @property
    def order(self) -> tuple:
        """Timeline order: by day (Asia/Shanghai); a date-only event after the timed events of its day."""
        return (self.time.astimezone(SHANGHAI).date(), self.date_only, self.time)


@dataclass(slots=True)
class Clock:
    """An elapsed interval in working days and calendar days (None while still running)."""

    working_days: int | None = None
    calendar_days: float | None = None
    running: bool = False  # true when the end has not happened yet (measured up to now)


@dataclass(slots=True)
class Case:
    petition: Petition
    status: Status
    evidence: str  # why this status: which reply, follow-up or platform state
    unit: str = ""  # replying unit (source, or detected from the reply text)
    unit_source: str = ""  # how the unit was found: source, sign-off, acted, verified, contact, account
    addressed_to: str = ""  # leader the post was addressed to, as the reply recalls it ("胡华衡书记")
    department: str = ""  # target department shown on the site
    deadline: datetime | None = None
    reply_limit: int = 0  # working days the department had
    overdue_days: int = 0  # working days past the limit (unanswered, or answered late)
    #: What the case's source carries for it (sources.base.FACTS); no "replies": status 答复情况不明.
    knows: frozenset = frozenset()
    replied: bool = False  # a reply is on record, or the platform's state says it replied
    reply_known: bool = True  # whether the case can count in reply-rate denominators
    late: bool | None = None  # the one lateness rule (status.lateness); None: cannot be known
    closed_at: datetime | None = None  # when the platform closed it (办结), where the source says
    platform_state: str = ""  # the platform's own word (petition.state), shown as it is
    type_inferred: bool = False  # the type was guessed from the text, not given by the source
    as_of: date | None = None  # the day running clocks were measured to (pages say 数据截至)
    clocks: dict[str, Clock] = field(default_factory=dict)  # reply, followup, resolution, reported (见报后)
    resolved_at: datetime | None = None  # when the evidence says the case was resolved (None: not, or unknown)
    timeline: list[Event] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    articles: list[ArticleRef] = field(default_factory=list)
    score: float = 0.0
    score_parts: dict[str, float] = field(default_factory=dict)
    topic: str = ""  # hot-topic id, when the case belongs to one
    public: bool = True  # False: gated (举报, not cleared, taken down)
    gate_reason: str = ""

    @property
    def key(self) -> str:
        return self.petition.key

    @property
    def status_class(self) -> str:
        return STATUSES[self.status]
