"""Polite HTTP for the web sources: one ``Fetcher`` per source and pull.

What "polite" means here (DESIGN.md, "fetching"): a User-Agent that names the
tool, robots.txt obeyed, a per-host rate limit shared by every source in the
process, retries with exponential backoff on 5xx / timeouts / dropped
connections, ``Retry-After`` honoured, and conditional GET so an unchanged
page costs a 304. Bodies are decoded here, once, with the charset rules every
Chinese site needs (GB18030 for GBK pages that lie about their charset).

Errors are ``FetchError`` with the URL and a Chinese explanation; adapters turn
them into ``SourceError`` items so one bad page never stops a pull.
"""
from __future__ import annotations

import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import cached_property
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from .config import CoreSettings, Option, not_negative, read
from .errors import WenzhengError

log = logging.getLogger(__name__)

RETRY_STATUSES = {500, 502, 503, 504, 429}
# GBK and GB2312 pages routinely carry characters only GB18030 has; decode with the superset.
_CHARSET_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
                    "cp936": "gb18030", "utf8": "utf-8"}
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


class FetchError(WenzhengError):
    """A page could not be fetched: which URL, and what happened (in Chinese)."""

    def __init__(self, url: str, problem: str):
        self.url, self.problem = url, problem
        super().__init__(f"{url}：{problem}")


@dataclass
class Page:
    """A fetched page. ``not_modified`` means a 304: no body, nothing changed."""

    url: str  # as requested (the key of its conditional-GET state)
    final_url: str
    status: int
    content: bytes = b""
    headers: dict = field(default_factory=dict)
    charset_override: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> dict:
        """What to send next time for a conditional GET (ETag / Last-Modified)."""
        return {k: self.headers[k] for k in ("etag", "last-modified") if self.headers.get(k)}

    @cached_property
    def charset(self) -> str:
        """The most trusted declared charset ("" when the page declares none)."""
        return next(iter(self.declared_charsets()), "")

    def declared_charsets(self) -> list[str]:
        """Charsets to try, most trusted first: override, HTTP header, XML declaration, <meta>."""
        found = [self.charset_override]
        header = self.headers.get("content-type", "")
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", header, re.I)
        found.append(match.group(1) if match else "")
        head = self.content[:2048]
        for pattern in (_XML_DECL, _META):
            match = pattern.search(head)
            found.append(match.group(1).decode("ascii", "replace") if match else "")
        out: list[str] = []
        for name in found:
            name = _CHARSET_ALIASES.get(name.strip().lower(), name.strip().lower())
            if name and name not in out:
                out.append(name)
        return out

    @cached_property
    def text(self) -> str:
        """The body decoded: the first declared charset that decodes cleanly, then UTF-8, then GB18030.

        A wrong HTTP header (GBK page served as UTF-8) is common on Chinese
        sites, so a charset that fails strictly gives way to the next candidate.
        """
        candidates = self.declared_charsets()
        if self.charset_override:
            return self.content.decode(candidates[0], errors="replace")
        for name in candidates + ["utf-8", "gb18030"]:
            try:
                return self.content.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
        return self.content.decode((candidates or ["utf-8"])[0], errors="replace")


