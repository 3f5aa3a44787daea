"""Properties of the working-day calendar, against a plain day-by-day second implementation.

The reference walks the calendar one day at a time asking ``chinese_calendar``
directly (Monday to Friday for a year it does not cover), which is what the
prefix-table implementation must agree with however its table was grown.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from references import official_workday, working_days_between
from wenzheng_bridge.caseview.workdays import WorkCalendar, end_of_day, local_date
from wenzheng_bridge.records import SHANGHAI

# chinese_calendar covers 2004 to 2026 here; a few years either side exercise the fallback.
COVERED = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
ANY_DAY = st.dates(min_value=date(2001, 1, 1), max_value=date(2029, 12, 31))
EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Asked once per day of the span (a dict look-up afterwards), so hundreds of examples stay cheap.
_OFFICIAL = {date(2000, 12, 1) + timedelta(days=i): None for i in range(11000)}
_OFFICIAL = {day: official_workday(day) for day in _OFFICIAL}


def official(day: date) -> bool:
    return _OFFICIAL[day]


def plain_between(start: date, end: date) -> int:
    return sum(official(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def plain_add(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= official(day)
    return day


@EXAMPLES
@given(start=ANY_DAY, days=st.integers(min_value=0, max_value=60))
def test_add_agrees_with_walking_the_calendar(start, days):
    calendar = WorkCalendar()
    deadline = calendar.add(start, days)
    assert deadline == plain_add(start, days)
    if days > 0:
        # A deadline is never a day off, and counting back gives the same number of days.
        assert official(deadline) and calendar.is_workday(deadline)
        assert calendar.between(start, deadline) == days
        assert calendar.between(start, deadline - timedelta(days=1)) == days - 1


@settings(max_examples=120, deadline=None)
@given(days=st.lists(st.dates(min_value=date(2014, 1, 1), max_value=date(2028, 12, 31)), min_size=2, max_size=4))
def test_between_agrees_whatever_order_the_years_are_covered_in(days):
    # One calendar, asked about years in a random order: the table grows forwards and backwards.
    calendar = WorkCalendar()
    for start, end in zip(days, days[1:]):
        expected = plain_between(start, end) if end > start else 0
        assert calendar.between(start, end) == expected
    for day in days:
        assert calendar.is_workday(day) == official(day)


SHARED = WorkCalendar()  # grown by the examples in whatever order they come


@settings(max_examples=1000, deadline=None)
@given(day=COVERED)
def test_is_workday_is_the_official_calendar(day):
    assert SHARED.is_workday(day) == chinese_calendar.is_workday(day)


def test_a_year_the_package_does_not_cover_falls_back_to_weekdays_with_a_warning(caplog):
    calendar = WorkCalendar()
    # 2030-01-01 is a Tuesday; with no official calendar it is counted as a working day.
    assert calendar.is_workday(date(2030, 1, 1)) and not calendar.is_workday(date(2030, 1, 5))
    assert calendar.uncovered == {2030}
    assert "法定节假日日历未覆盖 2030 年，该年按周一至周五计算工作日" in caplog.messages
    # The warning is said once per year, not once per day.
    calendar.between(date(2030, 1, 1), date(2030, 3, 1))
    assert caplog.text.count("2030") == 1


def test_known_holiday_spans_from_the_state_council_notices():
    # 2019 National Day: 10-01..10-07 off, Sunday 09-29 and Saturday 10-12 worked (国办发明电〔2018〕15号).
    calendar = WorkCalendar()
    assert calendar.add(date(2019, 9, 30), 1) == date(2019, 10, 8)
    assert calendar.add(date(2019, 9, 28), 1) == date(2019, 9, 29)
    assert calendar.between(date(2019, 9, 30), date(2019, 10, 12)) == 5
    assert calendar.add(date(2019, 9, 30), 0) == date(2019, 9, 30)
    assert calendar.add(date(2019, 9, 30), -3) == date(2019, 9, 30)
    assert calendar.between(date(2019, 10, 12), date(2019, 9, 30)) == 0


def test_a_calendar_that_starts_on_a_holiday_adds_from_it():
    # 2019-01-01 (元旦) is the first day of the table here: the first working day after it is 01-02.
    assert WorkCalendar().add(date(2019, 1, 1), 1) == date(2019, 1, 2)
    assert WorkCalendar().add(date(2019, 1, 1), 0) == date(2019, 1, 1)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_local_date_is_the_shanghai_date_whatever_the_machine_zone(zone, monkeypatch):
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        # 01:00 in Shanghai is still the day before in UTC and in New York.
        assert local_date(datetime(2019, 5, 9, 1, 0, tzinfo=SHANGHAI)) == date(2019, 5, 9)
        assert local_date(datetime(2019, 5, 8, 17, 0, tzinfo=timezone.utc)) == date(2019, 5, 9)
        assert end_of_day(date(2019, 5, 9)) == datetime(2019, 5, 9, 23, 59, 59, tzinfo=SHANGHAI)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_calendar_grown_backwards_keeps_the_later_years_right():
    # Asked about 2020 first, then about 2018: the earlier years are put in front of the table.
    calendar = WorkCalendar()
    assert not calendar.is_workday(date(2020, 10, 1))  # National Day
    assert calendar.between(date(2018, 9, 28), date(2018, 10, 9)) == working_days_between(date(2018, 9, 28),
                                                                                           date(2018, 10, 9))
    assert calendar.is_workday(date(2020, 10, 10)) and not calendar.is_workday(date(2020, 10, 8))  # 调休
    assert calendar.add(date(2020, 9, 30), 1) == date(2020, 10, 9)
    # And grown forwards again, two years on: 2022's National Day and its make-up Saturday 10-08.
    assert not calendar.is_workday(date(2022, 10, 1)) and calendar.is_workday(date(2022, 10, 8))
    assert calendar.between(date(2022, 9, 30), date(2022, 10, 10)) == working_days_between(date(2022, 9, 30),
                                                                                            date(2022, 10, 10))
