"""The normalised record: what every source adapter yields and the store keeps.

Every adapter (feed, forum HTML, table, JSON API) turns its input into these
dataclasses, so everything downstream of the store speaks one vocabulary
(see DESIGN.md, "Normalised record").
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field  # "field" is a record attribute (topic area)
from datetime import datetime
from enum import StrEnum
from typing import overload

from .dates import SHANGHAI as SHANGHAI  # re-exported: most modules take the zone with the records
from .errors import WenzhengError

#: The four petition types of the platform, in display order.
TYPES = ("建议", "咨询", "举报", "诉求")



class Status(StrEnum):
    """Derived case statuses, in display order (the case view derives them; sources map platform
    states onto them, so the vocabulary lives at this lowest layer). A member is its Chinese name
    as a ``str``: templates, CSV and comparisons with plain strings see the name."""

    WAITING = "待回复"
    OVERDUE = "逾期未复"
    ANSWERED = "已回复"
    FOLLOWING = "跟进中"
    REPORTED = "已见报"
    RESOLVED = "已解决"
    UNRESOLVED = "未解决"
    UNKNOWN = "答复情况不明"  # the source carries no reply data for the case


STATUS_NAMES: tuple[str, ...] = tuple(Status)

#: Still waiting for the department's answer or the newsroom's outcome (scorecards' open cases).
OPEN_STATUSES = frozenset({Status.WAITING, Status.OVERDUE, Status.FOLLOWING})
#: The platform's handling is over: answered or settled (Open311 "closed"; the newsroom still
#: following a case keeps it open).
CLOSED_STATUSES = frozenset({Status.ANSWERED, Status.RESOLVED, Status.UNRESOLVED})
#: Settled for good: the newsroom's or the platform's last word, until a reopening.
SETTLED_STATUSES = frozenset({Status.RESOLVED, Status.UNRESOLVED})
#: Platform states that say the department answered (its reply may be missing from the capture).
ANSWERED_STATUSES = frozenset({Status.ANSWERED, Status.RESOLVED})


@dataclass
class Reply:
    """A department's answer to a petition (interim or final)."""

    text: str
    time: datetime | None = None
    unit: str = ""  # replying unit or 网络发言人, when the source says so
    author: str = ""  # account that posted it, when the source has accounts
    final: bool = True
    reply_id: str = ""  # stable id within the petition (post pid, sequence number)

    def key(self, index: int) -> str:
        return self.reply_id or str(index)


@dataclass
class Supplement:
    """A resident's later post in their own thread (网友补充): more facts, a correction, a nudge."""

    text: str
    time: datetime | None = None


#: Engagement counters: kept current in the store, never written to the change history
#: (a view count moves on every visit; history would be noise).
COUNTERS = ("views", "reply_count", "likes", "dislikes")


