"""Trending score on real fj3 petitions: engagement, recency decay, newsroom signals, kept parts."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from wenzheng_bridge.caseview import cases
from wenzheng_bridge.caseview.view import CaseBuilder, build_now
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2019-10-01T12:00:00+08:00"}


@pytest.fixture(scope="module")
def views(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return {c.key: c for c in cases(store, NOW)}


@pytest.fixture(scope="module")
def petitions(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return {p.key: p for p in store.petitions()}


def test_score_is_its_parts_times_decay(views):
    case = views["tipdm-360114"]  # 9 likes
    parts = case.score_parts
    assert parts["likes"] == 9.0
    expected = (1 + sum(v for k, v in parts.items() if k != "decay")) * parts["decay"]
    assert case.score == pytest.approx(expected)
    age = (build_now(NOW) - case.petition.posted).total_seconds() / 86400
    assert parts["decay"] == pytest.approx(1 / (age + 2) ** 1.5)


def test_likes_and_recency_raise_the_score(petitions):
    builder = CaseBuilder(NOW)
    base = petitions["tipdm-360112"]  # real, 0 likes
    liked = replace(base, likes=20)
    assert builder.build(liked).score > CaseBuilder(NOW).build(base).score
    fresh = replace(base, posted=build_now(NOW) - timedelta(days=1))
    assert CaseBuilder(NOW).build(fresh).score > CaseBuilder(NOW).build(base).score


def test_gravity_is_a_setting(petitions):
    base = petitions["tipdm-360112"]
    light = CaseBuilder({**NOW, "WENZHENG_TRENDING": {"gravity": 0.5}}).build(base)
    heavy = CaseBuilder({**NOW, "WENZHENG_TRENDING": {"gravity": 2.5}}).build(base)
    assert light.score > heavy.score
    assert light.score_parts["likes"] == heavy.score_parts["likes"]


def test_repeated_complaints_about_one_place(views):
    # 360103 (2019-09-25) names 东路魅力之城小区, as four earlier posts within 90 days do:
    # 360107 (07-21), 360101 (07-28), 360108 (08-01), 360102 (09-10).
    assert views["tipdm-360103"].score_parts["repeat_place"] == 4 * 2.0
    assert views["tipdm-360107"].score_parts["repeat_place"] == 0
    # A whole district is no "one place": 360112 names only A市.
    assert views["tipdm-360112"].score_parts["repeat_place"] == 0


def test_overdue_counts_toward_the_score(petitions):
    raw = petitions["tipdm-31807"]  # posted 2019-10-12, in fj2: its sheet carries no replies
    assert CaseBuilder({"WENZHENG_NOW": "2019-11-29T12:00:00+08:00"}).build(raw).score_parts["overdue"] == 0
    unanswered = replace(raw, extra={**raw.extra, "knows": ["replies", "reply_times"]})  # as if it did
    early = CaseBuilder({"WENZHENG_NOW": "2019-10-18T12:00:00+08:00"}).build(unanswered)
    late = CaseBuilder({"WENZHENG_NOW": "2019-11-29T12:00:00+08:00"}).build(unanswered)
    assert early.score_parts["overdue"] == 0
    assert late.score_parts["overdue"] == late.overdue_days > 0
