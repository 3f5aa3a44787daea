"""Building case views from the store, one petition at a time."""
from __future__ import annotations

from datetime import datetime
from typing import Iterator, Mapping

from .. import trust
from ..trust.settings import TrustSettings
from ..records import ANSWERED_STATUSES, FOLLOWUP_KINDS, SHANGHAI, NewsroomRecords, Petition, Status, from_iso
from .model import Case, Clock, Event
from .results import CLOCK as REPORTED_CLOCK
from .results import first_report, resolved_after
from ..config import CoreSettings
from .settings import CaseviewSettings
from ..sources.base import FACTS
from ..sources.settings import declared_knows
from .states import platform_status
from .status import clock, closed_time, deadline, decide, first_reply_time, lateness, reply_limit
from .trending import PlaceRepeats, score
from ..sources.places import Gazetteer
from .units import UnitReader, reply_addressee
from .workdays import WorkCalendar, local_date


def build_now(settings: Mapping | CaseviewSettings, now: datetime | None = None) -> datetime:
    """The build's "now": the argument, else WENZHENG_NOW, else the real time (Asia/Shanghai)."""
    if now is None:
        fixed = CaseviewSettings.of(settings).now
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
        self.options = CaseviewSettings.of(settings)
        self.trust = TrustSettings.of(settings)
        self.records = records or NewsroomRecords()
        self.now = build_now(self.options, now)
        self.calendar = calendar or WorkCalendar()
        self.weights = self.options.trending
        # Counted as the stream goes, or beforehand (trending.KnownRepeats) for a slice of the store.
        self.repeats = repeats or PlaceRepeats(self.weights["place_window_days"])
        self._limits: dict[tuple[str, str], int] = {}  # (board, type) -> working days
        core = CoreSettings.of(settings)
        self.units = UnitReader(self.options.unit_aliases, Gazetteer(core.gazetteer))
        self.sources = {s["name"]: s for s in core.sources
                        if isinstance(s, dict) and "name" in s}
        self._declared = {name: declared_knows(config) for name, config in self.sources.items()}

    def knows(self, petition: Petition) -> frozenset:
        """What the petition's source carries for it: declared per source, narrowed per file at pull."""
        facts = self._declared.get(petition.source, frozenset(FACTS))
        detected = petition.extra.get("knows") if petition.extra else None
        return facts & frozenset(detected) if detected is not None else facts

    def state_map(self, petition: Petition) -> dict:
        return (self.sources.get(petition.source) or {}).get("state_map") or {}

    def reply_limit(self, petition: Petition) -> int:
        """``status.reply_limit``, worked out once per board and type of a build."""
        kind = (petition.board, petition.type)
        limit = self._limits.get(kind)
        if limit is None:
            limit = self._limits[kind] = reply_limit(petition, self.options)
        return limit

    def build(self, raw: Petition) -> Case:
        public, gate_reason = trust.publication_gate(raw, self.records, self.trust)
        petition = trust.prepare_petition(raw, self.trust)
        followups = sorted(self.records.followups.get(raw.key, []), key=lambda f: f.date)
        articles = list(self.records.articles.get(raw.key, []))
        knows = self.knows(petition)
        state_map = self.state_map(petition)
        platform = platform_status(petition.state, state_map)
        replied = bool(petition.replies) or platform in ANSWERED_STATUSES
        # A source without reply data cannot say nobody replied: no deadline, no clock, no denominator.
        reply_known = replied or "replies" in knows or platform is not None
        limit = self.reply_limit(petition)
        due = deadline(petition, limit, self.calendar) if reply_known else None
        replied_at = first_reply_time(petition) if "reply_times" in knows else None
        late = lateness(due, replied, replied_at, self.now, self.calendar)
        verdict = decide(petition, followups, articles, due, self.now, late, "replies" in knows, state_map)
        unit, unit_how = self.units.replying_unit(petition)
        inferred = (petition.extra or {}).get("inferred") or {}
        case = Case(
            petition=petition, status=verdict.status, evidence=verdict.evidence,
            unit=unit, unit_source=unit_how, addressed_to=reply_addressee(petition.replies),
            department=petition.department or unit, deadline=due, reply_limit=limit,
            overdue_days=late.overdue_days, followups=followups, articles=articles,
            public=public, gate_reason=gate_reason, knows=knows, replied=replied,
            reply_known=reply_known, late=late.late, platform_state=petition.state,
            closed_at=closed_time(petition) if platform == Status.RESOLVED else None,
            type_inferred=bool(inferred.get("type")) if isinstance(inferred, dict) else "type" in inferred,
        )
        case.resolved_at = verdict.resolved_at if verdict.status == Status.RESOLVED else None
        case.clocks = self._clocks(petition, replied_at, followups, verdict.resolved_at, case)
        if case.clocks["reply"].running or case.clocks[REPORTED_CLOCK].running:
            case.as_of = local_date(self.now)
        case.timeline = self._timeline(petition, case, verdict)
        case.score, case.score_parts = score(petition, late.overdue_days, self.repeats.count(petition),
                                             self.now, self.weights)
        return case

    def _clocks(self, petition: Petition, replied_at, followups, resolved_at, case: Case) -> dict:
        """Post to reply, reply to first follow-up, post to resolution (empty when unknown)."""
        first_followup = followups[0].date if followups else None
        reply_unknown = not case.reply_known or (case.replied and replied_at is None)
        resolution_unknown = case.status == Status.UNRESOLVED or (case.status == Status.RESOLVED and resolved_at is None)
        return {
            "reply": Clock() if reply_unknown else clock(petition.posted, replied_at, self.now, self.calendar),
            "followup": clock(replied_at, first_followup, self.now, self.calendar)
            if replied_at and first_followup else Clock(),
            "resolution": Clock() if resolution_unknown
            else clock(petition.posted, resolved_at, self.now, self.calendar),
            REPORTED_CLOCK: self._reported_clock(case, resolution_unknown, resolved_at),
        }

    def _reported_clock(self, case: Case, resolution_unknown: bool, resolved_at) -> Clock:
        """见报后: first report to resolution; running while open; none before a report, for a case
        settled without a known time, or for one resolved before the paper reported it."""
        reported = first_report(case.articles, case.followups)
        if reported is None or resolution_unknown:
            return Clock()
        if case.status == Status.RESOLVED:
            return clock(reported, resolved_at, self.now, self.calendar) \
                if resolved_after(reported, resolved_at) else Clock()
        return clock(reported, None, self.now, self.calendar)

    def _timeline(self, petition: Petition, case: Case, verdict) -> list[Event]:
        events: list[Event] = []
        if petition.posted:
            events.append(Event("posted", petition.posted, "网友留言", who=petition.author, text=petition.title,
                                url=petition.url))
        for reply in petition.replies:
            if reply.time:
                kind, label = ("reply", "部门答复") if reply.final else ("interim_reply", "阶段性答复")
                events.append(Event(kind, reply.time, label, who=reply.unit or case.unit, text=reply.text))
        if case.late and case.deadline:  # the one lateness rule: never a missed deadline the data cannot show
            events.append(Event("deadline", case.deadline, "超过答复期限",
                                text=f"{case.reply_limit} 个工作日内未答复"))
        for item in case.followups:
            # Public: the kind and the date; a note only when marked public; no reporter's name.
            local = item.date.astimezone(SHANGHAI)
            events.append(Event(item.kind, item.date, FOLLOWUP_KINDS.get(item.kind, item.kind),
                                text=item.public_note,
                                url=item.url if item.public or item.kind == "published" else "",
                                date_only=(local.hour, local.minute, local.second) == (0, 0, 0)))
        for article in case.articles:
            if article.status == "published" and article.date:
                events.append(Event("published", article.date, Status.REPORTED, text=article.title, url=article.url))
        if verdict.resolved_at and case.status == Status.RESOLVED and verdict.evidence.startswith("平台状态"):
            events.append(Event("resolved", verdict.resolved_at, "平台办结", text=petition.state))
        gone = from_iso(petition.seen.get("gone_since")) if petition.seen else None
        if gone:
            events.append(Event("gone", gone, "原帖已从平台消失"))
        # A record with a date only happened some time that day: after the day's timed events.
        events.sort(key=lambda e: e.order)
        return events
