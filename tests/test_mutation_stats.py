"""Survivors of the mutation run of caseview/stats.py (issue 20): the plain figures a group hands to
templates, exports and the command line (``Group.as_dict``), a share of a value it never saw, and the
order of a dimension's groups (``Stats.groups``).

Expected values are worked out by hand from the counts set below, not read from the program.
"""
from __future__ import annotations

from array import array
from collections import Counter

from wenzheng_bridge.caseview.stats import Group, Stats


def group() -> Group:
    return Group(
        "A3区", count=4, reply_base=3, replied=2, timed_base=2, on_time=1, overdue=1, type_inferred=1,
        statuses=Counter({"已回复": 2, "未回复": 2}), types=Counter({"诉求": 3, "举报": 1}),
        fields=Counter({"城乡建设": 4}), sources=Counter({"tipdm": 4}), reply_sources=Counter({"tipdm": 3}),
        working=array("d", [3.0, 1.0, 2.0, 10.0]), calendar=array("d", [5.0, 1.0]), partial=True)


def test_as_dict_names_every_figure_with_its_own_base():
    # Medians and 90th percentiles by linear interpolation between order statistics:
    # working days sorted 1, 2, 3, 10: median at position 1.5 -> 2.5; p90 at 2.7 -> 3 + 0.7 * 7 = 7.9.
    # calendar days sorted 1, 5: median at 0.5 -> 3.0; p90 at 0.9 -> 1 + 0.9 * 4 = 4.6.
    assert group().as_dict() == {
        "name": "A3区", "count": 4, "reply_base": 3, "replied": 2, "reply_rate": "66.67",
        "timed_base": 2, "on_time": 1, "on_time_rate": "50.00", "overdue": 1, "overdue_share": "50.00",
        "timed_replies": 4, "type_inferred": 1, "partial": True,
        "sources": {"tipdm": 4}, "reply_sources": {"tipdm": 3},
        "median_working_days": 2.5, "p90_working_days": 7.9,
        "median_calendar_days": 3.0, "p90_calendar_days": 4.6,
        "statuses": {"已回复": 2, "未回复": 2}, "types": {"诉求": 3, "举报": 1}, "fields": {"城乡建设": 4},
    }


def test_share_of_a_value_the_group_never_saw_is_zero():
    g = group()
    assert g.share(g.types, "诉求") == "75.00"
    assert g.share(g.types, "咨询") == "0.00"
    assert g.share(g.fields, "") == "0.00"


def test_groups_come_largest_first_and_years_in_order():
    boards = {name: Group(name, count=count) for name, count in [("B", 2), ("A", 2), ("C", 5), ("D", 1)]}
    # Years: a larger later year must still come after an earlier one.
    years = {name: Group(name, count=count) for name, count in [("2019", 9), ("2017", 1), ("2018", 4)]}
    result = Stats(Group("全平台"), {"board": boards, "year": years}, [], 5)
    assert [g.name for g in result.groups("board")] == ["C", "A", "B", "D"]  # ties by name
    assert [g.name for g in result.groups("year")] == ["2017", "2018", "2019"]
