"""The case view's data model: what drafts, the story budget and the site read.

Everything here is derived at build time from the store and the newsroom
records; none of it is stored as truth.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..records import FollowUp, ArticleRef, Petition

#: Derived statuses in display order, with the CSS class each badge uses.
STATUSES = {
    "待回复": "pending",
    "逾期未复": "overdue",
    "已回复": "replied",
    "跟进中": "following",
    "已见报": "published",
    "已解决": "resolved",
    "未解决": "unresolved",
}


@dataclass(slots=True)
class Event:
    """One step on a case's timeline."""

    kind: str  # posted, reply, interim_reply, deadline, a FOLLOWUP_KINDS key, edited, gone
    time: datetime
    label: str  # shown to readers, Chinese
    who: str = ""
    text: str = ""
    url: str = ""


@dataclass(slots=True)
class Clock:
    """An elapsed interval in working days and calendar days (None while still running)."""

    working_days: int | None = None
    calendar_days: float | None = None
    running: bool = False  # true when the end has not happened yet (measured up to now)


@dataclass(slots=True)
class Case:
    petition: Petition
    status: str
    evidence: str  # why this status: which reply, follow-up or platform state
    unit: str = ""  # replying unit (source, or detected from the reply text)
    unit_source: str = ""  # how the unit was found: source, sign-off, acted, verified, contact, account
    addressed_to: str = ""  # leader the post was addressed to, as the reply recalls it ("胡华衡书记")
    department: str = ""  # target department shown on the site
    deadline: datetime | None = None
    reply_limit: int = 0  # working days the department had
    overdue_days: int = 0  # working days past the limit (unanswered, or answered late)
    clocks: dict[str, Clock] = field(default_factory=dict)  # reply, followup, resolution
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
