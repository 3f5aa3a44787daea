"""The fetcher's details that the mutation run of fetching.py found unasserted (bench/RESULTS-mutation.md).

A small scripted HTTP/1.1 server on 127.0.0.1 answers each path with the statuses, headers and bodies
a test sets, and logs every request (method, path, headers, body, the client's port). The fetcher's
sleeps (backoff, Retry-After, the per-host clock) go to a list instead of the clock, so the waits are
compared exactly and the tests take no time. Every expected value is written from the HTTP rules
and the messages in fetching.py's docstrings, not read from a run.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from wenzheng_bridge import fetching
from wenzheng_bridge.fetching import Fetcher, FetchError, Page, _HostClock, _reason, _retry_after, http_url_problem

CORE_UA = "wenzheng-bridge/0.1 (+https://example.org/wenzheng; newsroom petition tracker)"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes
    port: int


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # so a client that keeps connections alive would reuse them

    def log_message(self, *args):
        pass

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server = self.server
        server.log.append(Seen(method, self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                               self.client_address[1]))
        path = self.path.split("?")[0]
        if path == "/drip":  # 15 bytes, one every 0.1 s: whole after 1.5 s
            self.send_response(200)
            self.send_header("Content-Length", "15")
            self.end_headers()
            try:
                for _ in range(15):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up
            return
        if path.startswith("/r/"):  # /r/N redirects N times before a page
            left = int(path[3:])
            status, headers, content = (302, {"Location": f"/r/{left - 1}"}, b"") if left else (200, {}, b"end")
        elif path in server.script:
            queue = server.script[path]
            status, headers, content = queue.pop(0) if len(queue) > 1 else queue[0]
        elif path == "/robots.txt":
            status, headers, content = 404, {}, b""
        else:
            status, headers, content = 200, {"Content-Type": "text/plain; charset=utf-8"}, "好".encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_GET(self):
        self._answer("GET")

    def do_POST(self):
        self._answer("POST")


class Scripted:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.script, self.httpd.log = {}, []
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def answer(self, path: str, *responses: tuple[int, dict, bytes]) -> None:
        self.httpd.script[path] = list(responses)

    @property
    def log(self) -> list[Seen]:
        return self.httpd.log

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def web():
    server = Scripted()  # one per test: the per-host clock and the robots.txt cache start clean
    yield server
    server.close()


class _Time:
    """Stands in for the time module inside fetching.py: the clocks are real, sleeping is recorded."""

    def __init__(self):
        self.sleeps: list[float] = []
        self.monotonic = time.monotonic
        self.time = time.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


@pytest.fixture
def clock(monkeypatch):
    fake = _Time()
    monkeypatch.setattr(fetching, "time", fake)
    return fake


def quick(**options) -> Fetcher:
    return Fetcher(**{"source": "t", "user_agent": "ua-test", "rate_limit": 0, "timeout": 2.0, "retries": 2,
                      "backoff": 0.5, **options})


# -- construction ---------------------------------------------------------------------------


def test_defaults_of_a_fetcher():
    with Fetcher() as f:
        assert (f.source, f.user_agent, f.charset) == ("", "wenzheng-bridge", "")
        assert (f.interval, f.retries, f.backoff, f.max_retry_after, f.timeout) == (1.0, 3, 1.0, 120.0, 10.0)
        assert f.obey_robots is True and f.requests == 0
        assert f.client.headers["User-Agent"] == "wenzheng-bridge"
        assert f.client.timeout == httpx.Timeout(10.0)
        assert f.client.follow_redirects is True and f.client.max_redirects == 10
    with Fetcher(rate_limit=4) as four, Fetcher(rate_limit=0) as unlimited:
        assert four.interval == 0.25 and unlimited.interval == 0.0


def test_from_settings_reads_the_source_options_and_the_core_user_agent():
    given = {"name": "论坛", "charset": "gbk", "rate_limit": 2, "timeout": 5, "retries": 1, "backoff": 0.5,
             "robots": False}
    with Fetcher.from_settings({"WENZHENG_USER_AGENT": "newsroom/1.0"}, given) as f:
        assert (f.source, f.user_agent, f.charset, f.interval, f.timeout) == ("论坛", "newsroom/1.0", "gbk", 0.5, 5)
        assert (f.retries, f.backoff, f.obey_robots) == (1, 0.5, False)
        assert f.client.headers["User-Agent"] == "newsroom/1.0"
    with Fetcher.from_settings({}, {}) as f:  # every default from the option tables
        assert (f.source, f.user_agent, f.charset, f.interval, f.timeout) == ("", CORE_UA, "", 1.0, 10.0)
        assert (f.retries, f.backoff, f.obey_robots) == (3, 1.0, True)


def test_each_request_opens_its_own_connection(web):
    with quick() as f:
        for _ in range(3):
            f.get(web.base + "/page")
    ports = [seen.port for seen in web.log]
    assert len(ports) == 4 and len(set(ports)) == 4  # robots.txt and three pages, none kept alive


def test_ten_redirects_are_followed_the_eleventh_is_refused(web):
    with quick() as f:
        page = f.get(web.base + "/r/10")
        assert (page.status, page.content, page.final_url) == (200, b"end", web.base + "/r/0")
        assert page.url == web.base + "/r/10"
        with pytest.raises(FetchError) as caught:
            f.get(web.base + "/r/11")
    assert str(caught.value) == web.base + "/r/11：重定向次数过多（可能是重定向循环）"


# -- GET and POST ------------------------------------------------------------------------------


def test_get_sends_the_validators_and_returns_the_whole_page(web):
    web.answer("/p", (200, {"Content-Type": "text/html; charset=GBK", "ETag": '"v1"', "X-Extra": "1"},
                      "局".encode("gb18030")))
    with quick(charset="big5") as f:
        page = f.get(web.base + "/p", {"etag": '"v1"', "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT"})
        f.get(web.base + "/p", {"etag": "", "last-modified": ""})
        f.get(web.base + "/p", {"last-modified": "Wed, 21 Oct 2015 07:28:00 GMT"})
        assert f.requests == 4
    assert (page.url, page.final_url, page.status, page.content) == (web.base + "/p", web.base + "/p", 200,
                                                                      "局".encode("gb18030"))
    assert page.headers["x-extra"] == "1" and page.headers["etag"] == '"v1"' and "X-Extra" not in page.headers
    assert page.charset_override == "big5" and page.validators == {"etag": '"v1"'}
    first, bare, dated = (seen.headers for seen in web.log[1:])
    assert first["if-none-match"] == '"v1"' and first["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert "if-none-match" not in bare and "if-modified-since" not in bare
    assert "if-none-match" not in dated and dated["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert all(seen.headers["user-agent"] == "ua-test" for seen in web.log)


def test_post_sends_the_body_politely_and_returns_the_page(web):
    web.answer("/api", (200, {"Content-Type": "application/json", "X-Page": "2"}, b'{"ok": 1}'))
    web.answer("/robots.txt", (200, {}, b"User-agent: *\nDisallow: /private\n"))
    with quick(charset="utf-8") as f:
        page = f.post(web.base + "/api", b"fid=2&page=1", "application/x-www-form-urlencoded")
        with pytest.raises(FetchError) as refused:
            f.post(web.base + "/private", b"{}", "application/json")
        with pytest.raises(FetchError) as scheme:
            f.post("ftp://127.0.0.1/api", b"{}", "application/json")
    assert (page.url, page.final_url, page.status, page.content) == (web.base + "/api", web.base + "/api", 200,
                                                                      b'{"ok": 1}')
    assert page.headers["x-page"] == "2" and page.charset_override == "utf-8"
    robots, sent = web.log
    assert robots.path == "/robots.txt" and (sent.method, sent.path, sent.body) == ("POST", "/api", b"fid=2&page=1")
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.headers["user-agent"] == "ua-test"
    assert str(refused.value) == web.base + "/private：robots.txt 不允许抓取此网址"
    assert str(scheme.value) == "ftp://127.0.0.1/api：只支持 http/https 网址"


def test_get_refuses_other_schemes_without_a_request(web):
    with quick() as f, pytest.raises(FetchError) as caught:
        f.get("file:///etc/passwd")
    assert str(caught.value) == "file:///etc/passwd：只支持 http/https 网址" and f.requests == 0


# -- retries, backoff, Retry-After ------------------------------------------------------------------


def test_backoff_doubles_and_the_message_counts_the_attempts(web, clock):
    web.answer("/down", (502, {}, b""))
    with quick(retries=2, backoff=0.5) as f, pytest.raises(FetchError) as caught:
        f.get(web.base + "/down")
    assert str(caught.value) == web.base + "/down：服务器返回 HTTP 502（共尝试 3 次）"
    assert clock.sleeps == [0.5, 1.0]  # after the first and second attempt; none after the last
    assert f.requests == 4  # robots.txt and three attempts


def test_429_and_5xx_are_retried_4xx_and_other_statuses_are_not(web, clock):
    web.answer("/busy", (429, {}, b""), (200, {}, b"ok"))
    web.answer("/gone", (410, {}, b""))
    web.answer("/bad", (400, {}, b""))
    web.answer("/moved", (304, {}, b""))
    with quick(retries=1, backoff=0.25) as f:
        assert f.get(web.base + "/busy").content == b"ok"
        assert f.get(web.base + "/moved").status == 304
        with pytest.raises(FetchError) as caught:
            f.get(web.base + "/gone")
        with pytest.raises(FetchError) as bad:
            f.get(web.base + "/bad")
    assert str(caught.value) == web.base + "/gone：服务器返回 HTTP 410"
    assert str(bad.value) == web.base + "/bad：服务器返回 HTTP 400"
    assert [seen.path for seen in web.log] == ["/robots.txt", "/busy", "/busy", "/moved", "/gone", "/bad"]
    assert clock.sleeps == [0.25]


def test_retry_after_replaces_the_backoff_up_to_the_cap(web, clock, caplog):
    caplog.set_level("INFO", logger="wenzheng_bridge.fetching")
    web.answer("/wait", (503, {"Retry-After": "3"}, b""), (200, {}, b"ok"))
    web.answer("/cap", (503, {"Retry-After": "120"}, b""), (200, {}, b"ok"))
    web.answer("/over", (503, {"Retry-After": "121"}, b""))
    with quick(retries=2, backoff=0.5, max_retry_after=120) as f:
        assert f.get(web.base + "/wait").content == b"ok"
        assert f.get(web.base + "/cap").content == b"ok"  # exactly the cap is still waited for
        with pytest.raises(FetchError) as caught:
            f.get(web.base + "/over")
    assert clock.sleeps == [3.0, 120.0]
    assert [r.getMessage() for r in caplog.records if r.name == "wenzheng_bridge.fetching"] == [
        web.base + "/wait: Retry-After 3.0s", web.base + "/cap: Retry-After 120.0s"]
    assert str(caught.value) == web.base + "/over：服务器返回 HTTP 503，要求 121 秒后重试，超过上限 120 秒"


def test_retry_after_on_the_last_attempt_is_not_waited_for(web, clock):
    web.answer("/last", (503, {"Retry-After": "7"}, b""))
    with quick(retries=1, backoff=0.5) as f, pytest.raises(FetchError) as caught:
        f.get(web.base + "/last")
    assert clock.sleeps == [7.0]  # after the first attempt only
    assert str(caught.value) == web.base + "/last：服务器返回 HTTP 503（共尝试 2 次）"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_https_is_tried_by_get_and_post(clock):
    url = f"https://127.0.0.1:{closed_port()}/x"  # nothing listens: the scheme passes, the connection fails
    with quick(retries=0, robots=False) as f:
        with pytest.raises(FetchError, match="无法连接服务器"):
            f.get(url)
        with pytest.raises(FetchError, match="无法连接服务器"):
            f.post(url, b"{}", "application/json")


def test_an_unreachable_host_names_the_reason(clock):
    url = f"http://127.0.0.1:{closed_port()}/x"
    with quick(retries=0, robots=False) as f, pytest.raises(FetchError) as caught:
        f.get(url)
    message = str(caught.value)
    assert message.startswith(url + "：无法连接服务器（") and message.endswith("）（共尝试 1 次）")
    assert "Connection refused" in message and clock.sleeps == []


# -- robots.txt and the per-host clock ------------------------------------------------------------


def test_robots_txt_statuses(web):
    for status in (400, 403):
        web.answer("/robots.txt", (status, {}, b"User-agent: *\nDisallow: /\n"))
        with quick() as f:  # a 4xx: no rules at all, whatever its body says
            assert f.get(web.base + "/a").status == 200
    web.answer("/robots.txt", (200, {}, b"User-agent: ua-test\nDisallow: /b\n"))
    with quick() as f:
        assert f.get(web.base + "/a").status == 200
        with pytest.raises(FetchError) as caught:
            f.get(web.base + "/b")
    assert str(caught.value) == web.base + "/b：robots.txt 不允许抓取此网址"
    web.answer("/robots.txt", (500, {}, b""))
    with quick(retries=0) as f, pytest.raises(FetchError) as broken:
        f.get(web.base + "/a")
    assert str(broken.value) == (web.base + "/a：robots.txt 暂时无法读取（服务器返回 HTTP 500（共尝试 1 次））："
                                 "按 RFC 9309，本次拉取不抓取该站点，下次拉取时再试")


def test_robots_txt_is_decoded_with_its_charset(web):
    # Big5 bytes are not UTF-8, and GB18030 would read them as other characters (/щ禗): only the
    # declared charset gives back the rule's path.
    rules = "User-agent: *\nDisallow: /投訴\n".encode("big5")
    web.answer("/robots.txt", (200, {"Content-Type": "text/plain; charset=big5"}, rules))
    with quick() as f:
        with pytest.raises(FetchError, match="robots.txt 不允许"):
            f.get(web.base + "/投訴")
        assert f.get(web.base + "/投诉").status == 200


def test_crawl_delay_sets_the_spacing_when_it_is_longer_than_the_rate_limit(web, clock):
    web.answer("/robots.txt", (200, {}, b"User-agent: *\nCrawl-delay: 3\n"))
    with quick(rate_limit=1) as f:
        started = time.monotonic()
        for _ in range(3):
            f.get(web.base + "/a")
        spent = time.monotonic() - started
    # robots.txt at the rate limit (1 s), then pages 3 s apart: slots at 1, 4 and 7 s, each wait less the time spent
    assert len(clock.sleeps) == 3
    for waited, due in zip(clock.sleeps, (1.0, 4.0, 7.0)):
        assert due - spent <= waited <= due


def test_the_rate_limit_is_kept_per_host(web, clock):
    other = Scripted()
    try:
        with quick(rate_limit=1, robots=False) as f:
            f.get(web.base + "/a")
            f.get(other.base + "/a")  # another host: its own first slot, no wait
            assert clock.sleeps == []
            f.get(web.base + "/b")  # the first host again: about a second after its first request
            assert len(clock.sleeps) == 1 and 0 < clock.sleeps[0] <= 1.0
    finally:
        other.close()


@pytest.mark.parametrize("error, problem", [
    (httpx.ReadTimeout("read timed out"), "请求超时"),
    (httpx.ConnectError("连接被拒绝"), "无法连接服务器（连接被拒绝）"),
    (httpx.RemoteProtocolError("peer closed connection"), "连接中断或响应不完整（peer closed connection）"),
])
def test_each_transport_error_has_its_words(web, clock, error, problem):
    def failing(*args, **kwargs):
        raise error

    with quick(retries=1, backoff=0.5, robots=False) as f:
        f._request_within = failing
        with pytest.raises(FetchError) as caught:
            f.get(web.base + "/a")
    assert str(caught.value) == f"{web.base}/a：{problem}（共尝试 2 次）" and clock.sleeps == [0.5]


def test_the_timeout_is_a_deadline_for_the_whole_body(web):
    # Each read gets a byte within 0.1 s, so only the deadline can stop it: at 0.5 s, long before
    # the body is whole (1.5 s); the next request on the same fetcher has its own deadline.
    with quick(timeout=0.5, retries=0, robots=False) as f:
        for _ in range(2):
            started = time.monotonic()
            with pytest.raises(FetchError) as caught:
                f.get(web.base + "/drip")
            assert 0.45 <= time.monotonic() - started < 1.2
            assert str(caught.value) == web.base + "/drip：请求超时（0.5 秒内未完成）（共尝试 1 次）"
        assert f.get(web.base + "/a").status == 200


def test_a_connection_that_never_opens_times_out_at_the_deadline():
    # A listening socket whose accept queue is full: the kernel drops further SYNs, so the connection
    # never opens and the watchdog has no socket to shut: only the request's own timeout ends it.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    held = []
    while True:  # fill the queue until a connection no longer opens
        probe = socket.socket()
        probe.settimeout(0.2)
        try:
            probe.connect(listener.getsockname())
        except OSError:
            probe.close()
            break
        held.append(probe)
    url = "http://127.0.0.1:%d/x" % listener.getsockname()[1]
    outcome: list = []

    def fetch():
        started = time.monotonic()
        with quick(timeout=0.5, retries=0, robots=False) as f:
            try:
                f.get(url)
            except FetchError as error:
                outcome.append((str(error), time.monotonic() - started))

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(3.0)  # a fetcher without the timeout would wait for the kernel's SYN retries (minutes)
    for sock in held + [listener]:
        sock.close()
    assert len(outcome) == 1, "no answer within 3 s"
    message, elapsed = outcome[0]
    assert message == url + "：请求超时（共尝试 1 次）" and elapsed < 1.0


def test_the_host_clock_spaces_calls_per_host(clock):
    hosts = _HostClock()
    hosts.wait("a", 0)  # no limit: nothing waited, nothing booked
    hosts.wait("a", 0)
    assert clock.sleeps == []
    hosts.wait("z", 5.0)
    hosts.wait("z", 0)  # a fetcher without a limit does not queue behind one with a limit
    assert clock.sleeps == []
    started = time.monotonic()
    hosts.wait("a", 2.0)
    hosts.wait("b", 2.0)  # another host has its own slots
    hosts.wait("a", 2.0)
    hosts.wait("a", 2.0)
    spent = time.monotonic() - started
    assert len(clock.sleeps) == 2
    assert 2.0 - spent <= clock.sleeps[0] <= 2.0 and 4.0 - spent <= clock.sleeps[1] <= 4.0


# -- small helpers ------------------------------------------------------------------------------


def test_reason_is_the_message_or_the_type_cut_at_160_characters():
    assert _reason(ValueError("")) == "ValueError"
    assert _reason(ValueError("连接被拒绝")) == "连接被拒绝"
    assert _reason(ValueError("x" * 159)) == "x" * 159
    assert _reason(ValueError("x" * 160)) == "x" * 160 + "…"
    assert _reason(ValueError("y" * 200)) == "y" * 160 + "…"


def test_retry_after_as_seconds_or_an_http_date():
    assert _retry_after(None) is None and _retry_after("") is None
    assert _retry_after(" 30 ") == 30.0 and _retry_after("0") == 0.0
    assert _retry_after("1.5") is None and _retry_after("soon") is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    assert 87.0 <= _retry_after(later) <= 90.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # past: no wait, never negative


def test_http_url_problem():
    assert http_url_problem("https://example.org/list?fid=2") is None
    assert http_url_problem("http://127.0.0.1:8000/") is None
    assert http_url_problem("ftp://example.org/") == "不是有效的 http/https 网址：'ftp://example.org/'"
    assert http_url_problem("http:///path") == "不是有效的 http/https 网址：'http:///path'"
    assert http_url_problem("example.org") == "不是有效的 http/https 网址：'example.org'"
    assert http_url_problem(42) == "不是有效的 http/https 网址：42"
    assert http_url_problem(None) == "不是有效的 http/https 网址：None"


# -- charsets -------------------------------------------------------------------------------------


def page(content: bytes = b"", content_type: str = "", override: str = "") -> Page:
    headers = {"content-type": content_type} if content_type else {}
    return Page("http://x/", "http://x/", 200, content, headers, override)


def test_declared_charsets_in_trust_order_aliased_and_once_each():
    body = b'<?xml version="1.0" encoding="GB2312"?><html><meta charset="Big5">'
    assert page(body, "text/html; Charset=\"UTF8\"", " GBK ").declared_charsets() == ["gb18030", "utf-8", "big5"]
    assert page(body, "text/html; charset=utf-8").declared_charsets() == ["utf-8", "gb18030", "big5"]
    assert page(b"<meta http-equiv='Content-Type' content='text/html; charset=x-gbk'>").declared_charsets() \
        == ["gb18030"]
    assert page(b"  <?xml version='1.0' encoding='cp936'?>").declared_charsets() == ["gb18030"]
    assert page(b"<html>", "text/html").declared_charsets() == [] and page(b"<html>").charset == ""
    late = b" " * 2048 + b'<meta charset="gbk">'  # only the first 2048 bytes are looked at
    assert page(late).declared_charsets() == []
    edge = b" " * (2048 - len(b"<meta charset=")) + b"<meta charset=gbk>"  # the name starts at byte 2049
    assert page(edge).declared_charsets() == []
    assert page(b" " * 2000 + b'<meta charset="gbk">').declared_charsets() == ["gb18030"]
    assert page(b"", "text/html; charset=gb_2312-80").charset == "gb18030"


def test_text_tries_each_charset_then_replaces():
    gbk = "投诉".encode("gb18030")
    assert page(gbk, "text/html; charset=utf-8").text == "投诉"  # a lying header gives way
    assert page(gbk, "text/html; charset=x-unknown").text == "投诉"  # an unknown name is skipped
    assert page(gbk, override="utf-8").text == gbk.decode("utf-8", errors="replace")  # the override is final
    broken = b"\x80\xff"  # neither UTF-8 nor GB18030
    assert page(broken, "text/plain; charset=ascii").text == "\ufffd\ufffd"
    assert page(broken).text == "\ufffd\ufffd"
