"""Statistics over case views: reply rate, reply times, overdue share, rankings.

Everything is accumulated in one pass over a stream of cases; only the reply
times are kept (compact float arrays), because medians need them.
"""
from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from ..records import SHANGHAI
from .model import Case
from .settings import CaseviewSettings
from .view import build_now

UNLABELLED = "（未标注）"
#: Dimensions statistics are broken down by, with their Chinese names.
DIMENSIONS = {"board": "板块", "department": "部门", "type": "类型", "field": "领域", "year": "年份"}
Z95 = 1.959964


def percent(part: int, whole: int) -> str:
    """A share in percent to two decimals, as the newsroom quotes it ("97.31")."""
    return f"{100 * part / whole:.2f}" if whole else "0.00"


def quantile(values, q: float) -> float | None:
    """The q-quantile, interpolated between order statistics (like numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low), 2)


def wilson(successes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (95 % by default)."""
    if total == 0:
        return 0.0, 0.0
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def rate(part: int, whole: int) -> str:
    """``percent``, or "—" when nothing is known to take a share of."""
    return percent(part, whole) if whole else "—"


@dataclass
class Group:
    """Figures for one slice of the platform (the whole, a board, a year…).

    Each figure has its own base, and says so: the reply rate counts only
    cases whose source carries reply data (``reply_base``); the on-time and
    overdue shares only cases whose lateness is decided (``timed_base``: a
    reply without a time, and a case still within its limit, are left out);
    reply times only replies with a time.
    """

    name: str
    count: int = 0
    reply_base: int = 0  # cases whose source carries reply data (or whose platform state says)
    replied: int = 0
    timed_base: int = 0  # cases whose lateness is decided: answered with a time, or past the limit
    on_time: int = 0  # replied within the limit
    overdue: int = 0  # unanswered past the limit, or answered late
    type_inferred: int = 0  # cases whose type was inferred from the text
    statuses: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    fields: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)  # cases per source
    reply_sources: Counter = field(default_factory=Counter)  # reply_base per source
    working: array = field(default_factory=lambda: array("d"))
    calendar: array = field(default_factory=lambda: array("d"))
    partial: bool = False  # a period not complete (contains now, or an edge of the data)

    def add(self, case: Case) -> None:
        self.count += 1
        self.statuses[case.status] += 1
        self.types[case.petition.type or UNLABELLED] += 1
        self.fields[case.petition.field or UNLABELLED] += 1
        source = case.petition.source
        self.sources[source] += 1
        self.type_inferred += bool(case.type_inferred)
        if case.reply_known:
            self.reply_base += 1
            self.reply_sources[source] += 1
            self.replied += bool(case.replied)
            # Decided: answered (with a time) or past the limit; one still within it is neither yet.
            if case.late or (case.replied and case.late is False):
                self.timed_base += 1
                self.on_time += bool(case.replied and case.late is False)
                self.overdue += bool(case.late)
        reply = case.clocks.get("reply")
        if reply and not reply.running and reply.calendar_days is not None:
            self.working.append(reply.working_days)
            self.calendar.append(reply.calendar_days)

    @property
    def reply_rate(self) -> str:
        return rate(self.replied, self.reply_base)

    @property
    def overdue_share(self) -> str:
        return rate(self.overdue, self.timed_base)

    @property
    def on_time_rate(self) -> str:
        return rate(self.on_time, self.timed_base)

    @property
    def timed_replies(self) -> int:
        """Replies with a known time: the base of reply-time figures."""
        return len(self.working)

    def share(self, counter: Counter, value: str) -> str:
        """Share of this group's cases with a type or field value."""
        return percent(counter.get(value, 0), self.count)

    def median_working(self): return quantile(self.working, 0.5)
    def p90_working(self): return quantile(self.working, 0.9)
    def median_calendar(self): return quantile(self.calendar, 0.5)
    def p90_calendar(self): return quantile(self.calendar, 0.9)

    def as_dict(self) -> dict:
        """Plain figures for templates, JSON exports and the command line."""
        return {
            "name": self.name, "count": self.count, "reply_base": self.reply_base, "replied": self.replied,
            "reply_rate": self.reply_rate, "timed_base": self.timed_base, "on_time": self.on_time,
            "on_time_rate": self.on_time_rate, "overdue": self.overdue, "overdue_share": self.overdue_share,
            "timed_replies": self.timed_replies, "type_inferred": self.type_inferred, "partial": self.partial,
            "sources": dict(self.sources), "reply_sources": dict(self.reply_sources),
            "median_working_days": self.median_working(), "p90_working_days": self.p90_working(),
            "median_calendar_days": self.median_calendar(), "p90_calendar_days": self.p90_calendar(),
            "statuses": dict(self.statuses), "types": dict(self.types), "fields": dict(self.fields),
        }


