"""The fixture HTTP server: serves ``ForumData`` in real formats and misbehaves on request.

Routes (Discuz! X3.4 URLs plus two extras):
  /forum.php?mod=forumdisplay&fid=N&page=P    board list page
  /forum.php?mod=viewthread&tid=T             thread page (each fetch adds a view, as Discuz! does)
  /forum.php?mod=rss&fid=N                    RSS 2.0 of the board
  /atom.xml?fid=N                             Atom feed of the board
  /api/threads?fid=N&lastItem=T&pageSize=S    leader-message-board list JSON (GET, or POST with a
                                              form or JSON body; ``json_post_only`` answers GET 405)
  /api/thread?tid=T                           the item's detail JSON (GET or POST tid=T)
  /robots.txt                                 ``server.robots`` (404 when None)

Every 200 carries an ETag (and feeds a Last-Modified); a matching
If-None-Match / If-Modified-Since gets a 304. ``server.fail(match, kind, ...)``
adds a fault for requests whose path+query contains ``match``; ``kind`` is
one of ``Rule.KINDS``. ``server.log`` records every request.
"""
from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import render
from .data import ForumData


@dataclass
class Rule:
    """One fault: ``kind`` for requests containing ``match``, ``times`` times (None = always)."""

    KINDS = ("status", "slow", "truncate", "truncate_close", "reset", "invalid_xml", "wrong_charset",
             "redirect_loop", "empty_feed", "garbage", "replace", "drip")
    match: str
    kind: str
    times: int | None = None
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0
    old: str = ""  # "replace": substitute text in the page
    new: str = ""
    hits: int = 0

    def applies(self, target: str) -> bool:
        """``match`` may end with "&" to mean "this parameter exactly" (tid=37& is not tid=379)."""
        return self.match in target + "&" and (self.times is None or self.hits < self.times)


