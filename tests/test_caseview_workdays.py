"""Reply deadlines in Chinese working days (调休 included), on real petitions of the sample."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime

import chinese_calendar
import pytest

from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.caseview.workdays import WorkCalendar
from wenzheng_bridge.config import ConfigError
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}


@pytest.fixture(scope="module")
def petitions(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return {p.source_id: p for p in store.petitions()}


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def with_replies(petition, **pinned):
    """A real fj2 post (its sheet has no reply columns) as if its source carried replies.

    ``pinned``: fields fixed for the test (an inferred type pinned to the limit under test).
    """
    return replace(petition, extra={**petition.extra, "knows": ["replies", "reply_times"]}, **pinned)


def test_the_calendar_knows_the_2019_national_day_and_its_make_up_days():
    # The facts the tests below rest on, straight from the package.
    assert not chinese_calendar.is_workday(date(2019, 10, 1))
    assert chinese_calendar.is_workday(date(2019, 9, 29))  # Sunday, 调休
    assert chinese_calendar.is_workday(date(2019, 10, 12))  # Saturday, 调休


def test_post_the_day_before_national_day_waits_out_the_holiday(petitions):
    # 110409 is a real 咨询 (5 working days); moved to 2019-09-30, the day before the holiday.
    case = CaseBuilder(NOW).build(with_replies(petitions["110409"], type="咨询", posted=at(2019, 9, 30, 9, 32)))
    assert case.petition.type == "咨询" and case.reply_limit == 5
    # 10-08, 10-09, 10-10, 10-11 and the make-up Saturday 10-12.
    assert case.deadline == at(2019, 10, 12, 23, 59, 59)


def test_limit_spanning_make_up_sunday_and_holiday(petitions):
    # Real post, real date: 咨询 posted Friday 2019-09-27, never answered.
    case = CaseBuilder(NOW).build(with_replies(petitions["110409"]))
    assert case.petition.posted == at(2019, 9, 27, 9, 32, 44)
    # 09-29 (Sunday, 调休), 09-30, 10-08, 10-09, 10-10; Monday-Friday would say 10-04.
    assert case.deadline == at(2019, 10, 10, 23, 59, 59)
    assert case.status == "逾期未复"


def test_late_reply_across_the_make_up_saturday(petitions):
    # Real 诉求 (7 working days) posted 2019-09-25, answered 2019-10-17.
    case = CaseBuilder(NOW).build(petitions["44289"])
    assert case.reply_limit == 7
    assert case.deadline == at(2019, 10, 10, 23, 59, 59)
    # Past the limit: 10-11, 10-12 (Saturday, 调休), 10-14, 10-15, 10-16, 10-17.
    assert case.overdue_days == 6
    reply = case.clocks["reply"]
    assert reply.working_days == 13 and not reply.running
    assert reply.calendar_days == pytest.approx(21.99, abs=0.01)
    assert case.status == "已回复"


def test_uncovered_year_falls_back_to_weekdays_with_one_warning(petitions, caplog):
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2003, 3, 7))
    builder = CaseBuilder(NOW)
    with caplog.at_level(logging.WARNING, logger="wenzheng_bridge.caseview"):
        cases = [builder.build(replace(with_replies(petitions[key]), posted=at(2003, 3, 7, 10, 0)))
                 for key in ("110409", "44289", "2554")]
    # Friday 2003-03-07 + 5 weekdays = Friday 03-14; + 7 weekdays = Tuesday 03-18.
    assert cases[0].deadline == at(2003, 3, 14, 23, 59, 59)
    assert cases[1].deadline == at(2003, 3, 18, 23, 59, 59)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "2003" in r.getMessage()]
    assert len(warnings) == 1
    assert "周一至周五" in warnings[0].getMessage()


def test_working_day_counts_across_years():
    calendar = WorkCalendar()
    assert calendar.between(date(2019, 9, 30), date(2019, 10, 12)) == 5
    assert calendar.between(date(2019, 10, 12), date(2019, 9, 30)) == 0
    # 2019-12-31 to 2020-01-02: 01-01 is a holiday, 01-02 a working day.
    assert calendar.between(date(2019, 12, 31), date(2020, 1, 2)) == 1
    expected = sum(chinese_calendar.is_workday(date.fromordinal(d))
                   for d in range(date(2018, 6, 2).toordinal(), date(2020, 3, 1).toordinal() + 1))
    assert calendar.between(date(2018, 6, 1), date(2020, 3, 1)) == expected


def test_limits_configurable_per_board_and_type(petitions, make_settings):
    settings = make_settings(WENZHENG_REPLY_LIMITS={"K4县/咨询": 3, "诉求": 10}, **NOW)
    consult = CaseBuilder(settings).build(with_replies(petitions["110409"], type="咨询"))  # K4县, a question
    assert consult.reply_limit == 3
    # 09-29 (调休), 09-30, 10-08.
    assert consult.deadline == at(2019, 10, 8, 23, 59, 59)
    assert CaseBuilder(settings).build(petitions["44289"]).reply_limit == 10
    elsewhere = replace(petitions["2554"], type="咨询")  # 咨询 elsewhere: the default
    assert CaseBuilder(settings).build(elsewhere).reply_limit == 5


def test_bad_limits_are_named(make_settings):
    with pytest.raises(ConfigError) as error:
        make_settings(WENZHENG_REPLY_LIMITS={"A3区/闲聊": 3, "咨询": 0})
    assert "WENZHENG_REPLY_LIMITS" in str(error.value)
    assert "闲聊" in str(error.value)
