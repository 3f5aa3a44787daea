"""Bugs that once survived planted in the core (issue 20): each test here fails on one of them.

- a platform 办结 state beating the newsroom's reopening (caseview/status.py);
- a ``published`` follow-up no longer making 已见报;
- a naive Excel datetime read in the machine's zone instead of Asia/Shanghai (sources/common.py);
- the store no longer recording a "back" change, or not clearing ``gone_since`` (store.py).
(The migration from a real v1 store is in test_store.py.)
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import openpyxl
import pytest

from wenzheng_bridge.caseview.status import decide
from wenzheng_bridge.records import SHANGHAI, ArticleRef, FollowUp, Petition, Reply
from wenzheng_bridge.sources.common import parse_datetime, read_time
from wenzheng_bridge.store import Store

from conftest import SAMPLE

KEY = "tipdm-2554"
NOW = datetime(2020, 2, 1, 12, 0, tzinfo=SHANGHAI)
DUE = datetime(2019, 4, 30, 23, 59, 59, tzinfo=SHANGHAI)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def closed_petition(**changes) -> Petition:
    # Shaped like the sample's 2554 (a 咨询 to A3区 answered by 洋湖街道), with the platform state 办结.
    fields = dict(source="tipdm", source_id="2554", title="A3区洋湖街道的路灯何时修好", posted=at(2019, 4, 24, 9, 0),
                  state="已办结", board="A市",
                  replies=[Reply(text="已安排维修", time=at(2019, 5, 9, 9, 49), unit="A3区洋湖街道")])
    fields.update(changes)
    return Petition(**fields)


def follow(kind: str, *day) -> FollowUp:
    return FollowUp(case=KEY, kind=kind, date=at(*day), who="张晓", origin=f"content/newsroom/{KEY}.txt:1")


# -- status precedence ---------------------------------------------------

def test_platform_closed_state_resolves_a_case_without_newsroom_word():
    verdict = decide(closed_petition(), [], [], DUE, NOW)
    assert verdict.status == "已解决"
    assert verdict.evidence == "平台状态为“已办结”"
    assert verdict.resolved_at == at(2019, 5, 9, 9, 49)  # the last final reply: the platform shows no date


def test_newsroom_reopening_beats_the_platform_closed_state():
    followups = [follow("resolved", 2019, 5, 10), follow("reopened", 2019, 6, 2)]
    verdict = decide(closed_petition(), followups, [], DUE, NOW)
    assert verdict.status == "跟进中"
    assert verdict.evidence.startswith("2019-06-02 ")
    assert verdict.resolved_at is None


def test_reopening_alone_also_beats_the_platform_closed_state():
    verdict = decide(closed_petition(), [follow("reopened", 2019, 6, 2)], [], DUE, NOW)
    assert verdict.status == "跟进中"


def test_a_later_newsroom_resolution_after_reopening_closes_again():
    followups = [follow("reopened", 2019, 6, 2), follow("unresolved", 2019, 6, 20)]
    # Given out of order: the decision goes by date, not by list order.
    verdict = decide(closed_petition(), list(reversed(followups)), [], DUE, NOW)
    assert verdict.status == "未解决" and verdict.resolved_at is None
    assert verdict.evidence.startswith("2019-06-20 ")


def test_published_followup_makes_the_case_seen_in_print():
    open_petition = closed_petition(state="", replies=[])
    followups = [follow("claimed", 2019, 5, 1), follow("published", 2019, 5, 20), follow("visited", 2019, 5, 25)]
    verdict = decide(open_petition, followups, [], DUE, NOW)
    assert verdict.status == "已见报"
    assert verdict.evidence.startswith("2019-05-20 ")


def test_only_published_articles_count_not_drafts():
    open_petition = closed_petition(state="", replies=[])
    draft = ArticleRef(title="路灯何时亮", url="/drafts/1", date=at(2019, 5, 20), status="draft")
    assert decide(open_petition, [], [draft], DUE, NOW).status == "逾期未复"
    printed = ArticleRef(title="路灯何时亮", url="https://news.example/1", date=at(2019, 5, 21))
    older = ArticleRef(title="路灯仍未亮", url="https://news.example/0", date=at(2019, 5, 2))
    verdict = decide(open_petition, [], [older, draft, printed], DUE, NOW)
    assert verdict.status == "已见报" and "《路灯何时亮》" in verdict.evidence


def test_overdue_only_strictly_after_the_deadline():
    open_petition = closed_petition(state="", replies=[])
    assert decide(open_petition, [], [], DUE, DUE).status == "待回复"
    assert decide(open_petition, [], [], DUE, DUE + timedelta(seconds=1)).status == "逾期未复"
    assert decide(open_petition, [], [], None, NOW).status == "待回复"


# -- Excel datetimes are Shanghai time whatever the machine's zone ---------

@pytest.fixture(params=["UTC", "America/New_York", "Asia/Shanghai"])
def machine_zone(request, monkeypatch):
    # In-process (time.tzset) rather than a subprocess, so a mutation tool running this test
    # in its own process sees the mutated code too.
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_naive_excel_datetime_is_read_as_shanghai_time(machine_zone):
    # The first 留言时间 cell of the real sheet, as openpyxl hands it over: a naive datetime.
    sheet = openpyxl.load_workbook(SAMPLE / "fj3_sample30_likes.xlsx", read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    cell = next(rows)[header.index("留言时间")]
    assert isinstance(cell, datetime) and cell.tzinfo is None
    moment, date_only = read_time(cell)
    assert moment.utcoffset() == timedelta(hours=8)
    assert moment.replace(tzinfo=None) == cell  # same wall-clock reading, hour included
    assert moment.astimezone(timezone.utc) == cell.replace(tzinfo=timezone.utc) - timedelta(hours=8)
    assert date_only is (cell.time() == datetime.min.time())


def test_text_and_serial_dates_are_shanghai_time(machine_zone):
    assert parse_datetime("2019/2/28 11:25:05") == at(2019, 2, 28, 11, 25, 5)
    assert parse_datetime(datetime(2019, 2, 28, 11, 25, 5)).hour == 11
    # 43524 is Excel's serial for 2019-02-28 (days since 1899-12-30); .5 is noon.
    assert read_time(43524.5) == (at(2019, 2, 28, 12, 0), False)
    assert read_time(date(2019, 2, 28)) == (at(2019, 2, 28), True)


# -- the store: gone and back --------------------------------------------

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=SHANGHAI)


def lamp(**changes) -> Petition:
    fields = dict(source="s", source_id="1", title="路灯坏了", body="小区路灯坏了三个月", posted=T0 - timedelta(days=3))
    fields.update(changes)
    return Petition(**fields)


def test_a_petition_that_comes_back_is_recorded_and_no_longer_gone(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            store.upsert(lamp(), T0)
            store.upsert(lamp(source_id="2"), T0)
        with store.batch():
            assert store.mark_gone("s", ["2"], T0 + timedelta(hours=1)) == 1
        assert store.active_ids("s") == ["2"]
        assert store.mark_gone_one("s", "1", T0 + timedelta(hours=2)) == 0  # already gone: no second record
        with store.batch():
            assert store.upsert(lamp(), T0 + timedelta(hours=3)) == "updated"
        assert [h["kind"] for h in store.history("s-1")] == ["new", "gone", "back"]
        assert store.history("s-1")[2]["seen_at"] == (T0 + timedelta(hours=3)).isoformat()
        back = store.petition("s-1")
        assert back.seen["gone_since"] is None
        assert back.seen["last_seen"] == (T0 + timedelta(hours=3)).isoformat()
        assert sorted(store.active_ids("s")) == ["1", "2"]
        assert sorted(p.source_id for p in store.petitions(include_gone=False)) == ["1", "2"]
        with store.batch():
            assert store.upsert(lamp(), T0 + timedelta(hours=4)) == "unchanged"
        assert len(store.history("s-1")) == 3


def test_counters_update_in_place_and_a_missing_counter_keeps_the_stored_one(tmp_path):
    with Store.open(tmp_path / "db.sqlite3") as store:
        with store.batch():
            store.upsert(lamp(views=10, likes=2), T0)
        with store.batch():
            assert store.upsert(lamp(views=15, likes=None), T0 + timedelta(hours=1)) == "unchanged"
        stored = store.petition("s-1")
        assert (stored.views, stored.likes) == (15, 2)
        assert [h["kind"] for h in store.history("s-1")] == ["new"]
        assert stored.seen["last_changed"] == T0.isoformat()
