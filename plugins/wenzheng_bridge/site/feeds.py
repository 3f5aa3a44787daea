"""Atom feeds of case updates: the whole site, each board and department, resolved cases, each case.

An entry is one update of a case (its post, a reply, a follow-up, 已见报,
resolution: a timeline event), except in the resolved feed where an entry is
a resolved case. Only public cases are read. Source text is the case view's masked plain text,
always escaped into the entries' HTML, so no source markup reaches a feed
reader (a resident's "<A4区…>" shows as written).

Paths (relative to the site root), for templates' <link rel="alternate">:
  feeds/cases.atom.xml              SITE_FEED
  feeds/resolved.atom.xml           RESOLVED_FEED
  feeds/board/<slug>.atom.xml       group_feed_path("board", slug)
  feeds/department/<slug>.atom.xml  group_feed_path("department", slug)
  cases/<key>/updates.atom.xml      case_feed_path(case)
"""
from __future__ import annotations

import heapq
import html
import logging
from collections import defaultdict
from datetime import datetime
from typing import Iterable, Iterator
from urllib.parse import urlsplit


from ..caseview.model import Case, Event
from ..records import SHANGHAI, Status
from .exports import public_cases
from ..urls import absolute, group_feed_path, site_root
from .pages import DIMENSION
from .row import case_updated
from .sitemap import case_path
from .settings import SiteSettings
from .slugs import Slugs
from .build import Build
from .keeping_writer import EMPTY_FEED_UPDATED

log = logging.getLogger(__name__)

SITE_FEED = "feeds/cases.atom.xml"
RESOLVED_FEED = "feeds/resolved.atom.xml"
#: Entries in the site, board, department and resolved feeds when the settings lack Pelican's
#: FEED_MAX_ITEMS (per-case feeds list every update).
DEFAULT_MAX_ITEMS = 50
#: Characters of an event's text shown in an entry; the case page has the rest.
SUMMARY_CHARS = 400


def case_feed_path(case: Case) -> str:
    return f"{case_path(case)}updates.atom.xml"


def write_feeds(build: Build) -> list[str]:
    """OUTPUTS entry: write every feed; returns their paths relative to the output folder.

    In a site build the cases were collected while they streamed (``build.streamed["feeds"]``,
    per-case feeds already written); given full cases in ``build.cases`` it does both here.
    """
    collector = build.streamed.get("feeds")
    build.own("feeds/board", "feeds/department")  # a board or department left with no public case loses its feed too
    if not isinstance(collector, FeedCollector):
        collector = FeedCollector(build.settings)
        for case in public_cases(build):
            collector.add(case)
            build.write(case_feed_path(case), case_feed(case, build.settings))
    return collector.finish(build)


def case_feed(case: Case, settings: dict) -> bytes:
    """The Atom document of one case's updates (its own latest update dates an empty one)."""
    writer = _FeedWriter(settings, case_updated(case))
    seen: set[str] = set()
    items = [writer.event_item(e.time, case, e, seen) for e in _updates(case)]
    return writer.document(case_feed_path(case), f"{case.petition.title}：案件进展", case_path(case), items)


