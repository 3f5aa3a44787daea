"""成效: what happened to the cases the paper reported (DESIGN.md, "Case status and clocks").

A case is *reported* from its first published column article (or the first
"published" follow-up that links one). Its 见报后 clock runs from that moment
to the resolution the case view found evidence for (a "resolved" follow-up or
the platform's 办结 with a time); a case without a resolution time is never
counted as resolved after the report. The resident's feedback is the last
回访 on record, or a satisfaction rating the source carried (``extra``).

``results(cases)`` keeps the public cases resolved after a report, newest
resolution first; ``yearly(found)`` totals them by the year of resolution.
The site's 问政成效 page, its feed and ``wenzheng results`` all read these.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from ..dates import local
from ..records import SATISFACTION, SATISFACTION_EXTRA, ArticleRef, FollowUp, Status
from .model import Case, Clock

#: Key of the 见报后 clock in ``Case.clocks``.
CLOCK = "reported"


def first_report(articles: Iterable[ArticleRef], followups: Iterable[FollowUp]) -> datetime | None:
    """When the paper first reported the case: its earliest published, dated article or linked 见报 record."""
    times = [a.date for a in articles if a.status == "published" and a.date is not None]
    times += [f.date for f in followups if f.kind == "published" and f.url]
    return min(times, default=None)


def resolved_after(reported: datetime | None, resolved_at: datetime | None) -> bool:
    """Resolved on or after the day of the report (a date-only record is that day's midnight)."""
    if reported is None or resolved_at is None:
        return False
    return local(resolved_at).date() >= local(reported).date()


@dataclass(frozen=True)
class Feedback:
    """The resident's word: a satisfaction rating and, from a 回访, a quote cleared for publication."""

    satisfaction: str
    quote: str = ""
    date: datetime | None = None
    from_source: bool = False  # the platform's own rating, not the newsroom's 回访


def feedback(case: Case) -> Feedback | None:
    """The last 回访 on record, else a rating the source carried (one of SATISFACTION), else None."""
    visits = [f for f in case.followups if f.kind == "revisited" and f.satisfaction]
    if visits:
        last = max(visits, key=lambda f: f.date)
        return Feedback(last.satisfaction, last.quote, last.date)
    rated = str((case.petition.extra or {}).get(SATISFACTION_EXTRA) or "")
    return Feedback(rated, from_source=True) if rated in SATISFACTION else None


@dataclass
class Result:
    """A public case resolved after the paper reported it."""

    case: Case
    reported: datetime
    resolved: datetime
    clock: Clock
    article: ArticleRef | None
    feedback: Feedback | None

    @property
    def year(self) -> int:
        return local(self.resolved).year


def result_of(case: Case) -> Result | None:
    """The case's 成效 when it is public, resolved, and resolved after its first report."""
    reported = first_report(case.articles, case.followups)
    clock = case.clocks.get(CLOCK)
    if not case.public or case.status != Status.RESOLVED or clock is None or clock.working_days is None \
            or clock.running or not resolved_after(reported, case.resolved_at):
        return None
    assert reported is not None and case.resolved_at is not None  # resolved_after checked both
    published = [a for a in case.articles if a.status == "published" and a.date is not None]
    article = min(published, key=lambda a: a.date or reported) if published else None
    return Result(case, reported, case.resolved_at, clock, article, feedback(case))


def results(cases: Iterable[Case]) -> list[Result]:
    """The public cases resolved after a report, newest resolution first."""
    found = [r for r in map(result_of, cases) if r is not None]
    found.sort(key=lambda r: (r.resolved, r.case.key), reverse=True)
    return found


@dataclass(frozen=True)
class YearTotal:
    year: int
    count: int
    median_days: float | None  # calendar days
    median_working_days: float | None
    satisfied: int  # 满意 or 基本满意 among those with feedback
    rated: int


def yearly(found: Iterable[Result]) -> list[YearTotal]:
    """Per year of resolution, newest year first: count, median 见报后 time, satisfaction counts."""
    years: dict[int, list[Result]] = {}
    for result in found:
        years.setdefault(result.year, []).append(result)
    totals = []
    for year in sorted(years, reverse=True):
        group = years[year]
        rated = [r.feedback.satisfaction for r in group if r.feedback]
        totals.append(YearTotal(
            year, len(group),
            _median([r.clock.calendar_days for r in group]),
            _median([r.clock.working_days for r in group]),
            sum(1 for s in rated if s != "不满意"), len(rated)))
    return totals


def _median(values: list) -> float | None:
    """The median to two decimals (None for none): statistics (not caseview.stats, which builds on the view)."""
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None
