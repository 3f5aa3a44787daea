"""Working days on China's official calendar, 调休 make-up workdays included.

``chinese_calendar`` knows each year the State Council has published; for a
year it does not cover we fall back to Monday to Friday and say so once per
year (a warning, never a crash), so a build in January before the new
calendar is released still works.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import chinese_calendar

from ..records import SHANGHAI

log = logging.getLogger(__name__)


class WorkCalendar:
    """Working-day arithmetic with per-year tables built on first use.

    Counting working days between two dates is a difference of two prefix
    sums, so 100,000 cases cost a few table look-ups each.
    """

    def __init__(self):
        self._years: dict[int, list[int]] = {}  # year -> prefix counts of working days
        self.uncovered: set[int] = set()

    def _table(self, year: int) -> list[int]:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build(year)
        return table

    def _build(self, year: int) -> list[int]:
        day, end = date(year, 1, 1), date(year + 1, 1, 1)
        counts, total = [0], 0
        while day < end:
            total += self._official(day)
            counts.append(total)
            day += timedelta(days=1)
        return counts

    def _official(self, day: date) -> bool:
        if day.year not in self.uncovered:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:
                self.uncovered.add(day.year)
                log.warning("法定节假日日历未覆盖 %s 年，该年按周一至周五计算工作日", day.year)
        return day.weekday() < 5

    def is_workday(self, day: date) -> bool:
        table = self._table(day.year)
        index = day.timetuple().tm_yday
        return table[index] > table[index - 1]

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        if end <= start:
            return 0
        first, total = start + timedelta(days=1), 0
        for year in range(first.year, end.year + 1):
            table = self._table(year)
            low = first.timetuple().tm_yday if year == first.year else 1
            high = end.timetuple().tm_yday if year == end.year else len(table) - 1
            total += table[high] - table[low - 1]
        return total

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the posting day does not count)."""
        day, left = start, days
        while left > 0:
            day += timedelta(days=1)
            left -= self.is_workday(day)
        return day


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()