class FeedCollector:
    """The site, board, department and resolved feeds, gathered one case at a time.

    Bounded heaps keep memory to limit x groups however many cases there are,
    and an entry is kept as its finished fields, never as the case.
    """

    def __init__(self, settings: dict, first: int = 0):
        self.settings = settings
        self.slugs = Slugs(SiteSettings.of(settings).slugs)
        self.limit = settings.get("FEED_MAX_ITEMS") or DEFAULT_MAX_ITEMS
        self.writer = _FeedWriter(settings, None)
        self.newest: datetime | None = None
        # Case numbers break ties between entries of the same time; a collector of a slice of
        # the stream starts at the slice's position, so merged slices order as one stream would.
        self.count = first
        self.overall: list = []
        self.boards: dict = defaultdict(list)
        self.departments: dict = defaultdict(list)
        self.resolved: list = []

    def add(self, case: Case) -> None:
        number, self.count = self.count, self.count + 1
        updated = case_updated(case)
        if updated and (self.newest is None or updated > self.newest):
            self.newest = updated
        heaps = [self.overall]
        if case.petition.board:
            heaps.append(self.boards[(self.slugs(case.petition.board), case.petition.board)])
        if case.department:
            heaps.append(self.departments[(self.slugs(case.department), case.department)])
        seen: set[str] = set()
        for index, event in enumerate(_updates(case)):
            # (time, tie-breakers) order the heap without ever comparing entries.
            order = (event.time.timestamp(), number, index)
            item = None
            for heap in heaps:
                if self._wants(heap, order):
                    item = item or self.writer.event_item(event.time, case, event, seen)
                    self._keep(heap, order, item)
        if case.status == Status.RESOLVED and updated:
            order = (updated, number)
            if self._wants(self.resolved, order):
                self._keep(self.resolved, order, self.writer.resolved_item(updated, case))

    def merge(self, other: "FeedCollector") -> None:
        """Take the entries kept by the collector of a later slice of the same stream."""
        if other.newest and (self.newest is None or other.newest > self.newest):
            self.newest = other.newest
        pairs = [(self.overall, other.overall), (self.resolved, other.resolved)]
        pairs += [(self.boards[group], heap) for group, heap in other.boards.items()]
        pairs += [(self.departments[group], heap) for group, heap in other.departments.items()]
        for mine, theirs in pairs:
            for order, item in theirs:
                if self._wants(mine, order):
                    self._keep(mine, order, item)

    def _wants(self, heap: list, order: tuple) -> bool:
        return len(heap) < self.limit or order > heap[0][0]

    def _keep(self, heap: list, order: tuple, item: dict) -> None:
        (heapq.heappush if len(heap) < self.limit else heapq.heappushpop)(heap, (order, item))

    def finish(self, build: Build) -> list[str]:
        """Write the collected feeds; returns every feed path, per-case ones included."""
        name, written = self.settings.get("SITENAME", ""), []
        self.writer.newest = self.newest

        def save(path: str, title: str, link: str, heap: list) -> None:
            items = [item for _, item in sorted(heap, key=lambda entry: entry[0], reverse=True)]
            build.write(path, self.writer.document(path, title, link, items))
            written.append(path)

        save(SITE_FEED, f"{name}：案件动态", "", self.overall)
        for (slug, board), heap in self.boards.items():
            save(group_feed_path("board", slug), f"{name}：{board} 案件动态", _group_page("board", slug), heap)
        for (slug, department), heap in self.departments.items():
            save(group_feed_path("department", slug), f"{name}：{department} 案件动态",
                 _group_page("department", slug), heap)
        save(RESOLVED_FEED, f"{name}：已解决的案件", "", self.resolved)
        cases = [path for path, _ in build.written if path.startswith("cases/") and path.endswith(".atom.xml")]
        log.info("Atom 订阅：%d 个（其中案件 %d 个）", len(written) + len(cases), len(cases))
        return written + cases


def feed_entry(settings: dict, *, title: str, path: str, summary_html: str, author: str, when: datetime,
               uid_path: str, categories: Iterable[str] = ()) -> dict:
    """One entry for ``feed_document``: ``path`` is the page it links to, ``uid_path`` makes its
    tag: id (stable across builds); ``summary_html`` must be escaped already (``paragraphs``)."""
    return dict(title=title, link=absolute(settings, path), description=summary_html, author_name=author,
                pubdate=_local(when), updateddate=_local(when),
                unique_id=_FeedWriter(settings, None)._tag(when, uid_path), categories=list(categories))


def feed_document(settings: dict, path: str, title: str, link: str, entries: Iterable[dict],
                  newest: datetime | None) -> bytes:
    """An Atom document at ``path`` (relative) of entries from ``feed_entry``, newest first as given;
    ``newest`` dates a feed without entries (the build's now), so a rebuild writes the same bytes."""
    return _FeedWriter(settings, newest).document(path, title, link, entries)


