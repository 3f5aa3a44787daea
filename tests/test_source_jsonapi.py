"""The leader-message-board JSON source end to end against the fixture API (real sample rows)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from webfixtures import FixtureServer, ForumData, sample_petitions
from webfixtures.helpers import FAST, changes, pull_once, stored_ids
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


def test_custom_field_mapping_and_items_path(tmp_path, make_settings):
    from wenzheng_bridge.settings import wenzheng_settings
    from wenzheng_bridge.config import ConfigError

    raw = {"WENZHENG_BASE": str(tmp_path), "WENZHENG_SOURCES": [
        {"name": "api", "kind": "json", "url": "ftp://nowhere", "fields": {"titel": "subject"}}]}
    with pytest.raises(ConfigError) as caught:
        wenzheng_settings(raw)
    assert "titel" in str(caught.value) and "ftp://nowhere" in str(caught.value)
