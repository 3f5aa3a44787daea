"""Loading pages full of hostile text in Chromium, and knowing whether any of it ran.

Shared by the XSS tests (tests/test_xss_*.py) and the corpus benchmark (bench/xss_corpus.py).

- Every frame of a guarded page starts with ``alert``, ``prompt``, ``confirm`` and
  ``print`` replaced by recorders (an init script runs before any page script, in
  iframes too), so a payload calling them is counted instead of blocking the run;
  a real dialog, should one still open, is counted and dismissed.
- Any request to a host other than 127.0.0.1 is aborted and counted: a payload
  loading ``//evil.example/x.js`` fails and is seen.
- ``window.__xss`` (the flag our own payloads set) is read after each load.
"""
from __future__ import annotations

import html
import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from lxml import html as lxml_html

from wenzheng_bridge.records import SHANGHAI

HOOKS = """
(() => {
  const record = (name) => function () {
    try { (window.top.__fired = window.top.__fired || []).push(name + ":" + location.href); }
    catch (e) { (window.__fired = window.__fired || []).push(name + ":" + location.href); }
    return name === "confirm" ? false : name === "prompt" ? null : undefined;
  };
  for (const name of ["alert", "prompt", "confirm", "print"]) {
    Object.defineProperty(window, name, { value: record(name), writable: false, configurable: false });
  }
})();
"""


def nested(text: str, depth: int) -> str:
    """``text`` HTML-escaped ``depth`` times: ``<`` -> ``&lt;`` -> ``&amp;lt;`` …"""
    for _ in range(depth):
        text = html.escape(text, quote=False)
    return text


def with_nested_variants(payloads: list[str], depth: int = 10, every: int = 1) -> list[str]:
    """The payloads, then every ``every``-th of them escaped 1..``depth`` times (the first carrying markup)."""
    marked = [p for p in payloads if "<" in p][::every]
    return list(dict.fromkeys(payloads + [nested(p, d) for p in marked for d in range(1, depth + 1)]))


class Guard:
    """What the hostile pages tried: hooked calls, real dialogs, requests to other hosts, the flag."""

    def __init__(self):
        self.fired: list[str] = []
        self.blocked: list[str] = []

    def check(self, page, url: str) -> None:
        for frame in page.frames:
            try:
                calls, flag = frame.evaluate(
                    "() => { const f = window.__fired || []; window.__fired = []; return [f, window.__xss !== undefined]; }")
            except Exception:  # a frame that went away meanwhile
                continue
            self.fired += [f"{url}: {call}" for call in calls]
            if flag:
                self.fired.append(f"{url}: window.__xss set")


@contextmanager
def guarded_page(browser, allowed_host: str = "127.0.0.1"):
    """A new page with the hooks installed and other hosts blocked; yields (page, guard)."""
    guard = Guard()
    context = browser.new_context()
    context.add_init_script(HOOKS)

    def route(request_route):
        host = urlsplit(request_route.request.url).hostname
        if host == allowed_host or request_route.request.url.startswith(("data:", "blob:", "about:")):
            request_route.continue_()
        else:
            guard.blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda dialog: (guard.fired.append(f"dialog {dialog.type}: {dialog.message}"),
                                      dialog.dismiss()))
    try:
        yield page, guard
    finally:
        context.close()


_SCRIPT_URL = re.compile(r"\s*(javascript|data|vbscript):", re.I)
#: Attributes a browser follows as a URL (a meta description or a title may say "javascript:" as text).
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset",
                   "ping", "cite", "manifest", "srcdoc", "codebase", "dynsrc", "lowsrc"}
_EMBEDS = ("iframe", "object", "embed", "base", "svg", "math", "form")


def active_markup(page: bytes) -> tuple[list[str], set[str]]:
    """A built page parsed as HTML: (what could run that a source may have put there, the scripts it loads).

    Event-handler attributes, script URLs in any attribute, embedded documents and
    meta refreshes are problems; scripts are returned (src, or "inline:" and their
    start) for the caller to compare with the theme's own.
    """
    problems, scripts = [], set()
    for element in lxml_html.fromstring(page).iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"<{element.tag} {name}=…>")
            if name.lower() in _URL_ATTRIBUTES and _SCRIPT_URL.match(value):
                problems.append(f"<{element.tag} {name}={value[:40]!r}>")
        if element.tag in _EMBEDS:
            problems.append(f"<{element.tag}>")
        if element.tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            problems.append("<meta http-equiv=refresh>")
        if element.tag == "script":
            scripts.add(element.get("src") or "inline:" + (element.text or "")[:60])
            if "__xss" in (element.text or "") or "alert(" in (element.text or ""):
                problems.append("<script> with a payload")
    return problems, scripts


def hostile_forum(first_fid: int, texts: list[str], spokesperson: str):
    """A Discuz! fixture forum (tests/webfixtures) where thread ``i`` is the only one of board
    ``first_fid + i``, and that board's name, the thread's title, its first post and a
    spokesperson's reply each carry ``texts[i]``."""
    from webfixtures import ForumData, Post, Thread

    data = ForumData()
    start = datetime(2019, 5, 1, 9, 0, tzinfo=SHANGHAI)
    for i, text in enumerate(texts):
        fid, tid = first_fid + i, 500_000 + first_fid + i
        data.boards[fid] = f"{text}版{i}"
        when = start + timedelta(minutes=7 * i)
        data.threads[tid] = Thread(tid=tid, fid=fid, subject=f"帖{i} {text}", posts=[
            Post(tid * 100, f"网友{i}", when, f"楼主{i}：{text}\n第二行"),
            Post(tid * 100 + 1, spokesperson, when + timedelta(days=2), f"答复{i}：{text}"),
        ])
    return data
