"""Survivors of the mutation run of caseview/trending.py (issue 20): place repeats counted petition by
petition (``PlaceRepeats.count``), at the window's edge, past a coarse place, for undated posts, counted
beforehand for a slice of the store (``PlaceRepeats.counted``, ``KnownRepeats``), and the score's parts
for a petition without likes and rounded to four decimals.

Expected values are worked out by hand from the times and counts set below, not read from the program.
The places are ones the fj3 sample names (东路魅力之城小区, A市, A3区).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from wenzheng_bridge.caseview.trending import KnownRepeats, PlaceRepeats, score
from wenzheng_bridge.dates import SHANGHAI
from wenzheng_bridge.records import Petition

ESTATE = "东路魅力之城小区"
T0 = datetime(2019, 7, 21, 9, 0, tzinfo=SHANGHAI)


def petition(source_id: str, posted: datetime | None, places: list[str], **counters) -> Petition:
    return Petition(source="tipdm", source_id=source_id, title="小区噪音扰民", posted=posted, places=places,
                    **counters)


def test_count_remembers_each_dated_petition():
    repeats = PlaceRepeats(window_days=90)
    # Three posts about one estate, a day apart: 0, then 1 earlier, then 2 earlier.
    counts = [repeats.count(petition(str(i), T0 + timedelta(days=i), [ESTATE])) for i in range(3)]
    assert counts == [0, 1, 2]


def test_an_undated_petition_counts_nothing_and_is_not_remembered():
    repeats = PlaceRepeats(window_days=90)
    assert repeats.count(petition("1", None, [ESTATE])) == 0
    assert repeats.count(petition("2", None, [ESTATE])) == 0
    # Neither undated post is an earlier one for a dated post.
    assert repeats.count(petition("3", T0, [ESTATE])) == 0


def test_a_post_exactly_one_window_later_still_counts():
    repeats = PlaceRepeats(window_days=10)
    assert repeats.count_at(T0, [ESTATE]) == 0
    # 10 days later: T0 is exactly one window back, not beyond it, so it counts.
    assert repeats.count_at(T0 + timedelta(days=10), [ESTATE]) == 1
    # At T0+15d, T0 is 15 days back and has left the window; T0+10d (5 days back) is still in it.
    assert repeats.count_at(T0 + timedelta(days=15), [ESTATE]) == 1
    # A second more than one window after T0+15d, every earlier post has left.
    assert repeats.count_at(T0 + timedelta(days=25, seconds=1), [ESTATE]) == 0


def test_a_coarse_place_is_skipped_not_the_end_of_the_list():
    repeats = PlaceRepeats(window_days=90)
    assert repeats.count_at(T0, ["A市", ESTATE]) == 0
    # The city comes first and is no "one place"; the estate after it still counts the earlier post.
    assert repeats.count_at(T0 + timedelta(days=1), ["A市", "A3区", ESTATE]) == 1
    # The city itself is never counted, however often it is named.
    assert repeats.count_at(T0 + timedelta(days=2), ["A市"]) == 0


def test_counted_beforehand_gives_every_count_of_the_stream_by_key():
    other = "丽发新城小区"
    outline = [
        ("tipdm-1", T0, [ESTATE]),                           # first about the estate: 0
        ("tipdm-2", T0 + timedelta(days=3), [ESTATE, other]),  # estate once before: 1; other: 0
        ("tipdm-3", None, [ESTATE]),                         # undated: 0
        ("tipdm-4", T0 + timedelta(days=5), [other]),         # other once before: 1
        ("tipdm-5", T0 + timedelta(days=20), [ESTATE]),       # 20 > 10 days: tipdm-1 and -2 left: 0
    ]
    known = PlaceRepeats.counted(10, outline)
    assert isinstance(known, KnownRepeats)
    assert known.counts == {"tipdm-1": 0, "tipdm-2": 1, "tipdm-3": 0, "tipdm-4": 1, "tipdm-5": 0}
    assert known.count(petition("4", T0, [other])) == 1


def test_known_repeats_looks_up_by_key_and_gives_zero_for_an_unknown_case():
    known = KnownRepeats({"tipdm-360103": 4, "tipdm-360107": 0})
    assert known.count(petition("360103", T0, [ESTATE])) == 4
    assert known.count(petition("360107", T0, [ESTATE])) == 0
    unknown = known.count(petition("999", T0, [ESTATE]))
    assert unknown == 0 and isinstance(unknown, int)


WEIGHTS = {"likes": 1.0, "replies": 0.5, "views": 0.123456, "overdue": 1.0, "overdue_cap": 30,
           "repeat_place": 2.0, "gravity": 1.0}


def test_a_petition_without_likes_has_no_likes_part():
    now = T0 + timedelta(days=2)
    total, parts = score(petition("1", T0, [], likes=None), 0, 0, now, WEIGHTS)
    assert parts["likes"] == 0
    # Age 2 days, gravity 1: decay 1 / (2 + 2) = 0.25; only the base point is left.
    assert total == pytest.approx(1 * 0.25)


def test_parts_are_rounded_to_four_decimals_the_total_is_not():
    now = T0 + timedelta(days=2)
    # views part 0.123456 * 1 -> 0.1235 at four decimals; replies 0.5 * 3 = 1.5 unchanged.
    total, parts = score(petition("1", T0, [], views=1, reply_count=3), 0, 0, now, WEIGHTS)
    assert parts["views"] == 0.1235
    assert parts["replies"] == 1.5
    assert total == pytest.approx((1 + 0.123456 + 1.5) * 0.25, abs=1e-12)
