"""The Discuz! forum source end to end against the local fixture forum built from the real sample."""
from __future__ import annotations

from datetime import datetime, timedelta
from html import unescape

import pytest

from webfixtures import FixtureServer, ForumData, sample_petitions
from webfixtures.helpers import FAST, SPOKES, changes, count, pull_once, stored_ids
from wenzheng_bridge.records import SHANGHAI, SourceError
from wenzheng_bridge.sources.forum import discuz_time, parse_board_page, parse_thread
from wenzheng_bridge.store import Store

CITY, COUNTY = 2, 40  # A市 (319 threads, 16 list pages), G5县 (15 threads, 10 answered)
REAL = {p.source_id: p for p in sample_petitions()}


def forum(server, fids, **extra):
    """A forum source; rechecks off unless asked for, so a test sees the list walk alone."""
    return {"name": "forum", "kind": "forum", "url": server.base, "fids": fids, "spokespersons": SPOKES,
            "recheck_max": 0, **FAST, **extra}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """One full pull of the A市 board (and a second, unchanged one), shared by the tests below."""
    from wenzheng_bridge.settings import wenzheng_settings

    folder = tmp_path_factory.mktemp("forum")
    with FixtureServer(ForumData.from_sample()) as server:
        raw = {"WENZHENG_BASE": str(folder), "WENZHENG_STORE": str(folder / "s.sqlite3"),
               "WENZHENG_SOURCES": [forum(server, [CITY])]}
        settings = {**raw, **wenzheng_settings(raw)}
        first = pull_once(settings, "forum", server.now)
        first_log = server.requests()
        after_first = changes(settings)
        server.clear_log()
        second = pull_once(settings, "forum", server.now + timedelta(hours=1))
        yield {"server": server, "settings": settings, "first": first, "first_log": first_log,
               "after_first": after_first, "second": second, "second_log": server.requests()}


def test_every_thread_of_the_board_is_imported_with_real_text(city):
    assert city["first"].new == 319 and city["first"].failed == 0
    with Store.open(city["settings"]["WENZHENG_STORE"]) as store:
        p = store.petition("forum-41496")
    real = REAL["41496"]
    assert p.title == real.title == "请问C市摩托车年检地址在哪"
    assert p.body == real.body and p.author == real.author
    assert p.posted == datetime(2019, 12, 13, 10, 51, 4, tzinfo=SHANGHAI)
    assert p.board == "A市" and p.type == "咨询"
    assert len(p.replies) == 1
    reply = p.replies[0]
    assert reply.text == real.replies[0].text and reply.unit == "A市网络发言人办公室"
    assert reply.time == real.replies[0].time  # given as "3 天前" with the exact time in the span title


def test_first_pull_walks_16_list_pages_and_opens_each_thread_once(city):
    lists = [r for r in city["first_log"] if r.query.get("mod") == "forumdisplay"]
    threads = [r for r in city["first_log"] if r.query.get("mod") == "viewthread"]
    assert sorted(int(r.query["page"]) for r in lists) == list(range(1, 17))
    assert len(threads) == 319 == len({r.query["tid"] for r in threads})
    assert all(r.headers["user-agent"].startswith("wenzheng-bridge") for r in city["first_log"])


def test_second_unchanged_pull_sends_only_conditional_list_requests_and_writes_nothing(city):
    assert city["second"].new == city["second"].updated == city["second"].failed == 0
    pages = [r for r in city["second_log"] if r.path == "/forum.php"]
    assert pages and all(r.query["mod"] == "forumdisplay" and r.conditional for r in pages)
    assert len(pages) == 1  # the board was walked once: an unchanged first page ends the pull
    assert changes(city["settings"]) == city["after_first"]


def test_third_pull_gets_a_304_once_our_own_views_are_counted(city):
    # The first pull's thread views changed every list page; the second kept the new validators.
    server = city["server"]
    server.clear_log()
    tally = pull_once(city["settings"], "forum", server.now + timedelta(hours=2))
    pages = [r for r in server.requests() if r.path == "/forum.php"]
    assert [r.status for r in pages] == [304] and tally.new == tally.updated == 0
    assert changes(city["settings"]) == city["after_first"]


