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
from .settings import setting

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


@dataclass
class Group:
    """Figures for one slice of the platform (the whole, a board, a year…)."""

    name: str
    count: int = 0
    replied: int = 0
    on_time: int = 0  # replied within the limit
    overdue: int = 0  # unanswered past the limit, or answered late
    statuses: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    fields: Counter = field(default_factory=Counter)
    working: array = field(default_factory=lambda: array("d"))
    calendar: array = field(default_factory=lambda: array("d"))

    def add(self, case: Case) -> None:
        self.count += 1
        self.statuses[case.status] += 1
        self.types[case.petition.type or UNLABELLED] += 1
        self.fields[case.petition.field or UNLABELLED] += 1
        if case.petition.replies:
            self.replied += 1
            if case.overdue_days == 0:
                self.on_time += 1
        if case.overdue_days > 0:
            self.overdue += 1
        reply = case.clocks.get("reply")
        if reply and not reply.running and reply.calendar_days is not None:
            self.working.append(reply.working_days)
            self.calendar.append(reply.calendar_days)

    @property
    def reply_rate(self) -> str:
        return percent(self.replied, self.count)

    @property
    def overdue_share(self) -> str:
        return percent(self.overdue, self.count)

    @property
    def on_time_rate(self) -> str:
        return percent(self.on_time, self.count)

    def median_working(self): return quantile(self.working, 0.5)
    def p90_working(self): return quantile(self.working, 0.9)
    def median_calendar(self): return quantile(self.calendar, 0.5)
    def p90_calendar(self): return quantile(self.calendar, 0.9)

    def as_dict(self) -> dict:
        """Plain figures for templates, JSON exports and the command line."""
        return {
            "name": self.name, "count": self.count, "replied": self.replied,
            "reply_rate": self.reply_rate, "on_time_rate": self.on_time_rate,
            "overdue": self.overdue, "overdue_share": self.overdue_share,
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
    min_sample = setting(settings, "WENZHENG_MIN_RANK_SAMPLE")
    departments = [g for name, g in by["department"].items() if name != UNLABELLED]
    return Stats(total, by, rank(departments, min_sample), min_sample)


def rank(groups: list[Group], min_sample: int) -> list[Ranked]:
    """Rank by the Wilson lower bound of the on-time reply rate, so one fast reply never tops the table.

    Groups below ``min_sample`` petitions follow, unranked, largest first.
    """
    scored = [Ranked(g, *wilson(g.on_time, g.count), rank=None) for g in groups]
    eligible = sorted((r for r in scored if r.group.count >= min_sample),
                      key=lambda r: (-r.low, -r.group.count, r.group.name))
    for position, item in enumerate(eligible, start=1):
        item.rank = position
    small = sorted((r for r in scored if r.group.count < min_sample), key=lambda r: (-r.group.count, r.group.name))
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

    With neither bound every case counts; with a bound, cases without a
    posting time are left out because they cannot be placed in the period.
    """
    start, end = _moment(start), _moment(end)
    replied = total = 0
    for case in cases:
        posted = case.petition.posted
        if (start or end) and posted is None:
            continue
        if (start and posted < start) or (end and posted >= end):
            continue
        total += 1
        replied += bool(case.petition.replies)
    return percent(replied, total)
