"""Working days on China's official calendar, 调休 make-up workdays included.

``chinese_calendar`` knows each year the State Council has published; for a
year it does not cover we fall back to Monday to Friday and say so once per
year (a warning, never a crash), so a build in January before the new
calendar is released still works.
"""
from __future__ import annotations

import logging
from bisect import bisect_left
from datetime import date, datetime, time
from itertools import accumulate

import chinese_calendar

from ..records import SHANGHAI

log = logging.getLogger(__name__)


class WorkCalendar:
    """Working-day arithmetic on one day-indexed table, built a year at a time on first use.

    ``_prefix[i]`` is the number of working days among the first ``i`` days
    from 1 January of the first year covered, so counting working days between two
    dates is a difference of two list items and finding the n-th working day
    after a date is one bisection: 100,000 cases cost a few look-ups each.
    The covered years are contiguous (the span between the oldest post and now).
    """

    def __init__(self):
        self._first_year = self._last_year = 0
        self._base = 0  # ordinal of 1 January of the first covered year
        self._flags = bytearray()  # 1 for a working day, from the first covered day on
        self._prefix: list[int] = [0]
        self.uncovered: set[int] = set()

    def _index(self, day: date) -> int:
        """Position of ``day`` in the table, covering its year first."""
        if not self._first_year <= day.year <= self._last_year:
            self._cover(day.year)
        return day.toordinal() - self._base

    def _cover(self, year: int) -> None:
        """Extend the table to ``year`` (and the years between), asking the calendar about new days only."""
        if not self._flags:
            self._first_year = self._last_year = year
            self._flags = self._year_flags(year, year)
        elif year < self._first_year:
            self._flags = self._year_flags(year, self._first_year - 1) + self._flags
            self._first_year = year
        else:
            self._flags += self._year_flags(self._last_year + 1, year)
            self._last_year = year
        self._base = date(self._first_year, 1, 1).toordinal()
        self._prefix = [0, *accumulate(self._flags)]

    def _year_flags(self, first: int, last: int) -> bytearray:
        start, stop = date(first, 1, 1).toordinal(), date(last + 1, 1, 1).toordinal()
        return bytearray(self._official(date.fromordinal(d)) for d in range(start, stop))

    def _official(self, day: date) -> bool:
        if day.year not in self.uncovered:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:
                self.uncovered.add(day.year)
                log.warning("法定节假日日历未覆盖 %s 年，该年按周一至周五计算工作日", day.year)
        return day.weekday() < 5

    def is_workday(self, day: date) -> bool:
        index = self._index(day)  # first: covering a year replaces the table
        return bool(self._flags[index])

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        if end <= start:
            return 0
        low = self._index(start)
        high = self._index(end)  # end is later: covering its year never moves the base
        return self._prefix[high + 1] - self._prefix[low + 1]

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the posting day does not count)."""
        if days <= 0:
            return start
        index = self._index(start)  # first: covering a year replaces the table
        target = self._prefix[index + 1] + days
        while self._prefix[-1] < target:  # beyond the covered years: cover the next one
            self._cover(self._last_year + 1)
        return date.fromordinal(self._base + bisect_left(self._prefix, target) - 1)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()
