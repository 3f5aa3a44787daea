"""The feed source (RSS 2.0 / Atom) end to end against the fixture site's real-sample feeds."""
from __future__ import annotations

from datetime import timedelta

import pytest

from webfixtures import FixtureServer, ForumData, sample_petitions
from webfixtures.helpers import FAST, SPOKES, changes, pull_once, stored_ids
from webfixtures.render import FEED_ITEMS
from wenzheng_bridge.records import SourceError
from wenzheng_bridge.sources.feed import parse_feed
from wenzheng_bridge.store import Store

CITY, COUNTY = 2, 40
REAL = {p.source_id: p for p in sample_petitions()}


def rss(server, fid=CITY, **extra):
    """A Discuz! RSS source; rechecks off unless asked for, so a test sees the feed walk alone."""
    return {"name": "rss", "kind": "feed", "url": server.rss_url(fid), "spokespersons": SPOKES, "recheck_max": 0,
            **FAST, **extra}


def atom(server, fid=CITY, **extra):
    return {"name": "atom", "kind": "feed", "url": f"{server.base}atom.xml?fid={fid}", **FAST, **extra}


@pytest.fixture
def server():
    with FixtureServer(ForumData.from_sample()) as running:
        yield running


def newest(server, fid=CITY):
    threads = [t for t in server.data.threads.values() if t.fid == fid]
    return sorted(threads, key=lambda t: (t.first.time, t.tid), reverse=True)[:FEED_ITEMS]


def test_discuz_rss_opens_every_new_item_so_short_petitions_get_their_replies_too(server, make_settings):
    settings = make_settings([rss(server)])
    tally = pull_once(settings, "rss", server.now)
    items = newest(server)
    opened = [int(r.query["tid"]) for r in server.requests() if r.query.get("mod") == "viewthread"]
    assert tally.new == FEED_ITEMS and tally.failed == 0
    assert sorted(opened) == sorted(t.tid for t in items)  # each once, whether its description was cut or not
    short_answered = [t for t in items if t.replies and len(t.first.text.encode("utf-8")) <= 250]
    assert {41481, 41496, 39494} <= {t.tid for t in short_answered}  # the ones a cut-only rule missed
    with Store.open(settings["WENZHENG_STORE"]) as store:
        for t in items:
            p = store.petition(f"rss-{t.tid}")
            real = REAL[str(t.tid)]
            assert p.title == real.title and p.body == real.body  # full text, also where the feed cut it
            assert p.posted == real.posted  # pubDate is GMT; the store keeps Asia/Shanghai
            assert p.board == "A市" and p.author == real.author
            assert [r.text for r in p.replies] == [r.text for r in real.replies]
            assert [r.time for r in p.replies] == [r.time for r in real.replies]


def test_second_unchanged_pull_is_one_conditional_request_and_writes_nothing(server, make_settings):
    settings = make_settings([rss(server), atom(server)])
    for name in ("rss", "atom"):
        pull_once(settings, name, server.now)
    before = changes(settings)
    server.clear_log()
    for name in ("rss", "atom"):
        tally = pull_once(settings, name, server.now + timedelta(hours=1))
        assert tally.new == tally.updated == tally.failed == 0
    feeds = [r for r in server.requests() if r.path != "/robots.txt"]
    assert len(feeds) == 2 and all(r.conditional and r.status == 304 for r in feeds)
    assert changes(settings) == before


def test_atom_feed_carries_full_text_without_opening_pages(server, make_settings):
    settings = make_settings([atom(server, COUNTY)])
    tally = pull_once(settings, "atom", server.now)
    assert tally.new == 15 and not server.requests("viewthread")
    with Store.open(settings["WENZHENG_STORE"]) as store:
        for p in store.petitions():
            real = REAL[p.source_id]
            assert (p.title, p.body, p.posted, p.board) == (real.title, real.body, real.posted, "G5县")
            assert p.url.endswith(f"/cases/{p.source_id}.html")


