"""The SQLite store: history kept, unchanged pulls write nothing, migrations."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from wenzheng_bridge.pull import pull
from wenzheng_bridge.records import SHANGHAI, Petition, Reply
from wenzheng_bridge.store import SCHEMA_VERSION, Store

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=SHANGHAI)


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


def test_schema_is_versioned_and_migrates_forward(tmp_path):
    path = tmp_path / "db.sqlite3"
    with Store.open(path):
        pass
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
