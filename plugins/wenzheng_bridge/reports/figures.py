"""A report's figures: per department and per board, for the cases posted in one period.

Reply figures are the case view's own (``caseview.stats.Group``: reply rate over the cases whose
source carries reply data, on-time share over the cases whose lateness is decided, reply time in
working days), and the ranking is the scorecards' (``caseview.stats.rank``: minimum sample, Wilson
lower bound of the on-time rate). A report adds what a 通报 asks besides: the cases still
unanswered past their limit, and 办结 within WENZHENG_CLOSE_LIMITS where the source says when the
platform closed a case (otherwise the figure is 无数据).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping

from ..caseview.model import Case
from ..caseview.results import feedback
from ..caseview.settings import CaseviewSettings
from ..caseview.stats import UNLABELLED, Group, Ranked, dimension_value, rank, rate, wilson
from ..caseview.status import deadline, lateness, limit_for
from ..caseview.view import build_now
from ..caseview.workdays import WorkCalendar
from ..dates import iso_date, iso_minute
from ..records import SATISFACTION
from .period import Period
from .settings import ReportSettings

#: The report's breakdowns, with their Chinese names.
DIMENSIONS = {"department": "部门", "board": "板块"}
NO_DATA = "无数据"


@dataclass
class Line:
    """One department's or board's figures: the case view's group plus the report's own counts."""

    group: Group
    open_overdue: int = 0  # no reply yet, past the reply limit (as of the report's now)
    close_base: int = 0  # cases the source says the platform closed (办结), with the time
    closed_on_time: int = 0  # ... within the 办结 limit
    rated: int = 0  # cases whose latest 回访 records the resident's satisfaction
    satisfied: int = 0  # ... as 满意 or 基本满意
    low: float = 0.0  # Wilson interval of the on-time reply rate
    high: float = 0.0
    rank: int | None = None  # None: below the minimum sample (listed, not ranked)

    @property
    def name(self) -> str:
        return self.group.name

    @property
    def close_rate(self) -> str:
        """按期办结率, or 无数据 when the source says nothing about closing."""
        return rate(self.closed_on_time, self.close_base) if self.close_base else NO_DATA

    @property
    def satisfaction_rate(self) -> str:
        """满意率 (满意 or 基本满意) over the cases with a 回访 rating, or 无数据."""
        return rate(self.satisfied, self.rated) if self.rated else NO_DATA


@dataclass
class Report:
    period: Period
    now: datetime  # every figure is as of this moment (数据截至)
    min_sample: int
    total: Line
    lines: dict[str, list[Line]]  # dimension -> lines, ranked first, then the small ones
    unlabelled: dict[str, int] = field(default_factory=dict)  # dimension -> cases without a value
    partial: list[str] = field(default_factory=list)  # why the period is 不完整 (empty: complete)

    @property
    def title(self) -> str:
        return f"{self.period.name}网络问政办理情况通报"


class _Closing:
    """Whether a case was closed (办结) within its limit: the reply limits' lateness rule, with the 办结 limits."""

    def __init__(self, limits: Mapping[str, int]):
        self.limits = limits
        self.calendar = WorkCalendar()

    def on_time(self, case: Case) -> bool:
        due = deadline(case.petition, limit_for(case.petition, self.limits), self.calendar)
        closed = case.closed_at
        return due is not None and closed is not None and \
            not lateness(due, True, closed, closed, self.calendar).late


def _add(line: Line, case: Case, closing: _Closing) -> None:
    line.group.add(case)
    line.open_overdue += bool(case.late and not case.replied)
    if case.closed_at is not None and case.petition.posted is not None:
        line.close_base += 1
        line.closed_on_time += closing.on_time(case)
    rating = latest_rating(case)
    if rating:
        line.rated += 1
        line.satisfied += rating in SATISFACTION[:2]


def latest_rating(case: Case) -> str:
    """The resident's satisfaction: the latest rated 回访, else the source's own rating ("" when none);
    the one rule of caseview.results, so the report and the 成效 page count the same feedback."""
    found = feedback(case)
    return found.satisfaction if found else ""


def report(cases: Iterable[Case], period: Period, settings: dict, now: datetime | None = None) -> Report:
    """The period's report over ``cases`` (one pass; pass public cases for anything published)."""
    now = build_now(settings, now)
    closing = _Closing(ReportSettings.of(settings).close_limits)
    total = Line(Group("合计"))
    lines: dict[str, dict[str, Line]] = {d: {} for d in DIMENSIONS}
    first = last = None
    for case in cases:
        posted = case.petition.posted
        if posted is None:
            continue
        first = posted if first is None or posted < first else first
        last = posted if last is None or posted > last else last
        if not period.holds(posted):
            continue
        _add(total, case, closing)
        for dimension, by_value in lines.items():
            value = dimension_value(case, dimension)
            line = by_value.get(value) or by_value.setdefault(value, Line(Group(value)))
            _add(line, case, closing)
    min_sample = CaseviewSettings.of(settings).min_rank_sample
    result = Report(period, now, min_sample, total, {}, partial=_partial(period, now, first, last))
    for dimension, by_value in lines.items():
        unlabelled = by_value.pop(UNLABELLED, None)
        result.unlabelled[dimension] = unlabelled.group.count if unlabelled else 0
        result.lines[dimension] = _ranked(list(by_value.values()), min_sample)
    total.group.partial = bool(result.partial)
    total.low, total.high = wilson(total.group.on_time, total.group.timed_base)
    return result


def _ranked(lines: list[Line], min_sample: int) -> list[Line]:
    """The lines in the scorecards' order (``caseview.stats.rank``), each with its rank and interval."""
    of_group = {id(line.group): line for line in lines}
    ordered = []
    for item in rank([line.group for line in lines], min_sample):
        line = of_group[id(item.group)]
        line.low, line.high, line.rank = item.low, item.high, item.rank
        ordered.append(line)
    return ordered


def _partial(period: Period, now: datetime, first: datetime | None, last: datetime | None) -> list[str]:
    """Why the period's figures are not complete: it has not ended, or the data starts or ends inside it."""
    reasons = []
    if now < period.end:
        reasons.append(f"统计周期尚未结束（数据截至 {iso_minute(now)}）")
    if first is not None and period.holds(first) and first > period.start:
        reasons.append(f"数据从 {iso_date(first)} 开始，此前的留言不在数据中")
    if last is not None and period.holds(last) and now >= period.end:
        reasons.append(f"数据止于 {iso_date(last)}，此后的留言不在数据中")
    return reasons


def interval(line: Line | Ranked) -> str:
    """The on-time rate's 95 % interval in percent, one decimal ("81.2–93.4")."""
    return f"{100 * line.low:.1f}–{100 * line.high:.1f}" if line.group.timed_base else "—"