def paragraphs(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Plain text as escaped HTML paragraphs, cut at ``limit`` characters (for ``feed_entry``)."""
    return _paragraphs(text, limit)


def _group_page(dimension: str, slug: str) -> str:
    """The board's or department's index page (the generator's URL rule)."""
    return f"{DIMENSION[dimension].prefix}/{slug}/"


def _updates(case: Case) -> Iterator[Event]:
    """The case's timeline events (each one something that happened: the timeline holds no future)."""
    return (e for e in case.timeline if e.time)


def _paragraphs(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Escaped HTML paragraphs of plain text, cut at ``limit`` characters."""
    text = (text or "").strip()
    if len(text) > limit:
        text = text[:limit].rstrip() + "……"
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


class _FeedWriter:
    """Builds Atom entries and documents with the site's links."""

    def __init__(self, settings: dict, newest: datetime | None):
        self.newest = newest
        self.settings = settings
        self.author = settings.get("AUTHOR", "")
        self.host = urlsplit(site_root(settings)).hostname or "localhost"

    def document(self, path: str, title: str, link: str, items: Iterable[dict]) -> bytes:
        """An Atom 1.0 document (RFC 4287).

        Written from a fixed layout with escaped values: feedgenerator's SAX writer took
        0.8 ms a feed and lxml's ElementMaker 0.66 ms, most of the time of 100,000 per-case feeds.
        """
        items = list(items)
        stamps = [item["updateddate"] or item["pubdate"] for item in items]
        # Without entries or a given date, a fixed instant: the clock would make every build differ.
        updated = max(stamps) if stamps else _local(self.newest) if self.newest else EMPTY_FEED_UPDATED
        author = f"<author><name>{_x(self.author)}</name></author>" if self.author else ""
        home = absolute(self.settings, link)
        return "".join((
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
            f'<title>{_x(title)}</title><link href="{_x(home)}" rel="alternate"/>',
            f'<link href="{_x(absolute(self.settings, path))}" rel="self"/><id>{_x(home)}</id>',
            f"<updated>{updated.isoformat()}</updated>{author}",
            *(_entry(item) for item in items),
            "</feed>",
        )).encode("utf-8")

    def resolved_item(self, when: datetime, case: Case) -> dict:
        body = f"<p>{html.escape(case.evidence)}</p>" + _paragraphs(case.petition.body)
        return dict(
            title=f"【已解决】{case.petition.title}",
            link=absolute(self.settings, case_path(case)), description=body,
            author_name=case.department or case.unit or case.petition.board,
            pubdate=_local(when), updateddate=_local(when),
            unique_id=self._tag(when, f"{case_path(case)}resolved"),
            categories=_categories(case),
        )

    def event_item(self, when: datetime, case: Case, event: Event, seen: set[str]) -> dict:
        title = case.petition.title
        facts = f"<p>{html.escape(case.status)}｜{html.escape(case.petition.board)}</p>"
        who = f"<p>{html.escape(event.who)}：</p>" if event.who else ""
        return dict(
            title=f"{title}｜{event.label}",
            link=absolute(self.settings, case_path(case)),
            # The post's event carries the title; its entry shows what the resident wrote.
            description=facts + who + _paragraphs(case.petition.body if event.kind == "posted" else event.text),
            author_name=event.who or case.petition.board,
            pubdate=_local(when), updateddate=_local(when),
            unique_id=self._event_id(case, event, seen),
            categories=_categories(case),
        )

    def _event_id(self, case: Case, event: Event, seen: set[str]) -> str:
        """A tag: URI that stays put when later events are added to the timeline."""
        base = self._tag(event.time, f"{case_path(case)}{event.kind}/{_local(event.time):%Y%m%dT%H%M%S}")
        uid, n = base, 1
        while uid in seen:
            n += 1
            uid = f"{base}-{n}"
        seen.add(uid)
        return uid

    def _tag(self, when: datetime, path: str) -> str:
        return f"tag:{self.host},{_local(when):%Y-%m-%d}:/{path}"


def _entry(item: dict) -> str:
    """One <entry> from the fields ``event_item`` and ``resolved_item`` give."""
    updated = item["updateddate"] or item["pubdate"]
    categories = "".join(f'<category term="{_x(term)}"/>' for term in item["categories"])
    return (f'<entry><title>{_x(item["title"])}</title><link href="{_x(item["link"])}" rel="alternate"/>'
            f'<published>{item["pubdate"].isoformat()}</published><updated>{updated.isoformat()}</updated>'
            f'<author><name>{_x(item["author_name"])}</name></author><id>{_x(item["unique_id"])}</id>'
            f'<summary type="html">{_x(item["description"])}</summary>{categories}</entry>')


def _x(text: str) -> str:
    """Text escaped for XML content and double-quoted attributes."""
    return html.escape(text or "", quote=True)


def _local(when: datetime) -> datetime:
    return (when if when.tzinfo else when.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI)


def _categories(case: Case) -> list[str]:
    return [x for x in (case.petition.board, case.department, case.status) if x]
