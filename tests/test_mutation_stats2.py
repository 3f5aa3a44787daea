"""Survivors of the full mutation run of caseview/stats.py (issue 20, bench/RESULTS-mutation.md).

Cases are built by hand (``Case`` and ``Petition`` directly, no store), so every count, share and
period below is worked out from the few fields set here, not read from the program.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest

from references import wilson_interval
from wenzheng_bridge.caseview.model import Case
from wenzheng_bridge.caseview.stats import (UNLABELLED, Group, _moment, partial_periods, quantile, rank, rate,
                                            reply_rate, stats)
from wenzheng_bridge.records import SHANGHAI, Petition, Status


def case(n: int, *, source: str = "tipdm", posted: datetime | None = None, type: str = "", field: str = "",
         status: Status = Status.WAITING, department: str = "", inferred: bool = False, known: bool = True,
         replied: bool = False, late: bool | None = None) -> Case:
    petition = Petition(source=source, source_id=str(n), title=f"留言{n}", posted=posted, type=type, field=field)
    return Case(petition=petition, status=status, evidence="", department=department, type_inferred=inferred,
                reply_known=known, replied=replied, late=late)


def at(year: int, month: int = 6, day: int = 1, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_a_group_counts_every_case_in_each_breakdown():
    group = Group("A3区")
    for c in (
        case(1, type="诉求", field="城乡建设", status=Status.ANSWERED, inferred=True, replied=True, late=False),
        case(2, status=Status.OVERDUE, late=True),                            # unanswered past its limit
        case(3, source="forum", type="诉求", field="城乡建设", status=Status.UNKNOWN, known=False),
        case(4, type="咨询", status=Status.ANSWERED, replied=True, late=None),  # a reply without a time
        case(5, type="咨询", late=False),                                    # still within its limit
    ):
        group.add(c)
    assert (group.count, group.reply_base, group.replied) == (5, 4, 2)
    # decided: case 1 (on time) and case 2 (late); cases 4 and 5 are not decided yet
    assert (group.timed_base, group.on_time, group.overdue, group.type_inferred) == (2, 1, 1, 1)
    assert group.statuses == {"已回复": 2, "逾期未复": 1, "答复情况不明": 1, "待回复": 1}
    assert group.types == {"诉求": 2, "咨询": 2, UNLABELLED: 1}
    assert group.fields == {"城乡建设": 2, UNLABELLED: 3}
    assert group.sources == {"tipdm": 4, "forum": 1} and group.reply_sources == {"tipdm": 4}


def test_rate_without_a_base_is_a_dash():
    assert rate(0, 0) == "—" and rate(1, 4) == "25.00"
    assert Group("空").reply_rate == "—"


def test_quantiles_are_rounded_to_two_decimals():
    assert quantile([0.0, 0.1234], 0.5) == 0.06  # halfway: 0.0617


@pytest.fixture
def new_york(monkeypatch):
    """A machine zone where Shanghai's new year is still the old one (so a year read in the
    machine's zone would be wrong)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_years_are_shanghai_years_and_the_edges_and_now_are_partial(new_york):
    cases = [case(1, posted=at(2018)), case(2, posted=at(2019)), case(3, posted=at(2019)),
             case(4, posted=datetime(2020, 1, 1, 1, tzinfo=SHANGHAI)),  # 31 December 2019 in New York
             case(5, posted=at(2021)), case(6, posted=None)]
    now = "2020-01-01T01:00:00+08:00"  # 2020 in Shanghai, still 2019 in New York and UTC
    result = stats(cases, {"WENZHENG_NOW": now})
    assert result.total.name == "全平台" and result.total.count == 6
    assert result.now == datetime(2020, 1, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    years = result.by["year"]
    assert {name: g.count for name, g in years.items()} == {"2018": 1, "2019": 2, "2020": 1, "2021": 1,
                                                            UNLABELLED: 1}
    # the first and last years with data, and the year of now; never the unlabelled
    assert {name: g.partial for name, g in years.items()} == {"2018": True, "2019": False, "2020": True,
                                                              "2021": True, UNLABELLED: False}


def test_partial_periods():
    assert partial_periods(["2019", "2017", "2020", "2018"], "2019") == {"2017", "2020", "2019"}
    assert partial_periods(["2019", "2017", "2020", "2018"], "2030") == {"2017", "2020"}
    assert partial_periods(["2019"], "2019") == {"2019"}
    assert partial_periods([], "2019") == set()


def test_rank_ties_by_size_and_the_unranked_follow_largest_first():
    def group(name, count, on_time=0, timed=0):
        return Group(name, count=count, on_time=on_time, timed_base=timed)

    groups = [group("甲", 5, 4, 5), group("乙", 8, 4, 5), group("丙", 3), group("丁", 2), group("戊", 1, 1, 1)]
    ranked = rank(groups, min_sample=3)
    # 甲 and 乙: the same 4 of 5 on time, so the same Wilson bound: the larger first; 丙 has 3 cases,
    # exactly the minimum, and nothing decided (bound 0); then 丁 and 戊 below the minimum
    assert [(r.group.name, r.rank) for r in ranked] == [("乙", 1), ("甲", 2), ("丙", 3), ("丁", None), ("戊", None)]
    low, high = wilson_interval(4, 5)  # Newcombe's closed form (tests/references.py), not the code's
    assert (ranked[0].low, ranked[0].high) == pytest.approx((low, high)) and (round(low, 3), round(high, 3)) == (0.376, 0.964)
    assert (ranked[2].low, ranked[2].high) == (0.0, 0.0)


def test_moment_keeps_an_aware_time_in_its_own_zone():
    utc = datetime(2019, 1, 1, tzinfo=timezone.utc)
    assert _moment(utc) == utc and _moment(utc).utcoffset() == timedelta(0)
    assert _moment(datetime(2019, 1, 1)) == datetime(2019, 1, 1, tzinfo=SHANGHAI)
    assert _moment(date(2019, 1, 1)) == datetime(2019, 1, 1, tzinfo=SHANGHAI) and _moment(None) is None


def test_reply_rate_over_a_half_open_period():
    cases = [
        case(1, posted=datetime(2019, 1, 1, tzinfo=SHANGHAI), replied=True),  # exactly the start: in
        case(2, posted=at(2019)),                                              # in, not answered
        case(3, posted=datetime(2020, 1, 1, tzinfo=SHANGHAI), replied=True),  # exactly the end: out
        case(4, posted=None, replied=True),                                    # cannot be placed
        case(5, posted=at(2019), known=False),                                 # no reply data
    ]
    assert reply_rate(cases, date(2019, 1, 1), date(2020, 1, 1)) == "50.00"  # 1 of cases 1, 2
    assert reply_rate(cases, None, date(2020, 1, 1)) == "50.00"
    assert reply_rate(cases, date(2019, 6, 2)) == "100.00"  # case 3 alone
    assert reply_rate(cases) == "75.00"  # 3 of cases 1-4


def test_the_upper_bound_of_a_full_score_is_exactly_one():
    # For p = 1 the Wilson upper bound is (1 + z²/2n + z²/2n) / (1 + z²/n) = 1 exactly; in floating
    # point 20 of 20 comes out one unit above (1.0000000000000002) without the clamp.
    from wenzheng_bridge.caseview.stats import wilson

    assert [wilson(n, n)[1] for n in (1, 20, 32)] == [1.0, 1.0, 1.0]
