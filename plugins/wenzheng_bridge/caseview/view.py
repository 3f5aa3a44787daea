"""Building case views from the store, one petition at a time."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from .. import trust
from ..records import FOLLOWUP_KINDS, SHANGHAI, NewsroomRecords, Petition, from_iso
from .model import Case, Clock, Event
from .settings import DEFAULT_TRENDING, merged, setting
from .status import clock, deadline, decide, first_reply_time, reply_limit
from .trending import PlaceRepeats, score
from ..sources.places import Gazetteer
from .units import UnitReader, reply_addressee
from .workdays import WorkCalendar, local_date


def build_now(settings: dict, now: datetime | None = None) -> datetime:
    """The build's "now": the argument, else WENZHENG_NOW, else the real time (Asia/Shanghai)."""
    if now is None:
        fixed = setting(settings, "WENZHENG_NOW")
        now = datetime.fromisoformat(fixed) if fixed else datetime.now(SHANGHAI)
    return now if now.tzinfo else now.replace(tzinfo=SHANGHAI)


def cases(store, settings: dict, records: NewsroomRecords | None = None,
          now: datetime | None = None) -> Iterator[Case]:
    """Stream a case view for every petition in the store, oldest post first."""
    builder = CaseBuilder(settings, records, now)
    for petition in store.petitions():
        yield builder.build(petition)


class CaseBuilder:
    """What one build shares across cases: settings, calendar, now, place counts."""

    def __init__(self, settings: dict, records: NewsroomRecords | None = None,
                 now: datetime | None = None, calendar: WorkCalendar | None = None, repeats=None):
        self.settings = settings
        self.records = records or NewsroomRecords()
        self.now = build_now(settings, now)
        self.calendar = calendar or WorkCalendar()
        self.weights = merged(settings, "WENZHENG_TRENDING", DEFAULT_TRENDING)
        # Counted as the stream goes, or beforehand (trending.KnownRepeats) for a slice of the store.
        self.repeats = repeats or PlaceRepeats(self.weights["place_window_days"])
        self._limits: dict[tuple[str, str], int] = {}  # (board, type) -> working days
        self.units = UnitReader(setting(settings, "WENZHENG_UNIT_ALIASES"),
                                Gazetteer(setting(settings, "WENZHENG_GAZETTEER")))

    def reply_limit(self, petition: Petition) -> int:
        """``status.reply_limit``, worked out once per board and type of a build."""
        kind = (petition.board, petition.type)
        limit = self._limits.get(kind)
        if limit is None:
            limit = self._limits[kind] = reply_limit(petition, self.settings)
        return limit

    def build(self, raw: Petition) -> Case:
        public, gate_reason = trust.publication_gate(raw, self.records, self.settings)
        petition = trust.prepare_petition(raw, self.settings)
        followups = sorted(self.records.followups.get(raw.key, []), key=lambda f: f.date)
        articles = list(self.records.articles.get(raw.key, []))
        limit = self.reply_limit(petition)
        due = deadline(petition, limit, self.calendar)
        replied_at = first_reply_time(petition)
        verdict = decide(petition, followups, articles, due, self.now)
        unit, unit_how = self.units.replying_unit(petition)
        overdue = self._overdue_days(due, replied_at, bool(petition.replies))
        case = Case(
            petition=petition, status=verdict.status, evidence=verdict.evidence,
            unit=unit, unit_source=unit_how, addressed_to=reply_addressee(petition.replies),
            department=petition.department or unit, deadline=due, reply_limit=limit,
            overdue_days=overdue, followups=followups, articles=articles,
            public=public, gate_reason=gate_reason,
        )
        case.clocks = self._clocks(petition, replied_at, followups, verdict.resolved_at, verdict.status)
        case.timeline = self._timeline(petition, case, replied_at, verdict.resolved_at)
        case.score, case.score_parts = score(petition, overdue, self.repeats.count(petition),
                                             self.now, self.weights)
        return case

    def _overdue_days(self, due: datetime | None, replied_at: datetime | None, replied: bool) -> int:
        """Working days past the limit: until the reply, or until now while unanswered."""
        if due is None or (replied and replied_at is None):
            return 0
        end = replied_at or self.now
        return self.calendar.between(local_date(due), local_date(end)) if end > due else 0

    def _clocks(self, petition: Petition, replied_at, followups, resolved_at, status) -> dict:
        """Post to reply, reply to first follow-up, post to resolution (empty when unknown)."""
        first_followup = followups[0].date if followups else None
        reply_unknown = bool(petition.replies) and replied_at is None
        resolution_unknown = status == "未解决" or (status == "已解决" and resolved_at is None)
        return {
            "reply": Clock() if reply_unknown else clock(petition.posted, replied_at, self.now, self.calendar),
            "followup": clock(replied_at, first_followup, self.now, self.calendar)
            if replied_at and first_followup else Clock(),
            "resolution": Clock() if resolution_unknown
            else clock(petition.posted, resolved_at, self.now, self.calendar),
        }

    def _timeline(self, petition: Petition, case: Case, replied_at, resolved_at) -> list[Event]:
        events: list[Event] = []
        if petition.posted:
            events.append(Event("posted", petition.posted, "网友留言", who=petition.author, text=petition.title,
                                url=petition.url))
        for reply in petition.replies:
            if reply.time:
                kind, label = ("reply", "部门答复") if reply.final else ("interim_reply", "阶段性答复")
                events.append(Event(kind, reply.time, label, who=reply.unit or case.unit, text=reply.text))
        if case.deadline and case.deadline < self.now and (replied_at is None or replied_at > case.deadline):
            events.append(Event("deadline", case.deadline, "超过答复期限",
                                text=f"{case.reply_limit} 个工作日内未答复"))
        for item in case.followups:
            # Public: the kind and the date; a note only when marked public; no reporter's name.
            events.append(Event(item.kind, item.date, FOLLOWUP_KINDS.get(item.kind, item.kind),
                                text=item.public_note,
                                url=item.url if item.public or item.kind == "published" else ""))
        for article in case.articles:
            if article.status == "published" and article.date:
                events.append(Event("published", article.date, "已见报", text=article.title, url=article.url))
        if resolved_at and "办结" in (petition.state or ""):
            events.append(Event("resolved", resolved_at, "平台办结", text=petition.state))
        gone = from_iso(petition.seen.get("gone_since")) if petition.seen else None
        if gone:
            events.append(Event("gone", gone, "原帖已从平台消失"))
        events.sort(key=lambda e: e.time)
        return events