def test_empty_answer_after_cache_expiry_marks_nothing_gone_and_is_not_kept(server, make_settings):
    settings = make_settings([rss(server)])
    pull_once(settings, "rss", server.now)
    server.fail("mod=rss", "empty_feed", times=1)
    empty = pull_once(settings, "rss", server.now + timedelta(minutes=31))
    assert empty.gone == 0 and empty.new == 0 and empty.failed == 0
    with Store.open(settings["WENZHENG_STORE"]) as store:
        assert all(p.seen["gone_since"] is None for p in store.petitions())
    # A new thread arrives; the empty answer's validators were not kept, so it is seen.
    tid = 999001
    data = server.data
    template = newest(server)[0]
    data.threads[tid] = type(template)(tid=tid, fid=CITY, subject="A市某小区门口路灯不亮",
                                      posts=[type(template.first)(tid * 100, "A0099", server.now, "路灯坏了一个月。")])
    server.clear_log()
    later = pull_once(settings, "rss", server.now + timedelta(hours=1))
    assert later.new == 1 and "rss-999001" in {f"rss-{i}" for i in stored_ids(settings, "rss")}
    assert [r.status for r in server.requests("mod=rss")] == [200]


def test_invalid_xml_names_the_feed_and_keeps_what_was_readable(server, make_settings):
    settings = make_settings([rss(server, full_text="never")])
    server.fail("mod=rss", "invalid_xml", times=1)
    tally = pull_once(settings, "rss", server.now)
    assert tally.failed >= 1
    message = tally.errors[-1]
    assert "rss" in message and server.rss_url(CITY) in message and "XML" in message
    kept = len(stored_ids(settings, "rss"))
    assert 0 < kept <= FEED_ITEMS
    again = pull_once(settings, "rss", server.now)  # not remembered: the next run reads it whole
    assert again.failed == 0 and len(stored_ids(settings, "rss")) == FEED_ITEMS


def test_thread_page_failure_is_an_error_for_that_item_only(server, make_settings):
    settings = make_settings([rss(server)])
    cut = next(t for t in newest(server) if len(t.first.text.encode("utf-8")) > 250)
    server.fail(f"tid={cut.tid}&", "status", status=500)
    tally = pull_once(settings, "rss", server.now)
    assert tally.failed == 1 and tally.new == FEED_ITEMS - 1
    assert f"tid={cut.tid}" in tally.errors[0] and "HTTP 500" in tally.errors[0] and "rss" in tally.errors[0]
    server.heal()
    again = pull_once(settings, "rss", server.now)
    assert again.new == 1 and again.failed == 0


def test_not_a_feed_is_a_source_error():
    with pytest.raises(SourceError) as caught:
        parse_feed("<html><body>系统维护中</body></html>", "rss", "http://127.0.0.1/feed")
    assert "rss" in str(caught.value) and "http://127.0.0.1/feed" in str(caught.value)


def test_gbk_feed_with_charset_only_in_the_declaration(server):
    text = server.data.threads[newest(server)[0].tid].subject
    xml = ('<?xml version="1.0" encoding="gbk"?><rss version="2.0"><channel><title>问政</title>'
           f"<item><title>{text}</title><link>http://x/forum.php?mod=viewthread&amp;tid=5</link></item>"
           "</channel></rss>")
    from wenzheng_bridge.fetching import Page

    page = Page("http://x/rss", "http://x/rss", 200, xml.encode("gbk"), {"content-type": "application/xml"})
    assert parse_feed(page.text).entries[0].title == text


def test_gbk_forum_rss_end_to_end(make_settings):
    with FixtureServer(ForumData.from_sample(), charset="gbk") as gbk:
        settings = make_settings([rss(gbk, COUNTY)])
        tally = pull_once(settings, "rss", gbk.now)
        feed = gbk.requests("mod=rss")[0]
    assert tally.new == 15 and tally.failed == 0 and feed.status == 200
    with Store.open(settings["WENZHENG_STORE"]) as store:
        for p in store.petitions():
            real = REAL[p.source_id]
            assert (p.title, p.body, p.author, p.board) == (real.title, real.body, real.author, "G5县")


