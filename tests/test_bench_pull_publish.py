"""The pull-to-publish bench's change set (bench/pull_publish.py): what the fixture forum serves is
what the forum source stores.

A 2,000-case bench store, a change set of 20 cases served as Discuz! threads on
127.0.0.1, one forum pull: every reply, addition, edit, new thread and the
takedown arrives as the change set made it, and nothing else changes.
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import make_store  # noqa: E402
import pull_publish  # noqa: E402
from wenzheng_bridge.pull import pull_source  # noqa: E402
from wenzheng_bridge.settings import wenzheng_settings  # noqa: E402
from wenzheng_bridge.store import Store  # noqa: E402

COUNT, CHANGES = 2000, 20


@pytest.fixture(scope="module")
def pulled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pull-publish")
    store_path = folder / "store.sqlite3"
    make_store.build_store(store_path, COUNT)
    data, changes = pull_publish.change_set(store_path, CHANGES)
    with pull_publish.ForumServer(data, make_store.CHANGED_AT) as base:
        raw = {"WENZHENG_BASE": str(folder), "WENZHENG_STORE": str(store_path),
               "WENZHENG_SOURCES": [pull_publish.forum_source(base, list(data.boards))]}
        settings = {**raw, **wenzheng_settings(raw)}
        with Store.open(store_path) as store:
            tally = pull_source(store, settings["WENZHENG_SOURCES"][0], settings, now=make_store.CHANGED_AT)
    return store_path, data, changes, tally


def _by_kind(changes: list[dict]) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for item in changes:
        kinds.setdefault(item["what"], []).append(item["case"])
    return kinds


def test_change_set_has_every_kind_the_issue_names(pulled):
    _, data, changes, _ = pulled
    kinds = _by_kind(changes)
    assert {k: len(v) for k, v in kinds.items()} == {"reply": 8, "edited": 1, "addition": 4, "new": 6,
                                                     "takedown": 1}
    assert len({item["case"] for item in changes}) == CHANGES
    # The takedown is the one case not served: the forum answers "deleted" for it.
    assert len(data.threads) == CHANGES - 1
    assert int(kinds["takedown"][0].split("-")[1]) not in data.threads


def test_the_pull_stores_exactly_the_change_set(pulled):
    store_path, _, changes, tally = pulled
    kinds = _by_kind(changes)
    assert tally.failed == 0, tally.errors
    assert (tally.new, tally.updated, tally.gone) == (6, 13, 1)
    with sqlite3.connect(store_path) as db:
        gone = [row[0] for row in db.execute("SELECT case_key FROM petitions WHERE gone_since IS NOT NULL")]
        assert gone == kinds["takedown"]
        assert db.execute("SELECT COUNT(*) FROM petitions").fetchone()[0] == COUNT + 6


def test_each_change_arrives_as_served(pulled):
    store_path, data, changes, _ = pulled
    kinds = _by_kind(changes)
    with Store.open(store_path, readonly=True) as store:
        for key in kinds["reply"]:
            petition, thread = store.petition(key), data.threads[int(key.split("-")[1])]
            assert [r.text for r in petition.replies] == [thread.posts[-1].text]
            assert petition.replies[0].unit == pull_publish.SPOKESPERSON_UNIT
            assert petition.replies[0].time == thread.posts[-1].time
        for key in kinds["addition"]:
            petition = store.petition(key)
            assert [s.text for s in petition.supplements] == [pull_publish.ADDITION]
        edited = store.petition(kinds["edited"][0])
        assert edited.title.endswith(pull_publish.EDIT_NOTE)
        assert edited.body.endswith("位置在小区东门。") and "本帖最后由" not in edited.body
        for key in kinds["new"]:
            petition = store.petition(key)
            assert petition.title == data.threads[int(key.split("-")[1])].subject
            assert 0 < (make_store.CHANGED_AT - petition.posted).total_seconds() <= 72 * 3600
            assert petition.replies == []
