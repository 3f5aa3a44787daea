"""One lateness rule for the status, the timeline, the clocks and every figure, on real petitions.

Expected values are worked out by hand from the State Council's holiday notices:
2019 May Day: 5月1日至4日放假，4月28日（星期日）、5月5日（星期日）上班.
2019 National Day: 10月1日至7日放假，9月29日（星期日）、10月12日（星期六）上班.
A limit of N working days is kept by a reply that comes before the (N+1)-th working
day after the posting day starts: on the deadline day, or a day off right after it.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from wenzheng_bridge.caseview.stats import stats
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def answered(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        petition = store.petition("tipdm-2554")  # real question, posted Wed 2019-04-24
    assert petition.posted.date().isoformat() == "2019-04-24"
    # Its type is inferred from the text; pinned to 咨询 (5 working days) to test the limit.
    return replace(petition, type="咨询")


def replied_at(petition, when: datetime, posted: datetime | None = None):
    return replace(petition, posted=posted or petition.posted,
                   replies=[replace(petition.replies[0], time=when)])


def deadline_events(case) -> list:
    return [e for e in case.timeline if e.kind == "deadline"]


# Posted Wed 04-24: 04-25 Thu (1), 04-26 Fri (2), 04-28 Sun 调休 (3), 04-29 Mon (4), 04-30 Tue (5).
@pytest.mark.parametrize("when, late, overdue", [
    (at(2019, 4, 30, 16, 0), False, 0),  # on the deadline day
    (at(2019, 5, 1, 10, 0), False, 0),  # the first day off after it (May Day)
    (at(2019, 5, 4, 18, 0), False, 0),  # the last day of the holiday
    (at(2019, 5, 5, 9, 0), True, 1),  # Sunday 05-05 is a 调休 working day: one day late
    (at(2019, 5, 9, 9, 49), True, 5),  # the real reply: 05-05, 05-06, 05-07, 05-08, 05-09
])
def test_reply_around_the_may_day_deadline(answered, when, late, overdue):
    case = CaseBuilder(NOW).build(replied_at(answered, when))
    assert case.deadline == at(2019, 4, 30, 23, 59, 59)
    assert (case.late, case.overdue_days) == (late, overdue)
    assert case.status == "已回复"
    # The timeline says the deadline passed exactly when the figures count the case late.
    assert bool(deadline_events(case)) is late
    figures = stats([case], NOW).total
    assert (figures.on_time, figures.overdue, figures.timed_base) == (int(not late), int(late), 1)


# Posted Mon 2019-09-30: 10-08 (1), 10-09 (2), 10-10 (3), 10-11 (4), Sat 10-12 调休 (5).
@pytest.mark.parametrize("when, late, overdue", [
    (at(2019, 10, 12, 17, 0), False, 0),  # on the make-up Saturday itself
    (at(2019, 10, 13, 11, 0), False, 0),  # Sunday after it: a day off
    (at(2019, 10, 14, 8, 30), True, 1),  # Monday: the next working day
])
def test_reply_after_a_make_up_working_saturday(answered, when, late, overdue):
    case = CaseBuilder(NOW).build(replied_at(answered, when, posted=at(2019, 9, 30, 9, 0)))
    assert case.deadline == at(2019, 10, 12, 23, 59, 59)
    assert (case.late, case.overdue_days, bool(deadline_events(case))) == (late, overdue, late)


@pytest.mark.parametrize("now, status, overdue", [
    ("2019-04-30T20:00:00+08:00", "待回复", 0),
    ("2019-05-03T12:00:00+08:00", "待回复", 0),  # past the deadline moment, but no working day yet
    ("2019-05-05T12:00:00+08:00", "逾期未复", 1),
])
def test_unanswered_case_uses_the_same_rule(answered, now, status, overdue):
    case = CaseBuilder({"WENZHENG_NOW": now}).build(replace(answered, replies=[]))
    assert (case.status, case.overdue_days) == (status, overdue)
    assert bool(deadline_events(case)) is (overdue > 0)
    assert case.clocks["reply"].running and case.as_of is not None


def test_reply_without_time_is_replied_but_never_late(answered):
    # A 12345 export with replies but no reply times (its source declares so).
    settings = {**NOW, "WENZHENG_SOURCES": [{"name": "tipdm", "kind": "table",
                                             "knows": ["replies", "departments", "types"]}]}
    case = CaseBuilder(settings).build(answered)
    assert case.status == "已回复" and case.replied and case.late is None
    assert case.overdue_days == 0 and not deadline_events(case)
    assert case.clocks["reply"].working_days is None
    figures = stats([case], settings).total
    assert (figures.replied, figures.reply_base, figures.timed_base, figures.timed_replies) == (1, 1, 0, 0)
    assert figures.reply_rate == "100.00" and figures.on_time_rate == "—"


def test_a_case_still_within_its_limit_is_in_no_on_time_base(answered):
    settings = {"WENZHENG_NOW": "2019-04-29T12:00:00+08:00"}  # before the 04-30 deadline
    waiting = CaseBuilder(settings).build(replace(answered, replies=[]))
    late = CaseBuilder({"WENZHENG_NOW": "2019-05-06T12:00:00+08:00"}).build(replace(answered, replies=[]))
    assert (waiting.status, late.status) == ("待回复", "逾期未复")
    figures = stats([waiting, late], settings).total
    assert (figures.reply_base, figures.replied, figures.timed_base, figures.overdue) == (2, 0, 1, 1)
    assert (figures.reply_rate, figures.on_time_rate, figures.overdue_share) == ("0.00", "0.00", "100.00")