def test_a_later_reply_to_a_listed_thread_arrives_although_the_feed_is_unchanged(server, make_settings):
    settings = make_settings([rss(server, recheck_max=300)])
    pull_once(settings, "rss", server.now)
    when = server.now + timedelta(hours=1)
    server.data.add_reply(37, "问政发言人", when, "网友您好：您反映的问题已转交属地街道办理。")
    server.clear_log()
    tally = pull_once(settings, "rss", when + timedelta(hours=1))
    feed = server.requests("mod=rss")
    opened = {int(r.query["tid"]) for r in server.requests("viewthread")}
    assert [r.status for r in feed] == [304]  # the feed says nothing: RSS never shows a reply
    # recheck policy: the three listed threads active in the last 7 days (37: 5 days, 41481 and 41496:
    # 3 days; 39494's reply is 8 days old), plus ceil(17 / 30) = 1 older one in thread-id order (the
    # rotation starts at the smallest id, 379).
    assert opened == {37, 41481, 41496, 379} and tally.updated == 1 and tally.failed == 0
    with Store.open(settings["WENZHENG_STORE"]) as store:
        reply = store.petition("rss-37").replies[0]
        kinds = [h["kind"] for h in store.history("rss-37")]
    assert reply.text == "网友您好：您反映的问题已转交属地街道办理。" and reply.time == when
    assert kinds == ["new", "reply_new"]


def test_a_thread_pulled_by_feed_and_by_forum_pages_is_one_case(server, make_settings):
    forum = {"name": "wz", "kind": "forum", "url": server.base, "fids": [COUNTY], "spokespersons": SPOKES,
             "recheck_max": 0, **FAST}
    settings = make_settings([forum, rss(server, COUNTY)])
    first = pull_once(settings, "rss", server.now)
    second = pull_once(settings, "wz", server.now + timedelta(hours=1))
    assert first.new == 15 and second.new == 0 and second.failed == 0
    assert stored_ids(settings, "rss") == set()  # stored as the forum's cases: one key per thread
    assert len(stored_ids(settings, "wz")) == 15
    with Store.open(settings["WENZHENG_STORE"]) as store:
        p = store.petition("wz-175790")
        history = store.history("wz-175790")
    real = REAL["175790"]
    assert (p.title, p.body, p.board, p.url) == (real.title, real.body, "G5县",
                                                 f"{server.base}forum.php?mod=viewthread&tid=175790")
    assert [r.text for r in p.replies] == [r.text for r in real.replies]
    assert [h["kind"] for h in history] == ["new"]  # the forum pull found nothing to change


def test_rewritten_discuz_links_are_the_same_threads(server, make_settings):
    # Discuz! with URL rewriting lists thread-<tid>-1-1.html; the thread is read at its canonical address.
    import re

    settings = make_settings([rss(server, COUNTY)])
    original = server.route

    def rewritten(path, q, active):
        status, ctype, body, modified = original(path, q, active)
        if q.get("mod") == "rss":
            body = re.sub(rb"forum\.php\?mod=viewthread&amp;tid=(\d+)", rb"thread-\1-1-1.html", body)
        return status, ctype, body, modified

    server.route = rewritten
    tally = pull_once(settings, "rss", server.now)
    assert tally.new == 15 and tally.failed == 0
    assert stored_ids(settings, "rss") == {str(t.tid) for t in newest(server, COUNTY)}
    with Store.open(settings["WENZHENG_STORE"]) as store:
        p = store.petition("rss-175790")
    assert p.url == f"{server.base}forum.php?mod=viewthread&tid=175790" and p.body == REAL["175790"].body
