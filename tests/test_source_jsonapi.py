"""The leader-message-board JSON source end to end against the fixture API (real sample rows)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import sheet_dicts
from webfixtures import FixtureServer, ForumData, sample_petitions
from webfixtures.helpers import FAST, changes, pull_once, stored_ids
from wenzheng_bridge.records import SHANGHAI
from wenzheng_bridge.store import Store

REAL = {p.source_id: p for p in sample_petitions()}


def api(server, **extra):
    return {"name": "api", "kind": "json", "url": f"{server.base}api/threads", **FAST, **extra}


@pytest.fixture
def server():
    with FixtureServer(ForumData.from_sample()) as running:
        yield running


def test_every_item_is_imported_with_the_default_field_mapping(server, make_settings):
    settings = make_settings([api(server, item_url="https://liuyan.example.cn/threads/content?tid={tid}")])
    tally = pull_once(settings, "api", server.now)
    assert tally.new == 644 and tally.failed == 0
    pages = server.requests("/api/threads")
    assert len(pages) == 644 // 20 + 2  # 33 pages with items, then an empty one ends the walk
    assert [r.query.get("lastItem") for r in pages[:2]] == [None, str(sorted(map(int, REAL), reverse=True)[19])]
    with Store.open(settings["WENZHENG_STORE"]) as store:
        answered = store.petition("api-2549")
        plain = store.petition("api-360114")
    real = REAL["2549"]
    assert (answered.title, answered.body, answered.posted) == (real.title, real.body, real.posted)
    assert answered.replies[0].text == real.replies[0].text and answered.replies[0].time == real.replies[0].time
    assert answered.replies[0].unit == "A市网络发言人办公室" and answered.state == "已办结"
    assert plain.state == "办理中" and plain.likes == REAL["360114"].likes and not plain.replies
    assert plain.type == "诉求"  # the platform's 投诉 mapped onto the four types
    assert plain.url == "https://liuyan.example.cn/threads/content?tid=360114"


def test_second_pull_is_one_watermark_bounded_request_and_writes_nothing(server, make_settings):
    settings = make_settings([api(server)])
    pull_once(settings, "api", server.now)
    before = changes(settings)
    server.clear_log()
    tally = pull_once(settings, "api", server.now + timedelta(hours=1))
    assert tally.new == tally.updated == tally.failed == 0
    assert len(server.requests("/api/threads")) == 1 and changes(settings) == before
    # A new message: the next pull reads the first page only and stores just that one.
    top = max(server.data.threads)
    template = server.data.threads[top]
    server.data.threads[top + 1] = type(template)(top + 1, template.fid, "A3区某路段积水严重",
                                                  [type(template.first)(1, "A0999", server.now, "下雨就积水。")],
                                                  type_name="求助", state="待受理")
    server.clear_log()
    tally = pull_once(settings, "api", server.now + timedelta(hours=2))
    assert tally.new == 1 and len(server.requests("/api/threads")) == 1
    with Store.open(settings["WENZHENG_STORE"]) as store:
        assert store.petition(f"api-{top + 1}").type == "诉求"


def test_bad_items_name_source_item_and_field_and_the_rest_imports(server, make_settings):
    settings = make_settings([api(server, page_size=50)])
    # rules apply first-match: the second page loses every title, the first page has a bad date
    server.fail("lastItem=", "replace", times=1, old='"subject": "', new='"subjectX": "')
    server.fail("/api/threads?pageSize=50&", "replace", old='"dateline": 1496914280', new='"dateline": "去年夏天"')
    tally = pull_once(settings, "api", server.now)
    text = "\n".join(tally.errors)
    assert "来源 api" in text and "编号 360114" in text and "dateline" in text and "去年夏天" in text
    assert "subject" in text and "缺少标题" in text
    assert tally.failed == 1 + 50 and tally.new == 644 - tally.failed


def test_an_interrupted_walk_resumes_where_it_stopped(server, make_settings):
    settings = make_settings([api(server)])
    server.fail("lastItem=", "status", status=503)  # every page after the first fails
    broken = pull_once(settings, "api", server.now)
    assert broken.new == 20 and broken.failed == 1 and "HTTP 503" in broken.errors[0]
    kept = stored_ids(settings, "api")
    server.heal()
    server.clear_log()
    resumed = pull_once(settings, "api", server.now)
    first = server.requests("/api/threads")[0]
    assert first.query.get("lastItem") == min(kept, key=int)  # straight on from the last stored item
    assert resumed.new == 644 - 20 and stored_ids(settings, "api") >= kept
    assert len(stored_ids(settings, "api")) == 644


def test_a_custom_field_mapping_and_items_path_read_another_api(make_settings):
    """An API with other key names and a nested item list, served over HTTP, read through the mapping."""
    rows = sheet_dicts("fj4_sample120_replies.xlsx")[:3]
    items = [{"id": str(r["留言编号"]), "biaoti": r["留言主题"], "neirong": r["留言详情"], "fabu": r["留言时间"],
              "huifu": r["答复意见"], "huifushijian": r["答复时间"], "danwei": "A市网络问政办公室"} for r in rows]
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            if url.path != "/list":  # robots.txt: none
                self.send_error(404)
                return
            query = parse_qs(url.query)
            seen.append(query)
            page = [] if "after" in query else items  # one page, then an empty one ends the walk
            body = json.dumps({"code": 0, "result": {"rows": page}}, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=http.serve_forever, daemon=True).start()
    try:
        settings = make_settings([{
            "name": "api", "kind": "json", "url": f"http://127.0.0.1:{http.server_port}/list", **FAST,
            "items_path": "result.rows", "cursor_param": "after", "page_size": 3, "page_size_param": "size",
            "fields": {"source_id": "id", "title": "biaoti", "body": "neirong", "posted": "fabu",
                       "reply_text": "huifu", "reply_time": "huifushijian", "reply_unit": "danwei"}}])
        tally = pull_once(settings, "api", datetime(2020, 2, 1, tzinfo=SHANGHAI))
    finally:
        http.shutdown()
        http.server_close()
    assert (tally.new, tally.failed) == (3, 0), tally.errors
    assert seen[0]["size"] == ["3"] and "after" not in seen[0] and seen[1]["after"] == [items[-1]["id"]]
    with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
        for row in rows:
            petition = store.petition(f"api-{row['留言编号']}")
            assert petition.title == row["留言主题"].strip()
            assert petition.posted == datetime.strptime(row["留言时间"].strip(), "%Y/%m/%d %H:%M:%S").replace(
                tzinfo=SHANGHAI)
            assert petition.body[:20] in " ".join(row["留言详情"].split())
            [reply] = petition.replies
            assert reply.unit == "A市网络问政办公室"
            assert reply.time == datetime.strptime(row["答复时间"].strip(), "%Y/%m/%d %H:%M:%S").replace(
                tzinfo=SHANGHAI)
            assert reply.text[:20] in " ".join(row["答复意见"].split())


def test_an_unknown_field_in_the_mapping_is_a_chinese_config_error(tmp_path):
    from wenzheng_bridge.config import ConfigError
    from wenzheng_bridge.settings import wenzheng_settings

    raw = {"WENZHENG_BASE": str(tmp_path), "WENZHENG_SOURCES": [
        {"name": "api", "kind": "json", "url": "ftp://nowhere", "fields": {"titel": "subject"}}]}
    with pytest.raises(ConfigError) as caught:
        wenzheng_settings(raw)
    assert "titel" in str(caught.value) and "未知的字段" in str(caught.value) and "ftp://nowhere" in str(caught.value)


# -- the real 人民网 list API's shape: POST, forumName / domainName, cut bodies, detail, revisits --------

def board_of(server, source_id: str) -> str:
    thread = server.data.threads[int(source_id)]
    return server.data.boards[thread.fid]


@pytest.mark.parametrize("post_body", ["form", "json"])
def test_a_post_only_list_api_is_walked_with_the_parameters_in_the_body(post_body, make_settings):
    with FixtureServer(ForumData.from_sample(), json_post_only=True) as server:
        refused = make_settings([api(server)])
        tally = pull_once(refused, "api", server.now)
        assert tally.new == 0 and tally.failed == 1 and "HTTP 405" in tally.errors[0]
        settings = make_settings([api(server, method="POST", post_body=post_body, params={"fid": ""},
                                      page_size=50)])
        server.clear_log()
        tally = pull_once(settings, "api", server.now)
        pages = server.requests("/api/threads")
    assert tally.new == 644 and tally.failed == 0
    assert all(r.query["_method"] == "POST" and r.query["pageSize"] == "50" for r in pages)
    assert pages[0].query.get("lastItem") is None and pages[1].query["lastItem"] == sorted(REAL, key=int)[-50]
    assert all(("json" if post_body == "json" else "x-www-form-urlencoded") in r.headers["content-type"] for r in pages)
    assert len(pages) == -(-644 // 50) + 1


def test_default_keys_fit_the_real_list_api_board_field_type_and_state(server, make_settings):
    settings = make_settings([api(server)])
    assert pull_once(settings, "api", server.now).new == 644
    with Store.open(settings["WENZHENG_STORE"]) as store:
        stored = {p.source_id: p for p in store.petitions()}
    labelled = [sid for sid, p in REAL.items() if p.field]
    assert len(labelled) == 494  # fj2's 一级分类 (城乡建设, 环境保护…) arrive as the API's domainName
    assert all(stored[sid].field == REAL[sid].field for sid in labelled)
    assert all(stored[sid].board == board_of(server, sid) for sid in REAL)  # forumName, not the topic
    # the platform's own labels: 投诉/求助 -> 诉求, 建言 -> 建议
    for sid, p in stored.items():
        label = server.data.threads[int(sid)].type_name
        assert p.type == {"投诉/求助": "诉求", "建言": "建议", "咨询": "咨询", "举报": "举报"}[label], sid
    assert {p.state for p in stored.values()} == {"已办结", "办理中"}


def test_cut_list_bodies_are_completed_from_the_detail_endpoint(make_settings):
    with FixtureServer(ForumData.from_sample(), json_cut=100) as server:
        cut = {sid for sid, p in REAL.items() if len(p.body or p.title) > 100}
        assert 300 < len(cut) < 644
        plain = make_settings([api(server, name="plain")])
        pull_once(plain, "plain", server.now)
        with Store.open(plain["WENZHENG_STORE"]) as store:
            short = store.petition(f"plain-{min(cut, key=int)}")
        assert short.body.endswith("…") and short.extra["truncated"] is True
        settings = make_settings([api(server, detail_url=f"{server.base}api/thread?tid={{tid}}")])
        server.clear_log()
        tally = pull_once(settings, "api", server.now)
        opened = [r.query["tid"] for r in server.requests("/api/thread?")]
    assert tally.new == 644 and tally.failed == 0
    # exactly the items cut short, each once (and the few whose own text ends with an ellipsis)
    ends_so = {sid for sid, p in REAL.items() if (p.body or p.title).endswith(("…", "..."))}
    assert len(opened) == len(set(opened)) and set(opened) == cut | ends_so and len(ends_so) < 10
    with Store.open(settings["WENZHENG_STORE"]) as store:
        for sid in cut:
            p = store.petition(f"api-{sid}")
            assert p.body == (REAL[sid].body or REAL[sid].title)
            assert "truncated" not in p.extra or sid in ends_so


def test_a_later_state_change_in_the_list_is_stored_on_the_next_pull(server, make_settings):
    settings = make_settings([api(server)])
    pull_once(settings, "api", server.now)
    top = server.data.threads[max(server.data.threads)]
    assert top.state == "办理中" and top.replies == 0
    top.state = "已办理"
    server.data.add_reply(top.tid, "问政发言人", server.now, "经核实，已安排施工单位整改。")
    server.clear_log()
    tally = pull_once(settings, "api", server.now + timedelta(hours=1))
    assert (tally.new, tally.updated, tally.unchanged) == (0, 1, 0)
    assert len(server.requests("/api/threads")) == 1
    with Store.open(settings["WENZHENG_STORE"]) as store:
        p = store.petition(f"api-{top.tid}")
        kinds = [h["kind"] for h in store.history(f"api-{top.tid}")]
    assert p.state == "已办理" and p.replies[0].text == "经核实，已安排施工单位整改。" and "reply_new" in kinds


def test_open_items_deep_in_the_list_are_reopened_within_a_bounded_number_of_requests(server, make_settings):
    limit = 150
    settings = make_settings([api(server, detail_url=f"{server.base}api/thread?tid={{tid}}",
                                  revisit_days=100000, revisit_limit=limit)])
    pull_once(settings, "api", server.now)
    open_items = [sid for sid, p in REAL.items() if not p.replies]
    assert len(open_items) == 524
    deep = server.data.threads[min(int(sid) for sid in open_items)]  # far below any page read again
    deep.state = "已办理"
    server.data.add_reply(deep.tid, "问政发言人", server.now, "已办结。")
    pulls = 0
    while True:
        pulls += 1
        server.clear_log()
        tally = pull_once(settings, "api", server.now + timedelta(hours=pulls))
        assert tally.failed == 0
        assert len(server.requests("/api/thread?")) <= limit  # the bounded cost per pull
        with Store.open(settings["WENZHENG_STORE"]) as store:
            if store.petition(f"api-{deep.tid}").state == "已办理":
                break
        assert pulls <= -(-len(open_items) // limit), "the change never arrived"
    with Store.open(settings["WENZHENG_STORE"]) as store:
        assert store.petition(f"api-{deep.tid}").replies[0].text == "已办结。"
    # a closed item is not reopened again
    server.clear_log()
    for later in range(-(-len(open_items) // limit) + 1):
        pull_once(settings, "api", server.now + timedelta(days=1, hours=later))
    assert str(deep.tid) not in {r.query["tid"] for r in server.requests("/api/thread?")}


def test_a_cursor_that_does_not_advance_stops_the_walk_with_a_message(server, make_settings):
    settings = make_settings([api(server, cursor_param="last_id")])  # this API ignores it
    tally = pull_once(settings, "api", server.now)
    assert tally.new == 20 and tally.failed == 1
    assert len(server.requests("/api/threads")) == 2  # not max_pages
    assert "翻页没有前进" in tally.errors[0] and "last_id" in tally.errors[0] and "cursor_param" in tally.errors[0]


def test_a_failed_detail_request_keeps_what_is_stored_and_is_retried(make_settings):
    with FixtureServer(ForumData.from_sample(), json_cut=100) as server:
        settings = make_settings([api(server, detail_url=f"{server.base}api/thread?tid={{tid}}",
                                      revisit_days=100000, revisit_limit=700)])
        top = max(server.data.threads)
        long_new = top + 1
        template = server.data.threads[top]
        text = "路面塌陷已经一个月。\n" * 30  # a long body: the list cuts it
        server.data.threads[long_new] = type(template)(long_new, template.fid, "A3区某路段塌陷无人修",
                                                        [type(template.first)(1, "A0999", server.now, text)],
                                                        type_name="投诉/求助", state="办理中", field="城乡建设")
        server.fail(f"tid={long_new}&", "status", status=500)
        first = pull_once(settings, "api", server.now)
        assert first.new == 644 + 1 and first.failed == 1 and f"编号 {long_new}" in first.errors[0]
        with Store.open(settings["WENZHENG_STORE"]) as store:
            kept = store.petition(f"api-{long_new}")
        assert kept.body.endswith("…") and kept.extra["truncated"] is True  # the list's text, flagged
        server.heal()
        second = pull_once(settings, "api", server.now + timedelta(hours=1))
        assert second.failed == 0
        with Store.open(settings["WENZHENG_STORE"]) as store:
            full = store.petition(f"api-{long_new}")
        assert full.body == text.strip() and len(full.body.splitlines()) == 30 and "truncated" not in full.extra


def test_every_record_field_can_be_mapped(server, make_settings):
    from wenzheng_bridge.records import Petition
    from wenzheng_bridge.sources.jsonapi import DEFAULT_FIELDS

    # Lists of records (replies, 网友补充) are not one JSON key each.
    mappable = set(Petition.__dataclass_fields__) - {"source", "places", "replies", "supplements", "extra", "seen",
                                                     "reply_count"}
    assert mappable <= set(DEFAULT_FIELDS) | {"reply_text", "reply_time", "reply_unit"}
    settings = make_settings([api(server, fields={"views": "favNum", "dislikes": "favNum", "department": "answerOrganization",
                                                  "url": "subject"})])
    pull_once(settings, "api", server.now)
    with Store.open(settings["WENZHENG_STORE"]) as store:
        liked, answered = store.petition("api-360100"), store.petition("api-2549")
    assert REAL["360100"].likes and liked.views == liked.dislikes == liked.likes == REAL["360100"].likes
    assert answered.department == "A市网络发言人办公室" and answered.url == REAL["2549"].title


def test_a_satisfaction_rating_is_mapped_onto_the_revisit_scale_and_a_strange_word_is_named(server, make_settings):
    """成效: where the API rates the handling, the rating is kept (extra) on the 回访 scale."""
    from wenzheng_bridge.records import SATISFACTION_EXTRA

    settings = make_settings([api(server, fields={"satisfaction": "satisfactionInfo"})])
    unit = '"answerOrganization": "A市网络发言人办公室"'
    server.fail("/api/threads", "replace", old=unit, new=unit + ', "satisfactionInfo": "非常满意"')
    tally = pull_once(settings, "api", server.now)
    assert tally.failed == 0, tally.errors
    with Store.open(settings["WENZHENG_STORE"]) as store:
        answered, plain = store.petition("api-2549"), store.petition("api-360114")
    assert answered.extra[SATISFACTION_EXTRA] == "满意" and SATISFACTION_EXTRA not in plain.extra

    other = make_settings([{**api(server, fields={"satisfaction": "satisfactionInfo"}), "name": "api2"}])
    server.heal()
    server.fail("/api/threads", "replace", old=unit, new=unit + ', "satisfactionInfo": "一般"')
    tally = pull_once(other, "api2", server.now)
    answered_count = sum(1 for p in REAL.values() if p.replies)
    assert tally.failed == answered_count and "satisfactionInfo" in tally.errors[0] and "一般" in tally.errors[0]
