"""The store's reading and bookkeeping API, each call checked on a small store built here.

Written for the mutants of store.py that no store test reached (bench/RESULTS-mutation.md):
the adapters, the case view and the site use these, but their tests run whole pulls or
builds, which a mutation run cannot afford for every mutant.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from wenzheng_bridge.errors import StoreError
from wenzheng_bridge.records import SHANGHAI, Petition, Reply, Supplement
from wenzheng_bridge.store import Store, store_error

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=SHANGHAI)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def lamp(source_id: str, **changes) -> Petition:
    fields = dict(source="s", source_id=source_id, title=f"路灯坏了 {source_id}", body="小区路灯坏了三个月",
                  posted=at(2019, 4, 24, 9, 0))
    fields.update(changes)
    return Petition(**fields)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as opened:
        with opened.batch():
            opened.upsert(lamp("1", board="A市", type="咨询", places=["魅力之城小区"],
                               replies=[Reply("已转交", at(2019, 4, 28, 10, 0), unit="A3区", final=False),
                                        Reply("已修好", at(2019, 5, 9, 9, 49), unit="A3区")]), T0)
            opened.upsert(lamp("2", board="A市", type="诉求", posted=at(2019, 3, 1, 8, 0),
                               supplements=[Supplement("还是没修", at(2019, 6, 1, 20, 0))]), T0)
            opened.upsert(lamp("3", board="B市", type="诉求", posted=None), T0)
            opened.upsert(lamp("9", source="t", board="", type="建议", posted=at(2018, 1, 1)), T0)
        yield opened


def test_known_title_and_fingerprint_of(store):
    assert store.known("s", "1") and not store.known("s", "404") and not store.known("t", "1")
    assert store.title_of("s", "2") == "路灯坏了 2" and store.title_of("s", "404") is None
    assert store.fingerprint_of("s", "1") == lamp("1", board="A市", type="咨询", places=["魅力之城小区"],
                                                  replies=[Reply("已转交", at(2019, 4, 28, 10, 0), unit="A3区",
                                                                 final=False),
                                                           Reply("已修好", at(2019, 5, 9, 9, 49),
                                                                 unit="A3区")]).fingerprint()
    assert store.fingerprint_of("s", "404") is None
    assert store.count() == 4
    assert sorted(store.case_keys()) == [("s-1", "1"), ("s-2", "2"), ("s-3", "3"), ("t-9", "9")]


def test_activity_is_the_latest_post_reply_or_supplement_of_each_case_not_gone(store):
    with store.batch():
        store.mark_gone_one("s", "3", T0 + timedelta(hours=1))
    assert sorted(store.activity("s")) == [("1", at(2019, 5, 9, 9, 49).isoformat()),
                                           ("2", at(2019, 6, 1, 20, 0).isoformat())]
    assert store.activity("t") == [("9", at(2018, 1, 1).isoformat())]
    with store.batch():
        store.upsert(lamp("4", posted=None), T0)  # nothing dated: no activity to tell
    assert ("4", None) in store.activity("s")
    assert store.activity("nobody") == []


def test_fetch_state_round_trips_json_and_lists_keys_by_prefix(store):
    assert store.get_state("s", "cursor") is None and store.get_state("s", "cursor", 7) == 7
    with store.batch():
        store.set_state("s", "cursor", {"last": "12", "页": [1, 2]}, T0)
        store.set_state("s", "thread:1", "etag-a", T0)
        store.set_state("s", "thread:2", "etag-b", T0)
        store.set_state("t", "thread:3", "etag-c", T0)
        store.set_state("s", "cursor", {"last": "13"}, T0 + timedelta(hours=1))  # replaced, not added
    assert store.get_state("s", "cursor") == {"last": "13"}
    assert store.get_state("t", "cursor") is None
    assert sorted(store.state_keys("s", "thread:")) == ["thread:1", "thread:2"]
    assert store.state_keys("s", "thread:1") == ["thread:1"]
    assert store.state_keys("s", "nothing") == []
    row = store.db.execute("SELECT value, updated_at FROM fetch_state WHERE source='s' AND key='cursor'").fetchone()
    assert row[1] == (T0 + timedelta(hours=1)).isoformat() and '"13"' in row[0]


def test_outline_and_petitions_by_id_follow_the_stream_order(store):
    outline = store.outline()
    # Oldest post first; a petition without a time (NULL) sorts first in SQLite.
    assert [key for _, key, _, _ in outline] == ["s-3", "t-9", "s-2", "s-1"]
    assert outline[3][2] == at(2019, 4, 24, 9, 0) and outline[3][3] == ["魅力之城小区"] and outline[0][2] is None
    assert [p.key for p in store.petitions()] == [key for _, key, _, _ in outline]
    ids = {key: row_id for row_id, key, _, _ in outline}
    picked = store.petitions_by_id([ids["s-1"], ids["t-9"], 9999])
    assert [p.key for p in picked] == ["s-1", "t-9"]  # the order asked for; an unknown id is skipped
    assert [(r.text, r.final) for r in picked[0].replies] == [("已转交", False), ("已修好", True)]
    assert picked[1].replies == [] and picked[1].board == ""


def test_petitions_since_a_change(store):
    with store.batch():
        store.upsert(lamp("2", board="A市", type="诉求", posted=at(2019, 3, 1, 8, 0), title="路灯还是坏的",
                          supplements=[Supplement("还是没修", at(2019, 6, 1, 20, 0))]), T0 + timedelta(days=1))
    assert [p.key for p in store.petitions(since_changed=T0.isoformat())] == ["s-2"]
    assert len(list(store.petitions(since_changed=(T0 - timedelta(days=1)).isoformat()))) == 4


def test_counts_by_a_column_most_first_and_unlabelled_named(store):
    # Ties go by the stored value, and an empty one sorts first.
    assert store.counts_by("board") == [("A市", 2), ("（未标注）", 1), ("B市", 1)]
    assert store.counts_by("type") == [("诉求", 2), ("咨询", 1), ("建议", 1)]
    assert store.counts_by("source") == [("s", 3), ("t", 1)]
    assert store.counts_by("field") == [("（未标注）", 4)] and store.counts_by("department") == [("（未标注）", 4)]
    with pytest.raises(ValueError, match="title; DROP TABLE petitions"):
        store.counts_by("title; DROP TABLE petitions")


def test_field_labels_keep_their_order_and_ignore_repeats(store):
    with store.batch():
        store.set_field_labels([("城乡建设", "", ""), ("环境保护", "噪音", ""), ("城乡建设", "", ""),
                                ("交通运输", "", "")])
    assert store.fields() == ["城乡建设", "环境保护", "交通运输"]


def test_pulls_are_recorded_and_the_last_finished_one_per_source_reported(store):
    first = store.start_pull("s", T0)
    store.finish_pull(first, T0 + timedelta(minutes=1), {"new": 3, "updated": 0, "unchanged": 0, "failed": 1})
    second = store.start_pull("s", T0 + timedelta(hours=1))
    store.finish_pull(second, T0 + timedelta(hours=1, minutes=2), {"new": 0, "updated": 1, "unchanged": 2, "failed": 0})
    store.start_pull("t", T0 + timedelta(hours=2))  # still running: not reported
    assert second == first + 1
    assert store.last_pulls() == {"s": (T0 + timedelta(hours=1, minutes=2)).isoformat()}
    row = store.db.execute("SELECT new, updated, unchanged, failed FROM pulls WHERE id=?", (first,)).fetchone()
    assert tuple(row) == (3, 0, 0, 1)


LOCKED = ("正被另一个程序写入（数据库被锁定）", "等另一个 wenzheng pull、命令或构建结束后再试")
DAMAGED = ("不是有效的 SQLite 数据库文件（或已损坏）", "检查 WENZHENG_STORE 是否指向了别的文件；损坏的库可从备份恢复")
NO_ACCESS = ("无法打开或写入", "检查路径所在文件夹是否存在、是否有读写权限")


@pytest.mark.parametrize("message, expected", [
    ("database is locked", LOCKED),
    ("database table is BUSY", LOCKED),
    ("file is not a database", DAMAGED),
    ("database disk image is malformed", DAMAGED),
    ("file is encrypted or is not a database", DAMAGED),
    ("unable to open database file", NO_ACCESS),
    ("attempt to write a readonly database", NO_ACCESS),
    ("read-only file system", NO_ACCESS),
])
def test_sqlite_failures_become_chinese_errors_naming_the_file_and_what_to_do(message, expected):
    error = store_error(Path("/data/wenzheng.sqlite3"), sqlite3.OperationalError(message))
    assert isinstance(error, StoreError) and (error.problem, error.hint) == expected
    assert str(error) == f"数据库 /data/wenzheng.sqlite3：{expected[0]}（{expected[1]}）"


def test_an_unexpected_sqlite_failure_keeps_its_own_words():
    error = store_error("/data/w.sqlite3", sqlite3.OperationalError("no such table: petitions"))
    assert str(error) == "数据库 /data/w.sqlite3：SQLite 出错：no such table: petitions" and error.hint == ""


def test_opening_a_folder_a_missing_file_or_a_non_database_is_a_chinese_error(tmp_path):
    with pytest.raises(StoreError) as caught, Store.open(tmp_path):
        pass
    assert "文件夹" in str(caught.value)
    with pytest.raises(StoreError) as caught, Store.open(tmp_path / "none.sqlite3", readonly=True):
        pass
    assert "数据库不存在" in str(caught.value) and "wenzheng pull" in str(caught.value)
    assert not (tmp_path / "none.sqlite3").exists()  # a read never creates the file
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("这不是数据库" * 200, encoding="utf-8")
    with pytest.raises(StoreError) as caught, Store.open(junk):
        pass
    assert "不是有效的 SQLite 数据库文件" in str(caught.value)


def test_a_read_only_store_cannot_be_written(store, tmp_path):
    with Store.open(tmp_path / "db.sqlite3", readonly=True) as reader:
        assert reader.count() == 4
        with pytest.raises(sqlite3.OperationalError):
            reader.db.execute("DELETE FROM petitions")


def test_every_field_reads_back_as_stored(tmp_path):
    full = Petition(
        source="forum", source_id="8812", title="魅力之城小区油烟扰民", body="一楼夜宵店油烟直排\n\n请尽快处理",
        posted=at(2019, 7, 21, 22, 5), url="http://127.0.0.1/t/8812", board="A5区", department="A5区环保局",
        type="诉求", field="环境保护", author="A0283523", views=120, reply_count=2, likes=3, dislikes=1,
        state="已回复", places=["魅力之城小区", "劳动东路"], extra={"inferred": {"type": "标题“油烟”"}, "楼层": 1},
        replies=[Reply("已转交", at(2019, 7, 23, 9, 0), unit="A5区环保局", author="问政发言人", final=False,
                       reply_id="p2"),
                 Reply("已查处", None, unit="", author="", final=True, reply_id="p3")],
        supplements=[Supplement("还是有油烟", at(2019, 8, 1, 21, 0)), Supplement("补充照片", None)])
    with Store.open(tmp_path / "nested" / "dir" / "db.sqlite3") as store:  # missing folders are made
        with store.batch():
            store.upsert(full, T0)
        back = store.petition("forum-8812")
        assert back == full  # dataclass equality: every field but the store's own bookkeeping
        assert back.seen == {"first_seen": T0.isoformat(), "last_seen": T0.isoformat(),
                             "last_changed": T0.isoformat(), "gone_since": None}
        assert store.petitions_by_id([store.outline()[0][0]]) == [full]
        assert list(store.petitions()) == [full]


def test_reply_history_names_the_reply_and_a_reply_edit_updates_the_case(tmp_path):
    first = [Reply("已转交", at(2019, 7, 23, 9, 0), unit="A5区环保局"), Reply("已查处", at(2019, 7, 30, 9, 0))]
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            assert store.upsert(lamp("1", replies=first), T0) == "new"
        # Replies of a new case are part of its arrival, not news of their own.
        assert [h["kind"] for h in store.history("s-1")] == ["new"]
        assert [r.text for r in store.petition("s-1").replies] == ["已转交", "已查处"]  # keyed by position
        with store.batch():
            edited = [first[0], Reply("已查处并罚款", at(2019, 7, 30, 9, 0))]
            assert store.upsert(lamp("1", replies=edited), T0 + timedelta(hours=1)) == "updated"
        with store.batch():
            more = [*edited, Reply("已回访", at(2019, 8, 5, 9, 0), reply_id="r9")]
            assert store.upsert(lamp("1", replies=more), T0 + timedelta(hours=2)) == "updated"
        history = store.history("s-1")
        assert [h["kind"] for h in history] == ["new", "reply_edited", "reply_new"]
        assert history[1]["detail"] == {"reply": "1", "text": ["已查处", "已查处并罚款"]}
        assert history[2]["detail"] == {"reply": "r9"}
        assert store.petition("s-1").seen["last_changed"] == T0.isoformat()  # the case's own fields unchanged


def test_a_new_fingerprint_recipe_alone_records_no_edit(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            store.upsert(lamp("1"), T0)
        store.db.execute("UPDATE petitions SET fingerprint='made by an older version'")
        with store.batch():
            assert store.upsert(lamp("1"), T0 + timedelta(hours=1)) == "unchanged"
        assert [h["kind"] for h in store.history("s-1")] == ["new"]
        assert store.petition("s-1").seen["last_changed"] == T0.isoformat()
        assert store.fingerprint_of("s", "1") == lamp("1").fingerprint()


def test_gone_cases_are_listed_unless_left_out(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            store.upsert(lamp("1"), T0)
            store.upsert(lamp("2"), T0)
            store.mark_gone("s", ["1"], T0 + timedelta(hours=1))
        assert sorted(p.source_id for p in store.petitions()) == ["1", "2"]
        assert [p.source_id for p in store.petitions(include_gone=False)] == ["1"]
        later = (T0 + timedelta(minutes=30)).isoformat()
        assert [p.source_id for p in store.petitions(include_gone=False, since_changed=later)] == []
        assert store.history("s-2")[-1] == {"seen_at": (T0 + timedelta(hours=1)).isoformat(), "kind": "gone",
                                            "detail": None}


def test_the_file_keeps_chinese_readable(store):
    """Journalists open the store with any SQLite browser: Chinese is stored as Chinese, not \\u escapes."""
    with store.batch():
        store.upsert(lamp("5", places=["魅力之城小区"], extra={"推断": "类型"},
                          supplements=[Supplement("还是没修", at(2019, 6, 1))]), T0)
        store.upsert(lamp("5", places=["魅力之城小区"], extra={"推断": "类型"}, title="路灯还是坏的",
                          supplements=[Supplement("还是没修", at(2019, 6, 1))]), T0 + timedelta(hours=1))
        store.set_state("s", "游标", {"板块": "城建"}, T0)
    row = store.db.execute("SELECT places, extra, supplements FROM petitions WHERE source_id='5'").fetchone()
    assert tuple(row) == ('["魅力之城小区"]', '{"推断": "类型"}', f'[{{"text": "还是没修", "time": "{at(2019, 6, 1).isoformat()}"}}]')
    detail = store.db.execute("SELECT detail FROM changes WHERE kind='edited'").fetchone()[0]
    assert "路灯还是坏的" in detail
    assert store.db.execute("SELECT value FROM fetch_state WHERE key='游标'").fetchone()[0] == '{"板块": "城建"}'
