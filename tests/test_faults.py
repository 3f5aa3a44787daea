"""Faults of issue 6 survived: each ends in a clear error for that item, the rest imported,
nothing stored lost, and the next run picks up what failed (real server, real store)."""
from __future__ import annotations

import sqlite3

import pytest

from webfixtures import FixtureServer, ForumData, sample_petitions
from webfixtures.helpers import FAST, SPOKES, pull_once, stored_ids
from wenzheng_bridge.store import Store

COUNTY, OTHER = 40, 7  # G5县 (15 threads), A5区 (18 threads)
REAL = {p.source_id: p for p in sample_petitions()}


def forum(server, name, fid):
    return {"name": name, "kind": "forum", "url": server.base, "fids": [fid], "spokespersons": SPOKES,
            "recheck_max": 0, **FAST}  # the list walk alone: rechecks are tested in test_source_forum.py


def snapshot(settings) -> set[tuple]:
    db = sqlite3.connect(settings["WENZHENG_STORE"])
    try:
        return set(db.execute("SELECT case_key, fingerprint, first_seen FROM petitions"))
    finally:
        db.close()


THREAD_FAULTS = {
    "connection reset": (dict(kind="reset"), "连接中断"),
    "500 storm": (dict(kind="status", status=500), "HTTP 500"),
    "502 storm": (dict(kind="status", status=502), "HTTP 502"),
    "503 storm with Retry-After": (dict(kind="status", status=503, retry_after="0"), "HTTP 503"),
    "slow past the timeout": (dict(kind="slow", seconds=2.5), "超时"),
    "truncated body (Content-Length)": (dict(kind="truncate"), "不完整"),
    "truncated body (connection close)": (dict(kind="truncate_close"), "截断"),
    "redirect loop": (dict(kind="redirect_loop"), "重定向"),
}


@pytest.mark.parametrize("fault", THREAD_FAULTS, ids=list(THREAD_FAULTS))
def test_thread_page_fault_is_one_clear_error_and_the_next_run_resumes(fault, make_settings):
    options, words = THREAD_FAULTS[fault]
    data = ForumData.from_sample()
    bad = data.board_threads(COUNTY)[2].tid
    with FixtureServer(data) as server:
        settings = make_settings([forum(server, "before", OTHER), forum(server, "forum", COUNTY)])
        assert pull_once(settings, "before", server.now).new == 18
        kept = snapshot(settings)
        server.fail(f"tid={bad}&", options.pop("kind"), **options)
        tally = pull_once(settings, "forum", server.now)
        assert (tally.new, tally.failed) == (14, 1), tally.errors
        message = tally.errors[0]
        assert "来源 forum" in message and f"帖子 {bad}" in message and words in message, message
        assert kept <= snapshot(settings)  # nothing stored before is lost or changed
        server.heal()
        server.clear_log()
        again = pull_once(settings, "forum", server.now)
        opened = [r.query["tid"] for r in server.requests() if r.query.get("mod") == "viewthread"]
    assert (again.new, again.failed) == (1, 0) and opened == [str(bad)]
    assert len(stored_ids(settings, "forum")) == 15


def test_a_lying_charset_header_is_survived_without_error(make_settings):
    with FixtureServer(ForumData.from_sample(), charset="gbk") as server:
        server.fail("viewthread", "wrong_charset")
        settings = make_settings([forum(server, "forum", COUNTY)])
        tally = pull_once(settings, "forum", server.now)
    assert tally.new == 15 and tally.failed == 0
    with Store.open(settings["WENZHENG_STORE"]) as store:
        assert all(p.body == REAL[p.source_id].body for p in store.petitions())


@pytest.mark.parametrize("kind", ["invalid_xml", "truncate_close"])
def test_broken_feed_is_a_clear_error_and_the_next_run_reads_it_whole(kind, make_settings):
    with FixtureServer(ForumData.from_sample()) as server:
        settings = make_settings([{"name": "rss", "kind": "feed", "url": server.rss_url(COUNTY),
                                   "full_text": "never", **FAST}])
        server.fail("mod=rss", kind, times=1)
        tally = pull_once(settings, "rss", server.now)
        assert tally.failed >= 1 and "来源 rss" in tally.errors[-1] and server.rss_url(COUNTY) in tally.errors[-1]
        assert "XML" in tally.errors[-1]
        kept = snapshot(settings)
        again = pull_once(settings, "rss", server.now)
    assert again.failed == 0 and kept <= snapshot(settings) and len(stored_ids(settings, "rss")) == 15


def test_connection_refused_fails_the_source_keeps_the_store_and_resumes(make_settings):
    with FixtureServer(ForumData.from_sample()) as first:
        port = int(first.base.rsplit(":", 1)[1].strip("/"))
        settings = make_settings([forum(first, "forum", COUNTY)])
        assert pull_once(settings, "forum", first.now).new == 15
    kept = snapshot(settings)
    first.data.add_reply(first.data.board_threads(COUNTY)[0].tid, "问政发言人", first.now, "已转交相关部门办理。")
    down = pull_once(settings, "forum", first.now)  # nothing listens on the port now
    assert down.failed == 1 and "无法连接" in down.errors[0] and "来源 forum" in down.errors[0]
    assert snapshot(settings) == kept
    with FixtureServer(first.data, port=port) as back:
        resumed = pull_once(settings, "forum", back.now)
    assert resumed.updated == 1 and resumed.failed == 0 and len(stored_ids(settings, "forum")) == 15
