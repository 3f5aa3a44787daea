"""The light summary of a case a site build keeps for the whole build (``Row``).

A leaf of the site layer: the pages, the stream, the exports, the feeds and
the sitemap all read rows, and none of them needs the others to do so.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime

from ..caseview.model import Case
from ..records import SHANGHAI
from ..urls import case_url


@dataclass(slots=True)
class Row:
    """What indexes, scorecards, statistics, the sitemap and the home page need of a case.

    One is kept per case for the whole build instead of the full ``Case`` (whose
    texts make memory grow with the store). It reads like a case where
    ``caseview.stats`` looks (``petition.type``, ``clocks``, ...), so the
    statistics are computed from the rows after the streaming pass.
    """

    key: str
    title: str
    status: str
    status_class: str
    board: str
    department: str
    type: str
    field: str
    posted: datetime | None
    overdue_days: int
    reply_days: int | None  # working days from post to reply, when replied
    replies: int = 0  # number of replies (stats only ask whether there is one)
    clocks: dict = dc_field(default_factory=dict)  # the "reply" Clock only
    updated: datetime | None = None  # latest timeline event, else the post (sitemap, feeds)
    score: float = 0.0
    topic: str = ""
    public: bool = True
    # What statistics need to give each figure its base (see caseview.stats.Group).
    source: str = ""
    replied: bool = False
    reply_known: bool = True
    late: bool | None = None
    type_inferred: bool = False

    @property
    def petition(self) -> "Row":
        """The row stands in for its petition where statistics read type, field, posted, replies."""
        return self

    @property
    def url(self) -> str:
        return case_url(self.key)

    @property
    def month(self) -> str:
        return self.posted.astimezone(SHANGHAI).strftime("%Y-%m") if self.posted else ""


def case_updated(case: Case | Row) -> datetime | None:
    """When the case last changed: its latest timeline event, else its post (a Row knows it)."""
    if isinstance(case, Row):
        return case.updated
    times = [e.time for e in case.timeline if e.time]
    if case.petition.posted:
        times.append(case.petition.posted)
    return max(times).astimezone(SHANGHAI) if times else None


def row_of(case: Case) -> Row:
    p = case.petition
    reply = case.clocks.get("reply")
    return Row(
        key=case.key, title=p.title, status=case.status, status_class=case.status_class,
        board=p.board, department=case.department, type=p.type, field=p.field, posted=p.posted,
        overdue_days=case.overdue_days,
        reply_days=reply.working_days if reply is not None and not reply.running else None,
        replies=len(p.replies), clocks={"reply": reply} if reply is not None else {},
        updated=case_updated(case), score=case.score, topic=case.topic, public=case.public,
        source=p.source, replied=case.replied, reply_known=case.reply_known, late=case.late,
        type_inferred=case.type_inferred,
    )