def test_a_new_spokesperson_reply_opens_only_that_thread(city):
    server, settings = city["server"], city["settings"]
    tid = 37
    when = server.now + timedelta(hours=2)
    server.data.add_reply(tid, "问政发言人", when, "网友您好：已转交A市住房和城乡建设局核查处理。")
    server.now = when + timedelta(minutes=30)
    server.clear_log()
    tally = pull_once(settings, "forum", server.now)
    opened = [r.query["tid"] for r in server.requests() if r.query.get("mod") == "viewthread"]
    assert opened == [str(tid)] and tally.updated == 1 and tally.new == 0
    with Store.open(settings["WENZHENG_STORE"]) as store:
        kinds = [h["kind"] for h in store.history(f"forum-{tid}")]
        assert "reply_new" in kinds
        assert store.petition(f"forum-{tid}").replies[-1].time == when.replace(second=when.second)


def test_relative_dates_resolve_against_the_fetch_time_and_prefer_the_title():
    now = datetime(2020, 1, 9, 14, 0, 5, tzinfo=SHANGHAI)
    assert discuz_time(unescape("3&nbsp;小时前"), "", now) == now - timedelta(hours=3)
    assert discuz_time(unescape("昨天&nbsp;10:20"), "", now) == datetime(2020, 1, 8, 10, 20, tzinfo=SHANGHAI)
    assert discuz_time("前天 08:05", "", now) == datetime(2020, 1, 7, 8, 5, tzinfo=SHANGHAI)
    assert discuz_time(unescape("5&nbsp;天前"), "", now).date() == datetime(2020, 1, 4).date()
    assert discuz_time("5 天前", "2020-1-4 09:32:09", now) == datetime(2020, 1, 4, 9, 32, 9, tzinfo=SHANGHAI)
    assert discuz_time("发表于 2019-4-25 09:32:09", "", now) == datetime(2019, 4, 25, 9, 32, 9, tzinfo=SHANGHAI)
    assert discuz_time("2019-12-19", "", now) == datetime(2019, 12, 19, tzinfo=SHANGHAI)
    with pytest.raises(ValueError):
        discuz_time("很久以前", "", now)


def test_list_rows_without_titles_resolve_relative_dates(tmp_path, make_settings):
    data = ForumData.from_sample()
    with FixtureServer(data, titles=False) as server:
        import httpx

        html = httpx.get(server.board_url(CITY)).text
        assert "小时前" in html or "天前" in html
        page = parse_board_page(html, server.now)
    kinds = set()
    for row in page.rows:
        true = data.threads[int(row.tid)].last.time
        days = (server.now.date() - true.date()).days
        if days == 0:  # "N 小时前": right to the hour
            assert abs(row.last_post - true) < timedelta(hours=1)
        elif days in (1, 2) or days >= 7:  # "昨天 HH:MM", "前天 HH:MM" or the plain date and time
            assert row.last_post == true.replace(second=0)
        else:  # "N 天前": the day
            assert row.last_post.date() == true.date()
        kinds.add(min(days, 7))
    assert len(kinds) >= 3, kinds


def test_sticky_thread_is_flagged_on_the_list_and_not_imported(tmp_path, make_settings):
    data = ForumData.from_sample()
    oldest = data.board_threads(COUNTY)[-1]
    oldest.sticky = True
    with FixtureServer(data) as server:
        settings = make_settings([forum(server, [COUNTY])])
        import httpx

        page = parse_board_page(httpx.get(server.board_url(COUNTY)).text, server.now)
        assert page.rows[0].sticky and page.rows[0].tid == str(oldest.tid)
        tally = pull_once(settings, "forum", server.now)
        opened = {r.query["tid"] for r in server.requests("viewthread")}
    assert tally.new == 14 and str(oldest.tid) not in opened
    assert count(settings, "SELECT COUNT(*) FROM petitions WHERE source_id=?", str(oldest.tid)) == 0


