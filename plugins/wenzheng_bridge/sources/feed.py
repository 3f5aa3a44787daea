"""Feed source: RSS 2.0 and Atom through feedparser.

A Discuz! RSS item carries only the first ~250 bytes of the post and nothing
about replies, so the thread page of a Discuz! item is opened (through the
forum source's parser) whenever the item is new or changed, for the full text,
the spokesperson replies and the 网友补充; threads the feed listed before are
read again by the recheck policy (recheck.py), since a reply or an edit never
shows in the feed. A Discuz! thread of a forum that is also pulled as a
``forum`` source (same root URL) is stored as that source's case, under the
same key and canonical URL, so one thread is one case with one history.

The feed itself is fetched with a conditional GET; an unchanged feed costs one
304. An empty feed is never taken as the truth: Discuz! can answer the first
request after a cache expiry with no items, so nothing is marked gone and its
validators are not kept.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import feedparser

from ..config import Choice, CoreSettings, Option
from ..fetching import FetchError, http_url_problem
from ..records import SHANGHAI, Gone, Petition, SourceError
from . import recheck
from .base import SourceAdapter, spokesperson_facts
from .common import clean_text, html_to_text, petition_type, places
from .forum import forum_root, open_thread, thread_url

_TID = re.compile(r"[?&]tid=(\d+)")
_DISCUZ_THREAD = re.compile(r"^(.*/)forum\.php\?(?:.*&)?mod=viewthread(?:&.*)?$")
_DISCUZ_REWRITTEN = re.compile(r"^(.*/)thread-(\d+)-\d+-\d+\.html$")  # Discuz! with URL rewriting on
_LISTED = "listed:"  # fetch-state key prefix: Discuz! threads this feed has listed -> "root#tid"
_DECLARED = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _urls_problem(value) -> str | None:
    urls = [value] if isinstance(value, str) else value
    if not urls or not all(isinstance(u, str) for u in urls):
        return "应为订阅源网址或网址列表"
    return next((p for p in map(http_url_problem, urls) if p), None)


def parse_feed(text: str, source: str = "", item: str = "") -> feedparser.FeedParserDict:
    """Parse decoded feed text. SourceError when it is not a feed at all.

    The text is already decoded (fetching.Page.text), so the XML declaration's
    encoding is rewritten to match the UTF-8 bytes handed to feedparser.
    """
    data = _DECLARED.sub(r'\1"utf-8"', text, count=1).encode("utf-8", errors="replace")
    try:
        # No cleaning by feedparser: it guesses that an RSS title holding "<img …>" is HTML and rewrites
        # it, deleting what a resident typed. Titles stay text; descriptions get the one nh3 step.
        parsed = feedparser.parse(data, response_headers={"content-type": "application/xml; charset=utf-8"},
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as error:  # feedparser's own crashes on hostile input (e.g. &#xD800;) are bad input too
        raise SourceError(source, item, "XML", f"订阅源无法解析：{type(error).__name__}: {error}") from None
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception") or "没有 RSS/Atom 内容"
        raise SourceError(source, item, "XML", f"不是有效的 RSS/Atom 订阅源：{problem}")
    return parsed


def entry_time(entry) -> datetime | None:
    """feedparser's parsed times are UTC (RSS pubDate is GMT on Discuz!); shown in Asia/Shanghai."""
    for key in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, key)  # plain get: feedparser's updated->published alias warns
        if value:
            return datetime(*value[:6], tzinfo=timezone.utc).astimezone(SHANGHAI)
    return None


def _raw(entry, key: str) -> str:
    return dict.get(entry, key) or ""


def entry_title(entry, atom: bool) -> str:
    """An item's title as text. RSS titles are text (feedparser's "looks like HTML" is a guess, not the
    feed's word); an Atom title is HTML only when the feed says so (``type="html"`` or ``"xhtml"``)."""
    kind = (entry.get("title_detail") or {}).get("type", "text/plain")
    if atom and kind in ("text/html", "application/xhtml+xml"):
        return html_to_text(entry.get("title"))
    return clean_text(entry.get("title"))


def entry_id(entry) -> str:
    """A Discuz! thread id when the link has one, else the feed's id (hashed if not URL-safe)."""
    link = entry.get("link", "")
    match = _TID.search(link) or _DISCUZ_REWRITTEN.match(link)
    if match:
        return match[match.lastindex]
    raw = entry.get("id") or link or entry.get("title", "")
    tail = re.search(r"(\d+)(?:\.html?)?/?$", raw)
    if _SAFE_ID.match(raw):
        return raw
    return tail[1] if tail else hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


