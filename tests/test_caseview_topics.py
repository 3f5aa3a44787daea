"""Hot topics on the real sample: the two topics the competition names in fj3."""
from __future__ import annotations

import importlib

import pytest
from openpyxl import load_workbook

from wenzheng_bridge.caseview import assign_topics, cases, topics
from wenzheng_bridge.store import Store

NOW = {"WENZHENG_NOW": "2020-02-01T12:00:00+08:00"}
ESTATE = {f"tipdm-{n}" for n in range(360100, 360110)}  # 魅力之城小区: fumes and noise from ground-floor shops
COLLEGE = {f"tipdm-{n}" for n in range(360110, 360115)}  # A市经济学院: students forced into "internships"


@pytest.fixture(scope="module")
def fj3_keys(sample_dir):
    sheet = load_workbook(sample_dir / "fj3_sample30_likes.xlsx", read_only=True).worksheets[0]
    return {f"tipdm-{row[0]}" for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}


@pytest.fixture(scope="module")
def views(sample_store):
    with Store.open(sample_store, readonly=True) as store:
        return list(cases(store, NOW))


def best_match(found, truth: set[str], universe: set[str]):
    """(precision, recall, topic) of the topic that holds most of ``truth``, judged within ``universe``."""
    topic = max(found, key=lambda t: len(truth & set(t.members)))
    members = set(topic.members) & universe
    hit = len(truth & members)
    return hit / len(members), hit / len(truth), topic


def test_fj3_hot_topics_alone(views, fj3_keys):
    assert len(fj3_keys) == 30 and ESTATE | COLLEGE <= fj3_keys
    found = topics([c for c in views if c.key in fj3_keys], NOW)
    for truth in (ESTATE, COLLEGE):
        precision, recall, _ = best_match(found, truth, fj3_keys)
        assert precision >= 0.9 and recall >= 0.9
    others = fj3_keys - ESTATE - COLLEGE
    assert len(others) == 15
    assert all(len(set(t.members) & others) == 0 or len(t.members) <= 2 for t in found)


def test_fj3_hot_topics_among_all_644(views, fj3_keys):
    found = topics(views, NOW)
    estate = best_match(found, ESTATE, fj3_keys)
    college = best_match(found, COLLEGE, fj3_keys)
    for precision, recall, _ in (estate, college):
        assert precision >= 0.9 and recall >= 0.9
    # Labels: the name the posts share, then the issue (the competition's own wording for these two).
    assert estate[2].label.startswith("魅力之城小区 · ") and "油烟" in estate[2].label
    assert estate[2].terms[0] == "魅力之城小区"
    assert college[2].label.startswith("经济学院 · ")
    # Ids, heat order, membership.
    assert [t.id for t in found] == [f"t{n:04d}" for n in range(1, len(found) + 1)]
    assert [t.heat for t in found] == sorted((t.heat for t in found), reverse=True)
    assert all(len(t.members) >= 3 for t in found)
    keys = [k for t in found for k in t.members]
    assert len(keys) == len(set(keys))  # a petition is in one topic at most
    assign_topics(views, found)
    by_key = {c.key: c for c in views}
    assert {by_key[k].topic for k in ESTATE} == {estate[2].id}
    assert sum(1 for c in views if c.topic) == len(keys)


def test_thresholds_are_settings(views, fj3_keys):
    sample = [c for c in views if c.key in fj3_keys]
    assert topics(sample, {"WENZHENG_TOPICS": {"threshold": 0.99}}) == []
    # Two petitions from one user about the same estate are near-identical (360107, 360108).
    pairs = topics(sample, {"WENZHENG_TOPICS": {"threshold": 0.9, "min_size": 2}})
    assert [set(t.members) for t in pairs] == [{"tipdm-360107", "tipdm-360108"}]
    assert topics([], NOW) == []


def test_candidates_are_blocked_not_all_pairs(views, monkeypatch):
    """Four copies of the sample (2,576 petitions): pairs scored stay within n x candidates."""
    from dataclasses import replace

    from wenzheng_bridge.caseview import grouping
    from wenzheng_bridge.caseview.settings import DEFAULT_TOPICS

    copies = [replace(c, petition=replace(c.petition, source_id=f"{c.petition.source_id}x{n}"))
              for n in range(4) for c in views]
    scored = []
    original = grouping.pair_cosines

    def counting(matrix, docs, src, dst, local):
        scored.append(len(src))
        assert (src < dst).all()  # each pair is scored once, from its earlier row
        return original(matrix, docs, src, dst, local)

    monkeypatch.setattr(grouping, "pair_cosines", counting)
    found = topics(copies, NOW)
    n = len(copies)
    assert sum(scored) <= n * DEFAULT_TOPICS["candidates"]  # pairs are scored once; splits reuse their cosines
    assert sum(scored) < n * (n - 1) / 2 / 20
    # The copies of one petition are identical: its four copies are in one topic, or (a petition
    # with only generic words, which cannot make a topic) in none.
    topic_of = {key: t.id for t in found for key in t.members}
    for c in views:
        assert len({topic_of.get(f"{c.key}x{k}") for k in range(4)}) == 1, c.petition.title
    assert sum(len(t.members) for t in found) >= 0.95 * n
    estate = next(t for t in found if "tipdm-360100x0" in t.members)
    assert {f"tipdm-{i}x{k}" for i in range(360100, 360110) for k in range(4)} <= set(estate.members)


def test_grouping_in_a_process_of_its_own_finds_the_same_topics(views, monkeypatch):
    """A large corpus is grouped in a forked process; forced here on the sample, the topics are the same."""
    topics_module = importlib.import_module("wenzheng_bridge.caseview.topics")

    here = topics(views, NOW)
    monkeypatch.setattr(topics_module, "APART_MIN", 0)
    apart = topics(views, NOW)
    assert [(t.label, t.members) for t in apart] == [(t.label, t.members) for t in here] and here