@dataclass
class Petition:
    """One resident's post to a board, as a source presents it."""

    source: str
    source_id: str
    title: str
    body: str = ""
    posted: datetime | None = None
    url: str = ""
    board: str = ""
    department: str = ""
    type: str = ""
    field: str = ""
    author: str = ""
    views: int | None = None
    reply_count: int | None = None
    likes: int | None = None
    dislikes: int | None = None
    state: str = ""  # platform state as shown, e.g. 办结 / 已回复
    places: list[str] = dc_field(default_factory=list)
    replies: list[Reply] = dc_field(default_factory=list)
    supplements: list[Supplement] = dc_field(default_factory=list)
    extra: dict = dc_field(default_factory=dict)
    # What the store knows about the record (first_seen, last_changed, gone_since);
    # not content, so never part of the fingerprint.
    seen: dict = dc_field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """Case id used in URLs, commands and newsroom records."""
        return f"{self.source}-{self.source_id}"

    def content_fields(self) -> dict:
        """The fields whose change is recorded as history (not replies, not counters)."""
        data = asdict(self)
        for name in ("replies", "seen", *COUNTERS):
            data.pop(name)
        data["posted"] = iso(self.posted)
        data["supplements"] = [{"text": s.text, "time": iso(s.time)} for s in self.supplements]
        return data

    def fingerprint(self) -> str:
        payload = json.dumps(self.content_fields(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()


class SourceError(WenzhengError, ValueError):
    """Bad input: names the source, the item and the field at fault."""

    def __init__(self, source: str, item: str, field_name: str, problem: str):
        self.source, self.item, self.field, self.problem = source, item, field_name, problem
        super().__init__(f"来源 {source} · 条目 {item} · 字段 {field_name}：{problem}")


@overload
def iso(value: datetime) -> str: ...
@overload
def iso(value: datetime | None) -> str | None: ...
def iso(value: datetime | None) -> str | None:
    return value.astimezone(SHANGHAI).isoformat() if value else None


def from_iso(value: str | None) -> datetime | None:
    """A stored ISO time; None for none or an empty string."""
    return datetime.fromisoformat(value) if value else None


@dataclass
class Gone:
    """An adapter's word that a petition it used to list has disappeared."""

    source: str
    source_id: str


#: Follow-up kinds (what the newsroom did) and their labels on pages and drafts.
FOLLOWUP_KINDS = {
    "claimed": "记者认领",
    "visited": "实地走访",
    "interviewed": "采访",
    "published": "已见报",
    "acted": "部门已处理",
    "resolved": "已解决",
    "unresolved": "未解决",
    "reopened": "重新跟进",
    "unclaimed": "撤销认领",
    "revisited": "回访",
}
#: A 回访's record of the resident's satisfaction, best first.
SATISFACTION = ("满意", "基本满意", "不满意")
#: Where a source's own satisfaction rating (one of SATISFACTION) is kept in ``Petition.extra``.
SATISFACTION_EXTRA = "satisfaction"


@dataclass
class FollowUp:
    """One thing the newsroom did on a case, read from a plain-text record under content/."""

    case: str
    kind: str
    date: datetime
    who: str = ""
    note: str = ""
    url: str = ""
    origin: str = ""  # "file:line" of the record, for error messages only: never in an output
    #: The note may be printed on public pages (the record line marks it "公开："); otherwise
    #: the note and the name stay in the newsroom and readers see only what happened and when.
    public: bool = False
    #: When the next step is due (the newsroom's own deadline; never on public pages).
    due: datetime | None = None
    #: A 回访's rating by the resident (one of SATISFACTION); empty for other kinds.
    satisfaction: str = ""
    #: A 回访's quote of the resident, cleared for publication by being recorded here.
    quote: str = ""

    @property
    def public_note(self) -> str:
        note = self.note if self.public else ""
        if self.satisfaction:  # a 回访's rating and cleared quote are public; its note as any other
            said = f"；“{self.quote}”" if self.quote else ""
            return f"居民评价：{self.satisfaction}{said}" + (f"；{note}" if note else "")
        return note


@dataclass
class ArticleRef:
    """A column article that names a case in its metadata."""

    title: str
    url: str
    date: datetime | None
    status: str = "published"
    slug: str = ""
    publication: str = ""  # the paper it appeared in (Publication:, else WENZHENG_PUBLICATION)
    column: str = ""  # its column (Column:, else WENZHENG_COLUMN)


@dataclass
class NewsroomRecords:
    """Everything the newsroom decided, as read from content/ at build time."""

    followups: dict[str, list[FollowUp]] = dc_field(default_factory=dict)
    takedowns: dict[str, str] = dc_field(default_factory=dict)  # case -> reason
    clearances: set[str] = dc_field(default_factory=set)  # cases cleared for publication
    articles: dict[str, list[ArticleRef]] = dc_field(default_factory=dict)  # case -> articles
    #: case -> why its record file could not be read (only when read leniently, for the desk's commands)
    broken: dict[str, str] = dc_field(default_factory=dict)