def test_paging_stops_when_a_page_repeats_without_a_page_count(tmp_path, make_settings):
    with FixtureServer(ForumData.from_sample(), show_total=False, per_page=4) as server:
        settings = make_settings([forum(server, [COUNTY])])
        tally = pull_once(settings, "forum", server.now)
        pages = [int(r.query["page"]) for r in server.requests() if r.query.get("mod") == "forumdisplay"]
    assert tally.new == 15
    assert pages == [1, 2, 3, 4, 5]  # page 5 came back as page 1: the walk stopped there


def test_gbk_pages_read_exactly(tmp_path, make_settings):
    with FixtureServer(ForumData.from_sample(), charset="gbk") as server:
        settings = make_settings([forum(server, [COUNTY])])
        tally = pull_once(settings, "forum", server.now)
        first = server.requests("viewthread")[0]
    assert tally.new == 15 and tally.failed == 0
    with Store.open(settings["WENZHENG_STORE"]) as store:
        for p in store.petitions():
            real = REAL[p.source_id]
            assert (p.title, p.body) == (real.title, real.body)
            assert [r.text for r in p.replies] == [r.text for r in real.replies]
    assert first.status == 200


def test_malformed_thread_page_names_source_item_and_field_and_the_rest_imports(tmp_path, make_settings):
    data = ForumData.from_sample()
    bad = data.board_threads(COUNTY)[3].tid
    with FixtureServer(data) as server:
        server.fail(f"tid={bad}&", "replace", old="发表于 ", new="发表于 去年夏天")
        settings = make_settings([forum(server, [COUNTY])])
        tally = pull_once(settings, "forum", server.now)
        assert tally.new == 14 and tally.failed == 1
        message = tally.errors[0]
        assert "forum" in message and f"帖子 {bad}" in message and "authorposton" in message and "去年夏天" in message
        server.heal()
        server.clear_log()
        again = pull_once(settings, "forum", server.now)
        opened = [r.query["tid"] for r in server.requests() if r.query.get("mod") == "viewthread"]
    assert again.new == 1 and again.failed == 0 and opened == [str(bad)]
    assert len(stored_ids(settings, "forum")) == 15


def test_thread_page_without_posts_is_a_clear_error():
    with pytest.raises(SourceError) as caught:
        parse_thread("<html><body><span id='thread_subject'>标题</span></body></html>",
                     datetime.now(SHANGHAI), "forum", "帖子 7")
    message = str(caught.value)
    assert "forum" in message and "帖子 7" in message and "postmessage" in message
    with pytest.raises(SourceError) as caught:
        parse_thread("<html><body><span id='thread_subject'>标题</span>", datetime.now(SHANGHAI), "forum", "帖子 8")
    assert "帖子 8" in str(caught.value) and "截断" in str(caught.value)
    with pytest.raises(SourceError) as caught:
        parse_board_page("<html><body>维护中</body></html>", datetime.now(SHANGHAI), "forum", "版块 2 第 1 页")
    assert "版块 2 第 1 页" in str(caught.value) and "threadlisttableid" in str(caught.value)


def test_a_reply_on_the_second_page_of_a_long_thread_is_read(make_settings):
    data = ForumData.from_sample()
    thread = next(t for t in data.board_threads(COUNTY) if t.replies)
    answers = thread.replies
    start = thread.last.time
    for n in range(11):  # residents pile on: the spokesperson's answer lands on page 2
        data.add_reply(thread.tid, "A00012345", start + timedelta(minutes=n + 1), f"同样的问题，第{n + 1}次跟帖。")
    data.add_reply(thread.tid, "问政发言人", start + timedelta(hours=1), "网友您好：已责成相关部门处理。")
    with FixtureServer(data) as server:
        settings = make_settings([forum(server, [COUNTY])])
        tally = pull_once(settings, "forum", server.now)
        pages = [r.query.get("page") for r in server.requests("viewthread") if r.query["tid"] == str(thread.tid)]
    assert tally.failed == 0 and pages == [None, "2"]
    with Store.open(settings["WENZHENG_STORE"]) as store:
        p = store.petition(f"forum-{thread.tid}")
    assert len(p.replies) == answers + 1  # residents' posts are not replies
    assert p.replies[-1].text == "网友您好：已责成相关部门处理。" and p.replies[-1].final
    assert not p.replies[0].final and p.reply_count == answers + 12


