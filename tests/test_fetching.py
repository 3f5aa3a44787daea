"""The polite fetcher against a real local server: robots.txt, retries, Retry-After, 304s, rate limit, charsets."""
from __future__ import annotations

import socket
import time

import pytest

from webfixtures import FixtureServer, ForumData
from wenzheng_bridge.fetching import Fetcher, FetchError, Page

UA = "wenzheng-bridge/0.1 (+https://example.org/wenzheng; newsroom petition tracker)"


@pytest.fixture(scope="module")
def server():
    with FixtureServer(ForumData.from_sample(), robots="User-agent: *\nDisallow: /admin.php\n\n"
                       "User-agent: wenzheng-bridge\nDisallow: /forum.php?mod=rss\n") as running:
        yield running


@pytest.fixture
def fresh(server):
    server.heal()
    server.clear_log()
    return server


def fetcher(**options) -> Fetcher:
    return Fetcher(source="t", user_agent=UA, **{"rate_limit": 0, "timeout": 1.0, "retries": 2, "backoff": 0.02,
                                                 **options})


def test_user_agent_and_robots_txt_read_once(fresh):
    with fetcher() as f:
        f.get(fresh.board_url(2))
        f.get(fresh.board_url(3))
        with pytest.raises(FetchError) as caught:
            f.get(fresh.rss_url(2))  # disallowed for our agent only
    assert "robots.txt" in str(caught.value) and fresh.rss_url(2) in str(caught.value)
    paths = [r.path for r in fresh.requests()]
    assert paths.count("/robots.txt") == 1 and not fresh.requests("mod=rss")
    assert {r.headers["user-agent"] for r in fresh.requests()} == {UA}
    with fetcher(robots=False) as f:
        assert f.get(fresh.rss_url(2)).status == 200


def test_5xx_is_retried_with_backoff_then_succeeds(fresh):
    fresh.fail("fid=3&", "status", times=2, status=502)
    with fetcher() as f:
        page = f.get(fresh.board_url(3))
    assert page.status == 200 and "A1区" in page.text
    assert [r.status for r in fresh.requests("fid=3")] == [502, 502, 200]


def test_a_storm_of_500s_ends_in_a_clear_error(fresh):
    fresh.fail("fid=4&", "status", status=500)
    with fetcher(retries=3) as f, pytest.raises(FetchError) as caught:
        f.get(fresh.board_url(4))
    assert "HTTP 500" in str(caught.value) and "4 次" in str(caught.value)
    assert len(fresh.requests("fid=4")) == 4


def test_404_is_not_retried(fresh):
    with fetcher() as f, pytest.raises(FetchError) as caught:
        f.get(fresh.base + "missing.php")
    assert "HTTP 404" in str(caught.value) and len(fresh.requests("missing")) == 1


def test_retry_after_is_honoured_and_capped(fresh):
    fresh.fail("fid=5&", "status", times=1, status=503, retry_after="1")
    with fetcher(backoff=0) as f:
        start = time.monotonic()
        assert f.get(fresh.board_url(5)).status == 200
        assert time.monotonic() - start >= 1.0
    fresh.fail("fid=6&", "status", status=503, retry_after="3600")
    with fetcher(max_retry_after=5) as f, pytest.raises(FetchError) as caught:
        f.get(fresh.board_url(6))
    assert "3600" in str(caught.value) and len(fresh.requests("fid=6")) == 1


def test_slow_responses_time_out_and_are_retried(fresh):
    fresh.fail("fid=7&", "slow", times=1, seconds=2.0)
    with fetcher(timeout=0.8) as f:
        assert f.get(fresh.board_url(7)).status == 200
    assert len(fresh.requests("fid=7")) == 2
    fresh.fail("fid=8&", "slow", seconds=2.0)
    with fetcher(timeout=0.8, retries=1) as f, pytest.raises(FetchError) as caught:
        f.get(fresh.board_url(8))
    assert "超时" in str(caught.value)


def test_conditional_get_sends_validators_and_gets_304(fresh):
    with fetcher() as f:
        first = f.get(fresh.rss_url(9).replace("mod=rss", "mod=forumdisplay"))
        again = f.get(first.url, validators=first.validators)
    assert first.validators["etag"] and again.not_modified and again.content == b""
    assert fresh.requests("fid=9")[-1].headers["if-none-match"] == first.validators["etag"]
    with fetcher(robots=False) as f:
        feed = f.get(fresh.rss_url(9))
        assert feed.validators["last-modified"]
        assert f.get(feed.url, validators={"last-modified": feed.validators["last-modified"]}).not_modified


def test_rate_limit_spaces_requests_per_host_across_fetchers(fresh):
    with fetcher(rate_limit=4) as a, fetcher(rate_limit=4) as b:
        start = time.monotonic()
        for _ in range(3):
            a.get(fresh.board_url(10))
            b.get(fresh.board_url(10))
        elapsed = time.monotonic() - start
    assert elapsed >= 1.75  # six requests plus two robots.txt at 4/s share one clock: 7 gaps of 0.25 s
    with fetcher(rate_limit=0) as f:
        start = time.monotonic()
        for _ in range(6):
            f.get(fresh.board_url(10))
        assert time.monotonic() - start < elapsed / 2