class FeedSource(SourceAdapter):
    #: An item's description (or Atom content) is HTML, read as text once; its title, category
    #: and author are text (feedparser decodes the XML once). Opened thread pages: as the forum.
    html_fields = ("body", "reply_text")
    # Not a snapshot: a feed lists only the newest items, so absence never means gone.
    options = {
        "url": Option((str, list), doc="RSS / Atom URL, or a list of them", check=_urls_problem),
        "full_text": Choice(("auto", "always", "never"), "auto", "open Discuz! thread pages: auto or always (new "
                            "and changed items, and rechecks) / never (the feed's summary only)"),
        "spokespersons": Option((dict, list), {}, "spokesperson accounts (-> replying unit) on opened thread pages"),
        "notice_accounts": Option(list, [], "accounts whose items are notices, not petitions (a Discuz! feed lists "
                                  "the admins' sticky threads too, and cannot mark them)"),
        **recheck.RECHECK_OPTIONS,
    }

    @classmethod
    def knows(cls, config: dict) -> frozenset[str]:
        """Replies (and their times) only when the spokesperson accounts are named and threads are read."""
        return spokesperson_facts(config, frozenset())

    def __init__(self, config: dict, base: Path):
        super().__init__(config, base)
        self.urls = [config["url"]] if isinstance(config["url"], str) else list(config["url"])

    def items(self, context) -> Iterator[Petition | SourceError | Gone]:
        opened: set[tuple[str, str]] = set()  # (root, tid) of threads read this pull
        for url in self.urls:
            yield from self._feed(context, url, opened)
        if self.config["full_text"] != "never":
            yield from self._rechecks(context, opened)

    def _feed(self, context, url: str, opened: set) -> Iterator[Petition | SourceError | Gone]:
        try:
            page = context.fetch(url, conditional=True)
            if page.not_modified:
                return
            parsed = parse_feed(page.text, self.name, url)
        except FetchError as error:
            yield SourceError(self.name, url, "订阅源", error.problem)
            return
        except SourceError as error:
            yield error
            return
        errors = 0
        for index, entry in enumerate(parsed.entries, start=1):
            for outcome in self._entry(context, entry, f"{url} 第 {index} 条", opened,
                                       parsed.version.startswith("atom")):
                errors += isinstance(outcome, SourceError)
                yield outcome
        if parsed.bozo:  # what could be read was imported; say what was wrong with the rest
            errors += 1
            yield SourceError(self.name, url, "XML", f"订阅源格式有误（已导入可读的条目）：{parsed.bozo_exception}")
        if parsed.entries and not errors:
            context.remember(page)

    def _entry(self, context, entry, item: str, opened: set,
               atom: bool = False) -> Iterator[Petition | SourceError | Gone]:
        title = entry_title(entry, atom)
        if not title:
            yield SourceError(self.name, item, "title", "条目没有标题")
            return
        if clean_text(entry.get("author")) in self.config["notice_accounts"]:
            return  # an admin's notice
        source_id = entry_id(entry)
        item = f"{item}（编号 {source_id}）"
        summary = entry.content[0].value if entry.get("content") else entry.get("summary", "")
        signature = hashlib.sha1(f"{title}|{_raw(entry, 'published')}|{_raw(entry, 'updated')}|{summary}"
                                 .encode("utf-8")).hexdigest()
        state_key = f"entry:{source_id}"
        if context.state(state_key) == signature:
            return  # seen exactly like this last time
        posted = entry_time(entry)
        if posted is None and (_raw(entry, "published") or _raw(entry, "updated")):
            raw = _raw(entry, "published") or _raw(entry, "updated")
            yield SourceError(self.name, item, "pubDate", f"无法识别的时间 {raw!r}")
            return
        petition = self._from_entry(entry, source_id, title, summary, posted)
        thread = self._discuz(entry.get("link", ""))
        if thread:
            root, tid = thread
            opened.add(thread)
            petition = self._open(context, root, tid, item, petition.board)
            if not isinstance(petition, Petition):
                yield petition
                return
            context.set_state(f"{_LISTED}{root}#{tid}", True)
        yield petition
        context.set_state(state_key, signature)

    def _from_entry(self, entry, source_id: str, title: str, summary: str, posted) -> Petition:
        body = html_to_text(summary)
        tags = entry.get("tags") or []
        board = clean_text(tags[0].get("term")) if tags else ""
        board = self.config["board_map"].get(board, board) or self.config["board"]
        type_, inferred = petition_type("", {}, title, body)  # feeds carry no petition type: the rule applies
        return Petition(
            source=self.name, source_id=source_id, title=title, body=body, posted=posted,
            url=entry.get("link", ""), board=board, department=self.config["department"],
            type=type_, extra={"inferred": inferred},
            author=clean_text(entry.get("author")), places=places(title + "\n" + body),
        )

    def _discuz(self, link: str) -> tuple[str, str] | None:
        """(forum root, tid) of a Discuz! thread link whose page is to be read, else None."""
        if self.config["full_text"] == "never":
            return None
        rewritten = _DISCUZ_REWRITTEN.match(link)
        if rewritten:
            return rewritten[1], rewritten[2]
        match = _DISCUZ_THREAD.match(link)
        tid = _TID.search(link) if match else None
        return (match[1], tid[1]) if tid else None

    def _forum(self, context, root: str) -> dict | None:
        """The forum source configured for the same forum, if any: its cases are this thread's one case."""
        return next((source for source in CoreSettings.of(context.settings).sources
                     if source.get("kind") == "forum" and forum_root(source.get("url", "")) == root), None)

    def _stored_as(self, context, root: str) -> str:
        forum = self._forum(context, root)
        return forum["name"] if forum else self.name

    def _open(self, context, root: str, tid: str, item: str, board: str = "") -> Petition | SourceError | Gone:
        config = {**self.config, "store_as": self._stored_as(context, root)}
        return open_thread(context, config, tid, thread_url(root, tid), item, board=board, note="（订阅源只有摘要）")

    def _rechecks(self, context, opened: set) -> Iterator[Petition | SourceError | Gone]:
        """Threads this feed listed before, read again by the recheck policy (a feed shows no reply)."""
        listed: dict[str, set[str]] = {}
        for key in context.store.state_keys(self.name, _LISTED):
            root, _, tid = key[len(_LISTED):].rpartition("#")
            listed.setdefault(root, set()).add(tid)
        for root, tids in listed.items():
            forum = self._forum(context, root)
            if forum and forum.get("enabled", True):
                continue  # the forum source rechecks the same cases by the same policy
            done = {tid for r, tid in opened if r == root}
            for tid in recheck.due(context, self._stored_as(context, root), done, among=tids,
                                   cursor=f"{recheck.CURSOR}:{root}"):
                yield self._open(context, root, tid, f"帖子 {tid}（复查）")