def _opened(server) -> list[str]:
    return [r.query["tid"] for r in server.requests("viewthread") if "page" not in r.query]


def test_recheck_rotation_reads_every_older_thread_once_per_cycle_and_finds_an_edit(make_settings):
    data = ForumData.from_sample()
    tids = sorted(t.tid for t in data.board_threads(COUNTY))  # all 15 are months old: none is "recent"
    with FixtureServer(data) as server:
        settings = make_settings([forum(server, [COUNTY], recheck_max=300, recheck_days=7, recheck_cycle=5)])
        assert pull_once(settings, "forum", server.now).new == 15
        edited = data.threads[tids[7]]
        edited.first.text += "\n【补充】问题仍未解决。"
        turns = []
        for n in range(6):
            server.clear_log()
            tally = pull_once(settings, "forum", server.now + timedelta(hours=n + 1))
            turns.append(_opened(server))
            assert tally.failed == 0 and tally.updated == (1 if str(tids[7]) in turns[-1] else 0)
    chunks = [[str(t) for t in tids[i:i + 3]] for i in range(0, 15, 3)]  # ceil(15 / 5) = 3 a pull, in tid order
    assert turns == chunks + [chunks[0]]  # the sixth pull starts the next cycle
    with Store.open(settings["WENZHENG_STORE"]) as store:
        history = store.history(f"forum-{tids[7]}")
    assert [h["kind"] for h in history] == ["new", "edited"] and list(history[1]["detail"]) == ["body"]
    assert history[1]["detail"]["body"][1].endswith("\n【补充】问题仍未解决。")


def test_recent_threads_are_reread_every_pull_within_the_cap(make_settings):
    data = ForumData.from_sample()
    with FixtureServer(data) as server:
        settings = make_settings([forum(server, [CITY], recheck_max=2, recheck_days=7, recheck_cycle=30)])
        pull_once(settings, "forum", server.now)
        server.clear_log()
        pull_once(settings, "forum", server.now + timedelta(hours=1))
        # A市's threads with a post or reply in the 7 days before the pull, newest activity first: 41496 and
        # 41481 (3 days), 37 (5 days); the cap of 2 leaves no room for the rotation.
        assert _opened(server) == ["41496", "41481"] or _opened(server) == ["41481", "41496"]


def test_a_thread_deleted_on_the_forum_is_marked_gone_when_rechecked(make_settings):
    data = ForumData.from_sample()
    with FixtureServer(data) as server:
        settings = make_settings([forum(server, [COUNTY], recheck_max=300, recheck_cycle=1)])
        pull_once(settings, "forum", server.now)
        victim = data.board_threads(COUNTY)[5].tid
        del data.threads[victim]  # Discuz! answers its URL with a 200 "主题不存在或已被删除" page
        tally = pull_once(settings, "forum", server.now + timedelta(hours=1))
    assert tally.gone == 1 and tally.failed == 0
    with Store.open(settings["WENZHENG_STORE"]) as store:
        assert store.petition(f"forum-{victim}").seen["gone_since"] is not None
        assert [h["kind"] for h in store.history(f"forum-{victim}")] == ["new", "gone"]


