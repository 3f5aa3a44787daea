"""Figures checked against expectations the program does not compute: a textbook table, the raw
sheet cells read with openpyxl alone, the documented formula. (`wenzheng stats`'s headline figures
from the raw cells and the official calendar: test_caseview_command.py.)"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from conftest import sheet_dicts, sheet_time
from wenzheng_bridge.caseview.stats import wilson
from wenzheng_bridge.caseview.trending import score
from wenzheng_bridge.caseview.view import CaseBuilder
from wenzheng_bridge.records import SHANGHAI, Petition

FILES = ("fj2_sample495_labelled.xlsx", "fj3_sample30_likes.xlsx", "fj4_sample120_replies.xlsx")


def raw_rows(sample_dir, name) -> list[dict]:
    return sheet_dicts(name, sample_dir)


# -- Wilson score interval: Newcombe (1998), "Two-sided confidence intervals for the single
# proportion: comparison of seven methods", Statistics in Medicine 17:857-872, Table I,
# method 3 (score interval without continuity correction), 95 %.
@pytest.mark.parametrize("successes, total, low, high", [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_newcombes_table(successes, total, low, high):
    got = wilson(successes, total)
    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


def test_wilson_interval_of_a_full_score_and_of_nothing():
    # n of n: the lower bound is n / (n + z²) (the score interval's closed form), 29/29 -> 0.8830.
    assert round(wilson(29, 29)[0], 4) == round(29 / (29 + 1.959964 ** 2), 4) == 0.883
    assert wilson(29, 29)[1] == pytest.approx(1.0)
    assert wilson(0, 0) == (0.0, 0.0)


# -- trending score: the documented formula (caseview/trending.py, DESIGN.md "Trending") with the
# documented default weights, on a real fj3 row.

def test_trending_score_of_a_real_row_by_the_documented_formula(sample_dir):
    row = next(r for r in raw_rows(sample_dir, "fj3_sample30_likes.xlsx") if r["留言编号"] == 360114)
    posted = sheet_time(row["留言时间"]).replace(tzinfo=SHANGHAI)
    likes = row["点赞数"]
    assert likes == 9
    now = posted + timedelta(days=1)  # a day old: within any reply limit, so nothing overdue
    case = CaseBuilder({"WENZHENG_NOW": now.isoformat()}).build(
        Petition(source="tipdm", source_id="360114", title=row["留言主题"], body=row["留言详情"], posted=posted,
                 likes=likes))
    # (1 + 1.0·likes + 0.5·replies + 0.01·views + 1.0·overdue + 2.0·repeats) / (age + 2) ** 1.5
    assert case.score == pytest.approx((1 + 1.0 * 9) / (1 + 2) ** 1.5)
    assert case.score_parts["likes"] == 9.0 and case.score_parts["overdue"] == 0


def test_trending_parts_are_weighted_capped_and_decayed():
    now = datetime(2019, 10, 1, 12, 0, tzinfo=SHANGHAI)
    weights = {"likes": 2.0, "replies": 0.5, "views": 0.01, "overdue": 1.5, "overdue_cap": 30,
               "repeat_place": 3.0, "gravity": 2.0}
    petition = Petition(source="s", source_id="1", title="t", posted=now - timedelta(days=2),
                        likes=4, reply_count=6, views=300)
    total, parts = score(petition, overdue_days=45, repeats=2, now=now, weights=weights)
    assert parts == {"likes": 8.0, "replies": 3.0, "views": 3.0, "overdue": 45.0, "repeat_place": 6.0,
                     "decay": 1 / 16}
    assert total == pytest.approx((1 + 8 + 3 + 3 + 45 + 6) / 16)
    # A petition without a time is not decayed by age (age 0) and future posts are not boosted.
    undated = Petition(source="s", source_id="2", title="t", likes=1)
    assert score(undated, 0, 0, now, weights)[0] == pytest.approx((1 + 2.0) / 2 ** 2)
    future = Petition(source="s", source_id="3", title="t", likes=1, posted=now + timedelta(days=5))
    assert score(future, 0, 0, now, weights)[0] == pytest.approx((1 + 2.0) / 2 ** 2)