class _HostClock:
    """Per-host request spacing shared by every Fetcher in the process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, interval: float) -> None:
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + interval
        if slot > now:
            time.sleep(slot - now)


HOST_CLOCK = _HostClock()


#: A web source's fetching options (part of every source's options, sources/settings.py).
FETCH_OPTIONS: dict[str, Option] = {
    "charset": Option(str, "", "override the charset of fetched pages"),
    "rate_limit": Option((int, float), 1.0, "requests per second to one host (0 = no limit)", not_negative),
    "timeout": Option((int, float), 10.0, "seconds one request may take in all (a deadline, not per read)",
                      not_negative),
    "retries": Option(int, 3, "retries after a 5xx, a timeout or a dropped connection", not_negative),
    "backoff": Option((int, float), 1.0, "first wait between retries in seconds (doubles each time)", not_negative),
    "robots": Option(bool, True, "obey robots.txt"),
}

class Fetcher:
    """GET pages politely for one source. Use as a context manager or call ``close()``."""

    def __init__(self, source: str = "", user_agent: str = "wenzheng-bridge", rate_limit: float = 1.0,
                 charset: str = "", timeout: float = 10.0, retries: int = 3, backoff: float = 1.0,
                 max_retry_after: float = 120.0, robots: bool = True, max_redirects: int = 10):
        self.source = source
        self.user_agent = user_agent
        self.interval = 1.0 / rate_limit if rate_limit else 0.0
        self.charset = charset
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.obey_robots = robots
        self.timeout = timeout
        # No kept-alive connections: the deadline watchdog needs each request's own socket
        # (it is learnt when the connection opens); at about one request a second this costs nothing.
        self.client = httpx.Client(
            headers={"User-Agent": user_agent}, timeout=httpx.Timeout(timeout),
            follow_redirects=True, max_redirects=max_redirects,
            limits=httpx.Limits(max_keepalive_connections=0),
        )
        self._robots: dict[str, RobotFileParser | FetchError] = {}
        self.requests = 0  # sent, including retries and robots.txt (for benchmarks and reports)

    @classmethod
    def from_settings(cls, settings: dict, source: dict) -> "Fetcher":
        return cls(source=source.get("name", ""), user_agent=CoreSettings.of(settings).user_agent,
                   **{key: read(FETCH_OPTIONS, source, key) for key in FETCH_OPTIONS})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.client.close()

    # -- the one public verb ---------------------------------------------
    def get(self, url: str, validators: dict | None = None) -> Page:
        """Fetch ``url``; with ``validators`` (from ``Page.validators``) a 304 comes back as ``not_modified``."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(url, "只支持 http/https 网址")
        self._check_robots(url)
        headers = {}
        if validators:
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last-modified"):
                headers["If-Modified-Since"] = validators["last-modified"]
        response = self._send(url, headers)
        return Page(url=url, final_url=str(response.url), status=response.status_code,
                    content=response.content, headers={k.lower(): v for k, v in response.headers.items()},
                    charset_override=self.charset)

    def post(self, url: str, content: bytes, content_type: str) -> Page:
        """POST ``content`` (a form or a JSON body) to ``url``, as politely as a GET (list APIs need it)."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(url, "只支持 http/https 网址")
        self._check_robots(url)
        response = self._send(url, {"Content-Type": content_type}, method="POST", content=content)
        return Page(url=url, final_url=str(response.url), status=response.status_code,
                    content=response.content, headers={k.lower(): v for k, v in response.headers.items()},
                    charset_override=self.charset)

    # -- internals -------------------------------------------------------
    def _send(self, url: str, headers: dict, method: str = "GET", content: bytes | None = None,
              client_errors: bool = False) -> httpx.Response:
        """One logical request: retries on transient trouble, then a clear FetchError.

        ``client_errors`` returns a 4xx answer instead of raising (robots.txt needs to see it).
        """
        host = urlsplit(url).netloc
        attempts = self.retries + 1
        problem = ""
        for attempt in range(attempts):
            HOST_CLOCK.wait(host, self._interval(url))
            self.requests += 1
            deadline = _Deadline(self.timeout)
            try:
                with deadline:
                    response = self._request_within(method, url, headers, content, deadline)
            except httpx.TooManyRedirects:
                raise FetchError(url, "重定向次数过多（可能是重定向循环）") from None
            except httpx.TimeoutException:
                problem = "请求超时"
            except httpx.ConnectError as error:
                problem = f"无法连接服务器（{_reason(error)}）"
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
                problem = (f"请求超时（{self.timeout:g} 秒内未完成）" if deadline.expired
                           else f"连接中断或响应不完整（{_reason(error)}）")
            else:
                if response.status_code < 400 or (client_errors and response.status_code < 500):
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise FetchError(url, f"服务器返回 HTTP {response.status_code}")
                problem = f"服务器返回 HTTP {response.status_code}"
                wait = _retry_after(response.headers.get("retry-after"))
                if wait is not None and attempt < attempts - 1:
                    if wait > self.max_retry_after:
                        raise FetchError(url, f"{problem}，要求 {wait:.0f} 秒后重试，超过上限 {self.max_retry_after:.0f} 秒")
                    log.info("%s: Retry-After %.1fs", url, wait)
                    time.sleep(wait)
                    continue
            if attempt < attempts - 1:
                time.sleep(self.backoff * (2 ** attempt))
        raise FetchError(url, f"{problem}（共尝试 {attempts} 次）")

    def _request_within(self, method: str, url: str, headers: dict, content: bytes | None,
                        deadline: "_Deadline") -> httpx.Response:
        """One request with its body read, every step bounded by what is left of the deadline."""
        left = max(deadline.left(), 0.001)
        with self.client.stream(method, url, headers=headers, content=content, timeout=httpx.Timeout(left),
                                extensions={"trace": deadline.trace}) as response:
            response.read()
        return response

    def _interval(self, url: str) -> float:
        robots = self._robots.get(_origin(url))
        delay = robots.crawl_delay(self.user_agent) if isinstance(robots, RobotFileParser) else None
        return max(self.interval, float(delay or 0))

    def _check_robots(self, url: str) -> None:
        if not self.obey_robots:
            return
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        robots = self._robots[origin]
        if isinstance(robots, FetchError):
            raise FetchError(url, f"robots.txt 暂时无法读取（{robots.problem}）：按 RFC 9309，本次拉取不抓取该站点，"
                                  "下次拉取时再试")
        if not robots.can_fetch(self.user_agent, url):
            raise FetchError(url, "robots.txt 不允许抓取此网址")

    def _load_robots(self, origin: str) -> RobotFileParser | FetchError:
        """robots.txt of a host, read once per pull (RFC 9309).

        A 4xx answer means no rules. A 5xx (after the usual retries) or no answer
        is kept as the error: the host counts as disallowed until the next pull,
        and every later URL of it fails fast without a request.
        """
        url = urljoin(origin, "/robots.txt")
        parser = RobotFileParser(url)
        try:
            response = self._send(url, {}, client_errors=True)
        except FetchError as error:
            return error
        if response.status_code >= 400:
            parser.parse([])
        else:
            page = Page(url, str(response.url), response.status_code, response.content,
                        {k.lower(): v for k, v in response.headers.items()})
            parser.parse(page.text.splitlines())
        return parser


class _Deadline:
    """A watchdog for one request: when time is up it shuts the request's socket.

    httpx's timeouts bound each read, so a byte every few seconds never trips
    them; shutting the socket down wakes the blocked read at the deadline.
    The socket is learnt from httpx's trace hook as the connection opens.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def left(self) -> float:
        return self.end - time.monotonic()

    def trace(self, event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with self._lock:
                    self._sockets.append(sock)
                    if self.expired:
                        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) < 160 else text[:160] + "…"


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def http_url_problem(value) -> str | None:
    """Option check for a source URL (used by the web adapters' ``options``)."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"不是有效的 http/https 网址：{value!r}"
    return None