def test_gbk_pages_and_lying_charset_headers_decode():
    with FixtureServer(ForumData.from_sample(), charset="gbk") as gbk:
        subject = gbk.data.board_threads(2)[0].subject
        with fetcher() as f:
            page = f.get(gbk.board_url(2))
            assert page.headers["content-type"].endswith("gbk") and subject in page.text
            gbk.fail("fid=2&", "wrong_charset")
            liar = f.get(gbk.board_url(2))
            assert liar.headers["content-type"].endswith("utf-8") and subject in liar.text
        with fetcher(charset="gbk") as f:  # the source option wins over everything
            assert subject in f.get(gbk.board_url(2)).text


def test_charset_from_xml_declaration_or_meta_with_gb18030_fallback():
    text = "西地省A市七里河区路灯不亮，请尽快维修"
    xml = f'<?xml version="1.0" encoding="gb2312"?><rss><title>{text}</title></rss>'.encode("gb18030")
    meta = f'<html><head><meta charset="gbk"></head><body>{text}</body></html>'.encode("gb18030")
    bare = f"<html><body>{text}</body></html>".encode("gb18030")
    for body in (xml, meta, bare):
        page = Page("http://x/", "http://x/", 200, body, {"content-type": "text/html"})
        assert text in page.text
    assert Page("http://x/", "http://x/", 200, xml, {}).charset == "gb18030"


def test_redirect_loop_connection_reset_refused_and_truncated_bodies(fresh):
    fresh.fail("fid=11&", "redirect_loop")
    fresh.fail("fid=12&", "reset")
    fresh.fail("fid=13&", "truncate")
    fresh.fail("fid=14&", "truncate", times=1)
    with fetcher(retries=1) as f:
        with pytest.raises(FetchError, match="重定向"):
            f.get(fresh.board_url(11))
        with pytest.raises(FetchError, match="连接中断"):
            f.get(fresh.board_url(12))
        with pytest.raises(FetchError, match="不完整"):
            f.get(fresh.board_url(13))
        whole = f.get(fresh.board_url(14))  # cut once, whole on the retry
        assert whole.text.rstrip().endswith("</html>") and len(fresh.requests("fid=14")) == 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with fetcher(retries=1) as f, pytest.raises(FetchError, match="无法连接") as caught:
        f.get(f"http://127.0.0.1:{port}/forum.php?mod=forumdisplay&fid=2")
    assert "robots.txt" in str(caught.value) and str(port) in str(caught.value)


def test_crawl_delay_in_robots_txt_spaces_requests_even_with_the_rate_limit_off():
    with FixtureServer(ForumData.from_sample(), robots="User-agent: *\nCrawl-delay: 1\n") as slow:
        with fetcher(rate_limit=0) as f:
            start = time.monotonic()
            for fid in (2, 3, 4):
                f.get(slow.board_url(fid))
            assert time.monotonic() - start >= 2.0


def test_timeout_is_a_deadline_for_the_whole_request_not_each_read(fresh):
    # The slow drip the issue found: a byte every 0.5 s never trips a 1 s read timeout.
    fresh.fail("fid=15&", "drip", seconds=0.5)
    with fetcher(timeout=1.0, retries=0) as f, pytest.raises(FetchError) as caught:
        start = time.monotonic()
        f.get(fresh.board_url(15))
    elapsed = time.monotonic() - start
    assert "超时" in str(caught.value) and "1 秒" in str(caught.value)
    assert elapsed < 1.6, elapsed
    with fetcher(timeout=1.0, retries=1) as f, pytest.raises(FetchError):  # each attempt has its own deadline
        start = time.monotonic()
        f.get(fresh.board_url(15))
    assert 2.0 <= time.monotonic() - start < 3.0
    fresh.heal()
    with fetcher(timeout=1.0) as f:
        assert f.get(fresh.board_url(15)).status == 200  # the next request on the same fetcher is unaffected


def test_a_host_without_robots_txt_is_crawled_freely():
    with FixtureServer(ForumData.from_sample(), robots=None) as bare:
        with fetcher() as f:
            assert f.get(bare.board_url(2)).status == 200
            assert f.get(bare.rss_url(2)).status == 200
        robots = bare.requests("/robots.txt")
    assert [r.status for r in robots] == [404]  # asked once, not retried, no rules


def test_a_robots_txt_answering_5xx_keeps_the_host_off_limits_for_this_pull_only():
    with FixtureServer(ForumData.from_sample()) as broken:
        broken.fail("/robots.txt", "status", status=500)
        with fetcher(retries=1) as f:
            for fid in (2, 3):
                with pytest.raises(FetchError) as caught:
                    f.get(broken.board_url(fid))
                message = str(caught.value)
                assert "robots.txt" in message and "HTTP 500" in message and "下次拉取" in message
                assert broken.board_url(fid) in message
        assert len(broken.requests("/robots.txt")) == 2  # one attempt and one retry, then remembered
        assert not broken.requests("mod=forumdisplay")
        broken.heal()
        with fetcher() as f:  # the next pull asks again
            assert f.get(broken.board_url(2)).status == 200
