"""The forum and feed sources against a small Discuz! X3.4 forum replayed in its real page formats.

The forum (board 市长信箱, fid 7) is written out here by hand: an admin's sticky
notice, an announcement, a short answered 咨询 with the resident's thanks, a
long 投诉 whose spokesperson reply sits on page 2 of the thread and whose body
is rich text in <p> paragraphs, and a 建议 that its author later edits. The
pages are served by the fixture server in X3.4's markup (tests/webfixtures/
render.py: breadcrumb ending in the cut thread title, type labels, 查看/回复
counts, <br />\r\n line ends, edit notes). Every stored field is compared with
values written by hand below, never with the program's own output.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

import pytest

from webfixtures import FixtureServer, ForumData, Post, Thread
from webfixtures.helpers import FAST, pull_once, stored_ids
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.store import Store

FID, BOARD = 7, "市长信箱"
SPOKES = {"问政发言人": "A市网络发言人办公室"}
NOW = datetime(2020, 1, 9, 14, 0, 5, tzinfo=SHANGHAI)
LONG_TITLE = "A7县幸福小区夜间施工噪音扰民，半夜两点还在打桩，严重影响周边居民休息，希望有关部门尽快处理"
P_STYLE = 'style="line-height:30px;text-indent:2em;text-align:left"'


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


def replay_forum() -> ForumData:
    data = ForumData(boards={FID: BOARD}, announcement="关于规范网络问政发帖的公告")
    data.threads[5] = Thread(5, FID, "【置顶】网络问政版块发帖须知", sticky=True, views=3021, posts=[
        Post(500, "admin", at(2019, 12, 1, 10, 0, 0), "请写明具体地点和诉求。\n涉及个人隐私的内容请勿公开。")])
    data.threads[101] = Thread(101, FID, "请问A市住房公积金提取需要哪些材料？", type_name="咨询", views=57, posts=[
        Post(10100, "A0001", at(2019, 12, 20, 9, 15, 30),
             "本人在A市缴存公积金五年，想提取用于租房，请问：\n1. 需要哪些材料？\n2. 能否网上办理？"),
        Post(10101, "问政发言人", at(2019, 12, 23, 16, 2, 11),
             "网友您好：\n一、租房提取需提供身份证、租房合同。\n二、可通过A市公积金中心网上大厅办理。\n感谢您的关注。"),
        Post(10102, "A0001", at(2019, 12, 24, 8, 0, 0), "谢谢答复，已在网上办好。"),
    ])
    noisy = [Post(10200, "A0002", at(2020, 1, 6, 22, 10, 0), "",
                  html=f"<p {P_STYLE}>幸福小区东侧工地连续一周夜间施工。</p><p {P_STYLE}>请有关部门依法查处。</p>")]
    for n in range(10):  # neighbours pile on: page 1 holds ten posts, the answer lands on page 2
        noisy.append(Post(10201 + n, f"A01{n:02d}", at(2020, 1, 7, 7, n, 0), f"同样被吵醒，第{n + 1}位邻居。"))
    noisy.append(Post(10211, "A0002", at(2020, 1, 7, 21, 30, 0), "【补充】今晚九点又开始施工了，可致电13812345678核实。"))
    noisy.append(Post(10212, "问政发言人", at(2020, 1, 8, 10, 20, 0),
                      "网友您好：\n经A7县住建局核查，该工地已被责令停止夜间施工。"))
    data.threads[102] = Thread(102, FID, LONG_TITLE, type_name="投诉", views=433, posts=noisy)
    data.threads[103] = Thread(103, FID, "建议在人民路增设公交站", type_name="建议", views=12, posts=[
        Post(10300, "A0003", at(2020, 1, 8, 19, 45, 12),
             "人民路与建设路路口附近没有公交站，老人出行不便。\n希望站名叫“人民路<东>”。")])
    return data


def expected(source: str, base: str) -> dict[str, dict]:
    """What the store must hold after the first pull, written out by hand."""
    common = {"source": source, "board": BOARD, "department": "A市人民政府", "field": "", "likes": None,
              "dislikes": None, "state": "", "extra": {}}
    return {
        "101": {**common, "source_id": "101", "url": f"{base}forum.php?mod=viewthread&tid=101",
                "title": "请问A市住房公积金提取需要哪些材料？",
                "body": "本人在A市缴存公积金五年，想提取用于租房，请问：\n1. 需要哪些材料？\n2. 能否网上办理？",
                "posted": at(2019, 12, 20, 9, 15, 30), "type": "咨询", "author": "A0001", "reply_count": 2,
                "places": ["A市"],
                "replies": [{"text": "网友您好：\n一、租房提取需提供身份证、租房合同。\n二、可通过A市公积金中心网上大厅办理。\n"
                                     "感谢您的关注。", "time": at(2019, 12, 23, 16, 2, 11),
                             "unit": "A市网络发言人办公室", "author": "问政发言人", "final": True, "reply_id": "10101"}],
                "supplements": [{"text": "谢谢答复，已在网上办好。", "time": at(2019, 12, 24, 8, 0, 0)}]},
        "102": {**common, "source_id": "102", "url": f"{base}forum.php?mod=viewthread&tid=102", "title": LONG_TITLE,
                "body": "幸福小区东侧工地连续一周夜间施工。\n请有关部门依法查处。",
                "posted": at(2020, 1, 6, 22, 10, 0), "type": "诉求", "author": "A0002", "reply_count": 12,
                "places": ["A7县", "幸福小区"],
                "replies": [{"text": "网友您好：\n经A7县住建局核查，该工地已被责令停止夜间施工。",
                             "time": at(2020, 1, 8, 10, 20, 0), "unit": "A市网络发言人办公室", "author": "问政发言人",
                             "final": True, "reply_id": "10212"}],
                "supplements": [{"text": "【补充】今晚九点又开始施工了，可致电13812345678核实。",
                                 "time": at(2020, 1, 7, 21, 30, 0)}]},
        "103": {**common, "source_id": "103", "url": f"{base}forum.php?mod=viewthread&tid=103",
                "title": "建议在人民路增设公交站",
                "body": "人民路与建设路路口附近没有公交站，老人出行不便。\n希望站名叫“人民路<东>”。",
                "posted": at(2020, 1, 8, 19, 45, 12), "type": "建议", "author": "A0003", "reply_count": 0,
                "places": [], "replies": [], "supplements": []},
    }


def stored(settings, source: str) -> dict[str, dict]:
    with Store.open(settings["WENZHENG_STORE"]) as store:
        rows = {p.source_id: asdict(p) for p in store.petitions() if p.source == source}
    for row in rows.values():
        row.pop("seen")
    return rows


def edit_threads(data: ForumData) -> None:
    """What happens on the forum after the first pull: a corrected reply, a retitled and extended petition."""
    reply = data.threads[101].posts[1]
    reply.text = reply.text.replace("租房合同。", "租房合同和完税证明。")
    reply.edited = "本帖最后由 问政发言人 于 2020-1-9 14:10 编辑"
    petition = data.threads[103]
    petition.subject = "建议在人民路与建设路口增设公交站"
    petition.first.text += "\n【补充】早高峰等车的人很多。"
    petition.first.edited = "本帖最后由 A0003 于 2020-1-9 14:20 编辑"


def forum_source(server, **extra) -> dict:
    return {"name": "wz", "kind": "forum", "url": server.base, "fids": [FID], "spokespersons": SPOKES,
            "department": "A市人民政府", **FAST, **extra}


def feed_source(server, **extra) -> dict:
    return {"name": "rss", "kind": "feed", "url": server.rss_url(FID), "spokespersons": SPOKES,
            "department": "A市人民政府", "notice_accounts": ["admin"], **FAST, **extra}


@pytest.fixture
def server():
    with FixtureServer(replay_forum(), now=NOW) as running:
        yield running


def test_forum_pages_give_every_field_and_the_edits_on_the_next_pull(server, make_settings):
    settings = make_settings([forum_source(server)])
    first = pull_once(settings, "wz", NOW)
    assert (first.new, first.failed) == (3, 0)
    want = expected("wz", server.base)
    want["101"]["views"], want["102"]["views"], want["103"]["views"] = 57, 433, 12  # the list row, before our visit
    got = stored(settings, "wz")
    assert got == want  # the sticky notice (tid 5) and the announcement are not petitions
    assert [r.query.get("page") for r in server.requests("tid=102")] == [None, "2"]

    edit_threads(server.data)
    server.clear_log()
    second = pull_once(settings, "wz", NOW + timedelta(hours=1))
    opened = [(r.query["tid"], r.query.get("page", "1")) for r in server.requests("viewthread")]
    # 103: the list shows a new title; 102: active in the last 7 days (both pages); 101: the only older
    # thread, its turn in the rotation (ceil(1 / 30) = 1 a pull). Plus robots.txt and two list pages: page 1
    # changed, and a board without a pager is known to end only when "page 2" comes back as page 1.
    assert sorted(opened) == [("101", "1"), ("102", "1"), ("102", "2"), ("103", "1")]
    assert len(server.requests()) == 7
    assert (second.new, second.updated, second.unchanged, second.failed) == (0, 2, 1, 0)
    got = stored(settings, "wz")
    assert got["103"]["title"] == "建议在人民路与建设路口增设公交站"
    assert got["103"]["body"] == "人民路与建设路路口附近没有公交站，老人出行不便。\n希望站名叫“人民路<东>”。\n【补充】早高峰等车的人很多。"
    assert got["101"]["replies"][0]["text"].startswith("网友您好：\n一、租房提取需提供身份证、租房合同和完税证明。\n")
    # Counters are current: every page we fetch counts as a view (102: two pages on the first pull, and
    # the recheck's first page shows its own visit), the rechecked thread page's own count is the latest.
    assert got["102"]["views"] == 433 + 2 + 1 and got["101"]["views"] == 57 + 1 + 1
    with Store.open(settings["WENZHENG_STORE"]) as store:
        history = {tid: store.history(f"wz-{tid}") for tid in ("101", "102", "103")}
    assert [h["kind"] for h in history["102"]] == ["new"]  # views moved: no change record
    assert [h["kind"] for h in history["101"]] == ["new", "reply_edited"]
    assert history["101"][1]["detail"]["reply"] == "10101"
    assert [h["kind"] for h in history["103"]] == ["new", "edited"]
    assert history["103"][1]["detail"] == {
        "title": ["建议在人民路增设公交站", "建议在人民路与建设路口增设公交站"],
        "body": ["人民路与建设路路口附近没有公交站，老人出行不便。\n希望站名叫“人民路<东>”。",
                 "人民路与建设路路口附近没有公交站，老人出行不便。\n希望站名叫“人民路<东>”。\n【补充】早高峰等车的人很多。"],
    }


def test_feed_gives_the_same_fields_and_finds_the_edits_by_rechecking(server, make_settings):
    settings = make_settings([feed_source(server)])
    first = pull_once(settings, "rss", NOW)
    assert (first.new, first.failed) == (3, 0)
    want = expected("rss", server.base)
    # A feed has no list row: the counts are the thread page's 查看 / 回复, our own visit included.
    want["101"]["views"], want["102"]["views"], want["103"]["views"] = 58, 434, 13
    assert stored(settings, "rss") == want
    edit_threads(server.data)
    server.clear_log()
    second = pull_once(settings, "rss", NOW + timedelta(hours=1))
    assert [r.status for r in server.requests("mod=rss")] == [200]  # the new title changed the feed
    assert (second.new, second.updated, second.failed) == (0, 2, 0)
    got = stored(settings, "rss")
    assert got["103"]["title"] == "建议在人民路与建设路口增设公交站"
    assert "和完税证明" in got["101"]["replies"][0]["text"]


def test_feed_and_forum_pages_of_one_forum_make_one_case_each(server, make_settings):
    settings = make_settings([forum_source(server), feed_source(server)])
    assert pull_once(settings, "rss", NOW).new == 3
    forum = pull_once(settings, "wz", NOW + timedelta(minutes=5))
    assert (forum.new, forum.updated, forum.failed) == (0, 0, 0)
    assert stored_ids(settings, "rss") == set() and stored_ids(settings, "wz") == {"101", "102", "103"}
    got = stored(settings, "wz")
    want = expected("wz", server.base)
    for tid in want:
        got[tid].pop("views")
        want[tid].pop("views", None)
    assert got == want
    edit_threads(server.data)
    server.clear_log()
    pull_once(settings, "rss", NOW + timedelta(hours=1))
    # The feed reads only its changed item (103's new title); rechecks are left to the forum source.
    assert [r.query["tid"] for r in server.requests("viewthread")] == ["103"]
    pull_once(settings, "wz", NOW + timedelta(hours=2))
    with Store.open(settings["WENZHENG_STORE"]) as store:
        assert [h["kind"] for h in store.history("wz-103")] == ["new", "edited"]  # seen once, by whichever came first
        assert [h["kind"] for h in store.history("wz-101")] == ["new", "reply_edited"]


@pytest.mark.slow
def test_case_page_shows_the_residents_supplement_and_counts_replies_as_readers_do(server, tmp_path):
    import json

    from bs4 import BeautifulSoup

    from browser.build import copy_project, run_pelican, without_sample_records
    from wenzheng_bridge.pull import pull
    from wenzheng_bridge.settings import load

    project = without_sample_records(copy_project(tmp_path / "project"))
    source = forum_source(server)
    settings = load(project / "pelicanconf.py", {"WENZHENG_SOURCES": [source], "WENZHENG_NOW": NOW.isoformat()})
    pull(settings, now=NOW)
    output = tmp_path / "output"
    run_pelican(project, output, f"WENZHENG_SOURCES={json.dumps([source], ensure_ascii=False)}")
    page = BeautifulSoup((output / "cases" / "wz-102" / "index.html").read_bytes(), "lxml")
    petition = page.select_one(".petition")
    supplement = petition.select_one(".supplement")
    assert "网友补充" in supplement.get_text() and "【补充】今晚九点又开始施工了，可致电" in supplement.get_text()
    assert "13812345678" not in page.decode() and "138****5678" in supplement.get_text()  # masked like every text
    assert supplement.select_one("time")["datetime"].startswith("2020-01-07T21:30")
    assert [p.get_text() for p in petition.find_all("p", recursive=False)][:2] == [
        "幸福小区东侧工地连续一周夜间施工。", "请有关部门依法查处。"]  # the <p> paragraphs stay paragraphs
    reply = page.select_one(".replies .reply")
    assert [p.get_text() for p in reply.find_all("p")][1:] == ["网友您好：", "经A7县住建局核查，该工地已被责令停止夜间施工。"]
    # The status evidence counts replies as readers do (the only reply is the first), not by Discuz! post id.
    assert page.select_one(".case-status .evidence").get_text() == "2020年1月8日 10:20 答复（第 1 条回复）"  # the site's one date format