@dataclass
class Ranked:
    """A department in the league table: on-time reply rate with its Wilson interval."""

    group: Group
    low: float
    high: float
    rank: int | None  # None: below the minimum sample, listed but not ranked


@dataclass
class Stats:
    total: Group
    by: dict[str, dict[str, Group]]  # dimension -> value -> group
    rankings: list[Ranked]
    min_sample: int
    now: datetime | None = None  # the build's now: every figure is as of then (数据截至)

    def groups(self, dimension: str) -> list[Group]:
        """Groups of one dimension, largest first (years in order)."""
        values = self.by[dimension].values()
        if dimension == "year":
            return sorted(values, key=lambda g: g.name)
        return sorted(values, key=lambda g: (-g.count, g.name))


def dimension_value(case: Case, dimension: str) -> str:
    if dimension == "year":
        return str(case.petition.posted.astimezone(SHANGHAI).year) if case.petition.posted else UNLABELLED
    if dimension == "department":
        return case.department or UNLABELLED
    return getattr(case.petition, dimension) or UNLABELLED


def stats(cases_iterable: Iterable[Case], settings: dict) -> Stats:
    """Whole-platform figures and the same per board, department, type, field and year."""
    total = Group("全平台")
    by: dict[str, dict[str, Group]] = {d: {} for d in DIMENSIONS}
    for case in cases_iterable:
        total.add(case)
        for dimension, groups in by.items():
            value = dimension_value(case, dimension)
            group = groups.get(value)
            if group is None:
                group = groups[value] = Group(value)
            group.add(case)

    now = build_now(settings)
    years = by["year"]
    for name in partial_periods([y for y in years if y != UNLABELLED], str(now.astimezone(SHANGHAI).year)):
        years[name].partial = True
    min_sample = CaseviewSettings.of(settings).min_rank_sample
    departments = [g for name, g in by["department"].items() if name != UNLABELLED]
    return Stats(total, by, rank(departments, min_sample), min_sample, now)


def partial_periods(periods: list[str], current: str) -> set[str]:
    """Periods ("2019", "2019-05") not complete: the one holding now, and the first and last with data.

    The data may start or stop inside its first and last period, so their
    counts are not a rise or a drop; a period after now does not exist yet.
    """
    known = sorted(periods)
    if not known:
        return set()
    return {p for p in (known[0], known[-1], current) if p in known}


def rank(groups: list[Group], min_sample: int) -> list[Ranked]:
    """Rank by the Wilson lower bound of the on-time reply rate, so one fast reply never tops the table.

    Groups below ``min_sample`` petitions follow, unranked, largest first; the rate and its
    interval are over the cases whose lateness is decided (``Group.timed_base``).
    """
    scored = [Ranked(g, *wilson(g.on_time, g.timed_base), rank=None) for g in groups]
    eligible = sorted((r for r in scored if r.group.count >= min_sample),
                      key=lambda r: (-r.low, -r.group.count, r.group.name))
    for position, item in enumerate(eligible, start=1):
        item.rank = position
    small = sorted((r for r in scored if r.group.count < min_sample),
                   key=lambda r: (-r.group.count, r.group.name))
    return eligible + small


def _moment(value: date | datetime | None) -> datetime | None:
    """A period bound as an aware datetime: a date means its midnight in Asia/Shanghai."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)


def reply_rate(cases: Iterable[Case], start: date | datetime | None = None,
               end: date | datetime | None = None) -> str:
    """Share of petitions posted in [start, end) that got a reply, to two decimals ("97.31").

    Only cases whose source carries reply data count (``Case.reply_known``).
    With neither bound every such case counts; with a bound, cases without a
    posting time are left out because they cannot be placed in the period.
    """
    start, end = _moment(start), _moment(end)
    replied = total = 0
    for case in cases:
        posted = case.petition.posted
        if (start or end) and (posted is None or (start and posted < start) or (end and posted >= end)):
            continue
        if case.reply_known:
            total += 1
            replied += bool(case.replied)
    return percent(replied, total)