X34_THREAD = """<!DOCTYPE html><html><head><meta charset="utf-8" /></head><body>
<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm" title="首页">问政论坛</a><em>&raquo;</em>
<a href="forum.php">论坛</a> <em>&rsaquo;</em> <a href="forum-36-1.html">城建交通</a> <em>&rsaquo;</em>
<a href="thread-901-1-1.html">关于七里河区西津西路人行道长期被占用的问题，希望城管部门 ...</a></div></div>
<div id="postlist" class="pl bm"><table><tr><td class="pls ptn pbn"><div class="hm ptn">
<span class="xg1">查看:</span> <span class="xi1">1024</span><span class="pipe">|</span>
<span class="xg1">回复:</span> <span class="xi1">3</span></div></td>
<td class="plc ptm pbn vwthd"><h1 class="ts">
<a href="forum.php?mod=forumdisplay&amp;fid=36&amp;filter=typeid&amp;typeid=2">[投诉]</a>
<span id="thread_subject">关于七里河区西津西路人行道长期被占用的问题，希望城管部门尽快处理</span>
</h1></td></tr></table>
<div id="post_9001"><table><tr><td class="pls"><div class="authi"><a href="home.php?mod=space&amp;uid=7" class="xw1">A0901</a></div></td>
<td class="plc"><div class="authi"><em id="authorposton9001">发表于 2019-11-5 08:30:00</em></div>
<div class="pct"><div class="pcb"><div class="t_fsz"><table><tr><td class="t_f" id="postmessage_9001">
<i class="pstatus"> 本帖最后由 A0901 于 2019-11-6 09:00 编辑 </i><br />
<br />
人行道被商户占用：<br />
1. 摆放桌椅；<br />
2. 停放电动车。<br />
<br />
请尽快处理。</td></tr></table></div></div></div></td></tr></table></div>
</div></body></html>"""


def test_real_x34_thread_page_rewritten_urls_and_a_cut_breadcrumb():
    page = parse_thread(X34_THREAD, datetime(2019, 11, 10, tzinfo=SHANGHAI), "forum", "帖子 901")
    assert (page.board, page.fid) == ("城建交通", 36)  # not the thread's own " ..." link ending the breadcrumb
    assert page.title == "关于七里河区西津西路人行道长期被占用的问题，希望城管部门尽快处理"
    assert (page.type_name, page.views, page.replies) == ("投诉", 1024, 3)
    post = page.posts[0]
    assert (post.author, post.time) == ("A0901", datetime(2019, 11, 5, 8, 30, tzinfo=SHANGHAI))
    # The edit note is dropped; each <br /> is one line break, a blank line stays a paragraph break.
    assert post.text == "人行道被商户占用：\n1. 摆放桌椅；\n2. 停放电动车。\n\n请尽快处理。"


def test_a_dripping_thread_page_costs_the_pull_one_timeout_not_minutes(make_settings):
    # The case: a server sending a byte every 1.5 s kept a pull with timeout 2, retries 0 busy
    # for 35 s. Here a byte every 0.4 s against a 1 s deadline.
    import time

    data = ForumData.from_sample()
    slow = data.board_threads(COUNTY)[4].tid
    with FixtureServer(data) as server:
        server.fail(f"tid={slow}&", "drip", seconds=0.4)
        settings = make_settings([forum(server, [COUNTY], timeout=1.0, retries=0)])
        start = time.monotonic()
        tally = pull_once(settings, "forum", server.now)
        elapsed = time.monotonic() - start
    assert (tally.new, tally.failed) == (14, 1)
    assert f"帖子 {slow}" in tally.errors[0] and "超时" in tally.errors[0]
    assert elapsed < 1.0 + 5.0, elapsed  # one deadline plus the other 14 threads and list page


def test_configured_board_names_by_fid_hold_for_list_reads_and_rechecks(make_settings):
    with FixtureServer(ForumData.from_sample()) as server:
        settings = make_settings([forum(server, [COUNTY], boards={str(COUNTY): "G5县人民政府信箱"},
                                        recheck_max=300, recheck_cycle=1)])
        pull_once(settings, "forum", server.now)
        again = pull_once(settings, "forum", server.now + timedelta(hours=1))  # every thread read again
    assert again.updated == 0 and again.unchanged == 15
    assert count(settings, "SELECT COUNT(DISTINCT board) FROM petitions") == 1
    assert count(settings, "SELECT board FROM petitions LIMIT 1") == "G5县人民政府信箱"


def test_a_forum_without_robots_txt_is_pulled(make_settings):
    # The first finding: a 404 for /robots.txt failed every URL of the host.
    with FixtureServer(ForumData.from_sample(), robots=None) as server:
        settings = make_settings([forum(server, [COUNTY])])
        tally = pull_once(settings, "forum", server.now)
        robots = [r.status for r in server.requests("/robots.txt")]
    assert (tally.new, tally.failed) == (15, 0) and robots == [404]