@dataclass
class LoggedRequest:
    path: str
    query: dict
    headers: dict
    status: int = 0

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        """Parameters from a form or a JSON body, merged over the query (the list API takes POST)."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        if "json" in (self.headers.get("Content-Type") or ""):
            posted = {k: str(v) for k, v in json.loads(raw or "{}").items()}
        else:
            posted = {k: v[-1] for k, v in parse_qs(raw).items()}
        self.do_GET(posted)

    def do_GET(self, posted: dict | None = None):
        fixture = self.server.fixture
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if posted is not None:
            query = {**query, **posted, "_method": "POST"}
        entry = LoggedRequest(parts.path, query, {k.lower(): v for k, v in self.headers.items()})
        with fixture.lock:
            fixture.log.append(entry)
            rule = next((r for r in fixture.rules if r.applies(self.path)), None)
            if rule:
                rule.hits += 1
        if fixture.delay:
            time.sleep(fixture.delay)
        if rule and self._fault(rule, entry):
            return
        try:
            status, ctype, body, modified = fixture.route(parts.path, query, rule)
        except KeyError:
            status, ctype, body, modified = 404, "text/html; charset=utf-8", "<h1>404</h1>".encode(), None
        self._send(entry, status, ctype, body, modified, rule)

    def _send(self, entry, status, ctype, body: bytes, modified: datetime | None, rule):
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        lastmod = format_datetime(modified.astimezone(timezone.utc), usegmt=True) if modified else None
        if status == 200 and self._fresh(entry, etag, modified):
            entry.status = 304
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        entry.status = status
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if status == 200:
            self.send_header("ETag", etag)
            if lastmod:
                self.send_header("Last-Modified", lastmod)
        if rule and rule.kind == "truncate_close":  # no length: the body just stops
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if rule and rule.kind == "drip":  # one byte every ``seconds``: each read succeeds, the whole never ends
            try:
                for index in range(len(body)):
                    self.wfile.write(body[index:index + 1])
                    self.wfile.flush()
                    time.sleep(rule.seconds)
            except OSError:
                pass  # the client gave up
            self.close_connection = True
            return
        if rule and rule.kind == "truncate":  # promised more than sent
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def _fresh(self, entry, etag: str, modified: datetime | None) -> bool:
        if "if-none-match" in entry.headers:
            return etag in [t.strip() for t in entry.headers["if-none-match"].split(",")]
        if modified and "if-modified-since" in entry.headers:
            try:
                return modified.replace(microsecond=0) <= parsedate_to_datetime(entry.headers["if-modified-since"])
            except (TypeError, ValueError):
                return False
        return False

    def _fault(self, rule: Rule, entry) -> bool:
        """Apply a fault that replaces the response; return False to serve (maybe altered) content."""
        if rule.kind == "status":
            entry.status = rule.status
            self.send_response(rule.status)
            if rule.retry_after is not None:
                self.send_header("Retry-After", rule.retry_after)
            body = f"<h1>{rule.status}</h1>".encode()
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True
        if rule.kind == "slow":
            time.sleep(rule.seconds)
            return False
        if rule.kind == "reset":  # RST instead of a response
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return True
        if rule.kind == "redirect_loop":
            entry.status = 302
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fixture: "FixtureServer"


@dataclass
class FixtureServer:
    """Start with ``with FixtureServer(data) as server:``; ``server.base`` is its URL."""

    data: ForumData = field(default_factory=ForumData.from_sample)
    now: datetime | None = None  # what "now" is for relative dates (default: 3 h after the newest post)
    charset: str = "utf-8"  # forum page encoding: "utf-8" or "gbk"
    titles: bool = True  # Discuz! puts the absolute date in a span title; False drops it
    per_page: int = render.PER_PAGE
    show_total: bool = True  # the pager's <span title="共 N 页">; False leaves only "page repeats" to stop on
    robots: str | None = "User-agent: *\nDisallow: /admin.php\n"
    json_cut: int | None = None  # the list API shortens bodies longer than this to N chars + "…"
    json_post_only: bool = False  # the list API answers a GET with 405, as the real endpoint does
    delay: float = 0.0  # seconds before every response (for kill tests)
    port: int = 0  # 0 = any free port
    rules: list[Rule] = field(default_factory=list)
    log: list[LoggedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.now = self.now or render.fixed_now(self.data)
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.fixture = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> "FixtureServer":
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    # -- test controls --------------------------------------------------
    def fail(self, match: str, kind: str, times: int | None = None, **options) -> Rule:
        assert kind in Rule.KINDS, kind
        rule = Rule(match, kind, times, **options)
        with self.lock:
            self.rules.append(rule)
        return rule

    def heal(self) -> None:
        with self.lock:
            self.rules.clear()

    def requests(self, contains: str = "") -> list[LoggedRequest]:
        with self.lock:
            return [r for r in self.log if contains in r.path + "?" + "&".join(f"{k}={v}" for k, v in r.query.items())]

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()

    def board_url(self, fid: int) -> str:
        return f"{self.base}forum.php?mod=forumdisplay&fid={fid}"

    def rss_url(self, fid: int) -> str:
        return f"{self.base}forum.php?mod=rss&fid={fid}"

    # -- routing ----------------------------------------------------------
    def route(self, path: str, q: dict, rule: Rule | None):
        html = f"text/html; charset={self.charset}"
        if path == "/_fixture/stats":  # for benchmarks running the server in another process
            with self.lock:
                logged = [r for r in self.log if r.path != path]
                stats = {"requests": len(logged), "conditional": sum(r.conditional for r in logged),
                         "not_modified": sum(r.status == 304 for r in logged),
                         "lists": sum(r.query.get("mod") == "forumdisplay" for r in logged),
                         "threads": sum(r.query.get("mod") == "viewthread" for r in logged)}
            return 200, "application/json", json.dumps(stats).encode(), None
        if path == "/robots.txt":
            if self.robots is None:
                raise KeyError(path)
            return 200, "text/plain", self.robots.encode(), None
        if path == "/forum.php" and q.get("mod") == "forumdisplay":
            text = render.board_page(self.data, int(q["fid"]), int(q.get("page", 1)), self.now, self.charset,
                                     self.titles, self.show_total, self.per_page)
            return self._page(200, html, text, rule)
        if path == "/forum.php" and q.get("mod") == "viewthread":
            tid = int(q["tid"])
            if tid not in self.data.threads:
                return self._page(200, html, render.deleted_thread(self.charset), rule)
            with self.lock:
                self.data.threads[tid].views += 1  # Discuz! counts every view
            text = render.thread_page(self.data, tid, self.now, self.charset, self.titles, int(q.get("page", 1)))
            return self._page(200, html, text, rule)
        if path == "/forum.php" and q.get("mod") == "rss":
            fid = int(q["fid"])
            text = render.rss(self.data, fid, self.base, empty=bool(rule and rule.kind == "empty_feed"),
                              charset=self.charset)  # a GBK forum's RSS is GBK too, declared only in the XML
            newest = max((t.first.time for t in self.data.threads.values() if t.fid == fid), default=None)
            status, ctype, body, _ = self._page(200, "application/xml", text, rule)
            return status, ctype, body, newest
        if path == "/atom.xml":
            text = render.atom(self.data, int(q["fid"]), self.base)
            return self._page(200, "application/atom+xml; charset=utf-8", text, rule, xml=True)
        if path == "/api/threads":
            if self.json_post_only and q.get("_method") != "POST":
                return 405, "text/html; charset=utf-8", b"<h1>405 Method Not Allowed</h1>", None
            last = int(q["lastItem"]) if q.get("lastItem") else None
            fid = int(q["fid"]) if q.get("fid") else None
            text = render.json_list(self.data, last, int(q.get("pageSize", render.PER_PAGE)), fid, self.json_cut)
            return self._page(200, "application/json; charset=utf-8", text, rule)
        if path == "/api/thread":
            text = render.json_detail(self.data, int(q["tid"]))
            return self._page(200, "application/json; charset=utf-8", text, rule)
        raise KeyError(path)

    def _page(self, status, ctype, text: str, rule: Rule | None, xml: bool = False):
        encoding = "gb18030" if self.charset.lower() in ("gbk", "gb2312", "gb18030") and not xml else "utf-8"
        if rule and rule.kind == "invalid_xml":
            text = text.replace("</item>", "</itme>", 1).replace("</entry>", "<entry>", 1).replace("&amp;", "&", 3)
        if rule and rule.kind == "garbage":
            text = text[: len(text) // 3] + "<<<&&&\x00" + text[len(text) // 3:]
        if rule and rule.kind == "replace":
            text = text.replace(rule.old, rule.new)
        body = text.encode(encoding, errors="xmlcharrefreplace")
        if rule and rule.kind == "wrong_charset":  # GBK bytes under a header (and meta) saying UTF-8
            body = text.replace("charset=gbk", "charset=utf-8").encode("gb18030", errors="xmlcharrefreplace")
            ctype = ctype.split(";")[0] + "; charset=utf-8"
        return status, ctype, body, None
