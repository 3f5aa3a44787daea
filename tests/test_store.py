"""The SQLite store: history kept, unchanged pulls write nothing, migrations."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

import pytest

from wenzheng_bridge.errors import StoreError
from wenzheng_bridge.pull import pull
from wenzheng_bridge.records import SHANGHAI, Petition, Reply
from wenzheng_bridge.store import MIGRATIONS, SCHEMA_VERSION, Store

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=SHANGHAI)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def petition(**kw) -> Petition:
    base = dict(source="s", source_id="1", title="路灯坏了", body="小区路灯坏了三个月", posted=T0 - timedelta(days=3))
    base.update(kw)
    return Petition(**base)


def test_history_is_never_overwritten(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            assert store.upsert(petition(), T0) == "new"
        with store.batch():
            assert store.upsert(petition(), T0 + timedelta(hours=1)) == "unchanged"
        with store.batch():
            assert store.upsert(petition(title="路灯坏了半年"), T0 + timedelta(hours=2)) == "updated"
        reply = Reply(text="已安排维修", time=T0, unit="A3区城管局")
        with store.batch():
            assert store.upsert(petition(title="路灯坏了半年", replies=[reply]), T0 + timedelta(hours=3)) == "updated"
        edited = Reply(text="已维修完毕", time=T0, unit="A3区城管局")
        with store.batch():
            store.upsert(petition(title="路灯坏了半年", replies=[edited]), T0 + timedelta(hours=4))
        with store.batch():
            assert store.mark_gone("s", [], T0 + timedelta(hours=5)) == 1
        kinds = [h["kind"] for h in store.history("s-1")]
        assert kinds == ["new", "edited", "reply_new", "reply_edited", "gone"]
        edit = store.history("s-1")[1]["detail"]
        assert edit["title"] == ["路灯坏了", "路灯坏了半年"]
        assert store.history("s-1")[3]["detail"]["text"] == ["已安排维修", "已维修完毕"]
        current = store.petition("s-1")
        assert current.replies[0].text == "已维修完毕" and current.seen["gone_since"]


def test_second_pull_of_unchanged_sample_writes_nothing(make_settings):
    settings = make_settings()
    first = pull(settings)["tipdm"]
    assert (first.new, first.failed) == (644, 0)
    db = sqlite3.connect(settings["WENZHENG_STORE"])
    changes_before = db.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
    second = pull(settings)["tipdm"]
    assert (second.new, second.updated, second.unchanged) == (0, 0, 644)
    assert db.execute("SELECT COUNT(*) FROM changes").fetchone()[0] == changes_before


def test_a_new_store_is_at_the_current_version_in_wal_mode(tmp_path):
    path = tmp_path / "db.sqlite3"
    with Store.open(path):
        pass
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_version_1_store_is_migrated_and_keeps_its_data(tmp_path):
    # MIGRATIONS[0] is the released v1 schema (released entries are never edited).
    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + ";PRAGMA user_version=1;")
    seen = T0.isoformat()
    db.execute(
        "INSERT INTO petitions (source, source_id, case_key, title, body, posted, places, extra, fingerprint,"
        " first_seen, last_seen, last_changed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ("tipdm", "2554", "tipdm-2554", "A3区洋湖街道的路灯何时修好", "路灯坏了", at(2019, 4, 24, 9, 0).isoformat(),
         json.dumps(["A3区"], ensure_ascii=False), "{}", "old-recipe", seen, seen, seen))
    db.execute("INSERT INTO replies (petition_id, reply_key, seq, unit, text, time, final, fingerprint,"
               " first_seen, last_changed) VALUES (1, 'r1', 0, 'A3区洋湖街道', '已安排维修', ?, 1, 'x', ?, ?)",
               (at(2019, 5, 9, 9, 49).isoformat(), seen, seen))
    # A row as early versions could leave it: no places, no extra.
    db.execute("INSERT INTO petitions (source, source_id, case_key, title, fingerprint, first_seen, last_seen,"
               " last_changed) VALUES ('tipdm', '1', 'tipdm-1', '老留言', 'x', ?, ?, ?)", (seen, seen, seen))
    db.commit()
    db.close()
    assert SCHEMA_VERSION >= 2

    with Store.open(path) as store:
        migrated = store.petition("tipdm-2554")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = [row[1] for row in db.execute("PRAGMA table_info(petitions)")]
    assert "supplements" in columns
    assert db.execute("SELECT supplements FROM petitions").fetchone()[0] == "[]"
    assert migrated.title == "A3区洋湖街道的路灯何时修好" and migrated.places == ["A3区"]
    assert migrated.posted == at(2019, 4, 24, 9, 0) and migrated.supplements == []
    assert [(r.unit, r.text, r.time) for r in migrated.replies] == [("A3区洋湖街道", "已安排维修", at(2019, 5, 9, 9, 49))]
    with Store.open(path, readonly=True) as store:
        bare = store.petition("tipdm-1")
        assert (bare.places, bare.extra, bare.supplements) == ([], {}, [])
        assert store.outline()[0][1:] == ("tipdm-1", None, [])


def test_a_store_newer_than_the_program_is_refused_in_chinese(tmp_path):
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError) as caught:
        with Store.open(path):
            pass
    assert f"版本 {SCHEMA_VERSION + 1}" in str(caught.value) and "升级" in str(caught.value)
    assert caught.value.path == str(path) and caught.value.hint == "请升级 wenzheng_bridge"


def test_a_petition_that_comes_back_is_recorded_and_no_longer_gone(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            store.upsert(petition(), T0)
            store.upsert(petition(source_id="2"), T0)
        with store.batch():
            assert store.mark_gone("s", ["2"], T0 + timedelta(hours=1)) == 1
        assert store.active_ids("s") == ["2"]
        assert store.mark_gone_one("s", "1", T0 + timedelta(hours=2)) == 0  # already gone: no second record
        with store.batch():
            assert store.upsert(petition(), T0 + timedelta(hours=3)) == "updated"
        assert [h["kind"] for h in store.history("s-1")] == ["new", "gone", "back"]
        assert store.history("s-1")[2]["seen_at"] == (T0 + timedelta(hours=3)).isoformat()
        back = store.petition("s-1")
        assert back.seen["gone_since"] is None
        assert back.seen["last_seen"] == (T0 + timedelta(hours=3)).isoformat()
        assert sorted(store.active_ids("s")) == ["1", "2"]
        assert sorted(p.source_id for p in store.petitions(include_gone=False)) == ["1", "2"]
        with store.batch():
            assert store.upsert(petition(), T0 + timedelta(hours=4)) == "unchanged"
        assert len(store.history("s-1")) == 3


def test_counters_update_in_place_and_a_missing_counter_keeps_the_stored_one(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            store.upsert(petition(views=10, likes=2), T0)
        with store.batch():
            assert store.upsert(petition(views=15, likes=None), T0 + timedelta(hours=1)) == "unchanged"
        stored = store.petition("s-1")
        assert (stored.views, stored.likes) == (15, 2)
        assert [h["kind"] for h in store.history("s-1")] == ["new"]
        assert stored.seen["last_changed"] == T0.isoformat()
