"""Atom feeds of case updates: the whole site, each board and department, resolved cases, each case.

An entry is one update of a case (its post, a reply, a follow-up, 已见报,
resolution: a timeline event), except in the resolved feed where an entry is
a resolved case. Only public cases are read. Source text is the case view's masked plain text,
always escaped into the entries' HTML, so no source markup reaches a feed
reader (a resident's "<A4区…>" shows as written).

Paths (relative to the site root), for templates' <link rel="alternate">:
  feeds/cases.atom.xml              site_feed_path()
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

from feedgenerator import Atom1Feed

from ..caseview.model import Case, Event
from ..records import SHANGHAI
from .exports import public_cases
from .pages import DIMENSION
from .sitemap import absolute, case_path, case_updated, site_root
from .slugs import Slugs

log = logging.getLogger(__name__)

SITE_FEED = "feeds/cases.atom.xml"
RESOLVED_FEED = "feeds/resolved.atom.xml"
#: Entries in the site, board, department and resolved feeds when the settings lack Pelican's
#: FEED_MAX_ITEMS (per-case feeds list every update).
DEFAULT_MAX_ITEMS = 50
#: Characters of an event's text shown in an entry; the case page has the rest.
SUMMARY_CHARS = 400


def site_feed_path() -> str:
    return SITE_FEED


def group_feed_path(group: str, slug: str) -> str:
    """Feed of a board (group "board") or a department (group "department")."""
    return f"feeds/{group}/{slug}.atom.xml"


def case_feed_path(case: Case) -> str:
    return f"{case_path(case)}updates.atom.xml"


def write_feeds(build) -> list[str]:
    """OUTPUTS entry: write every feed; returns their paths relative to the output folder."""
    settings = build.settings
    cases = public_cases(build)
    slugs = Slugs(settings.get("WENZHENG_SLUGS") or {})
    limit = settings.get("FEED_MAX_ITEMS") or DEFAULT_MAX_ITEMS
    writer = _FeedWriter(build, max((u for c in cases if (u := case_updated(c))), default=None))
    name = settings.get("SITENAME", "")

    newest, boards, departments = _latest_updates(cases, slugs, limit)
    writer.write(SITE_FEED, f"{name}：案件动态", "", newest)
    for (slug, board), updates in boards.items():
        writer.write(group_feed_path("board", slug), f"{name}：{board} 案件动态", _group_page("board", slug), updates)
    for (slug, department), updates in departments.items():
        writer.write(group_feed_path("department", slug), f"{name}：{department} 案件动态",
                     _group_page("department", slug), updates)
    writer.write_resolved(RESOLVED_FEED, f"{name}：已解决的案件", _latest_resolved(cases, limit))
    for case in cases:
        updates = [(e.time, case, e) for e in _updates(case)]
        writer.write(case_feed_path(case), f"{case.petition.title}：案件进展",
                     case_path(case), updates)
    log.info("Atom 订阅：%d 个（其中案件 %d 个）", len(writer.written), len(cases))
    return writer.written


def _group_page(dimension: str, slug: str) -> str:
    """The board's or department's index page (the generator's URL rule)."""
    return f"{DIMENSION[dimension].prefix}/{slug}/"


def _updates(case: Case) -> Iterator[Event]:
    """The case's timeline events (each one something that happened: the timeline holds no future)."""
    return (e for e in case.timeline if e.time)


def _latest_updates(cases: list[Case], slugs: Slugs, limit: int):
    """The ``limit`` newest updates overall, per board and per department, in one pass.

    Bounded heaps keep memory to limit x groups, however many cases there are.
    """
    overall: list = []
    boards: dict = defaultdict(list)
    departments: dict = defaultdict(list)
    for number, case in enumerate(cases):
        heaps = [overall]
        if case.petition.board:
            heaps.append(boards[(slugs(case.petition.board), case.petition.board)])
        if case.department:
            heaps.append(departments[(slugs(case.department), case.department)])
        for index, event in enumerate(_updates(case)):
            # (time, tie-breakers) order the heap without ever comparing Case objects.
            item = (event.time.timestamp(), number, index, case, event)
            for heap in heaps:
                (heapq.heappush if len(heap) < limit else heapq.heappushpop)(heap, item)

    def newest_first(heap):
        return [(event.time, case, event) for *_, case, event in sorted(heap, reverse=True)]

    return (newest_first(overall), {k: newest_first(h) for k, h in boards.items()},
            {k: newest_first(h) for k, h in departments.items()})


def _latest_resolved(cases: list[Case], limit: int) -> list[tuple[datetime, Case]]:
    resolved = ((case_updated(c), n, c) for n, c in enumerate(cases) if c.status == "已解决")
    return [(when, case) for when, _, case in heapq.nlargest(limit, (r for r in resolved if r[0]))]


def _paragraphs(text: str, limit: int = SUMMARY_CHARS) -> str:
    """Escaped HTML paragraphs of plain text, cut at ``limit`` characters."""
    text = (text or "").strip()
    if len(text) > limit:
        text = text[:limit].rstrip() + "……"
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


class _FeedWriter:
    """Builds Atom documents with the site's links and writes those that changed."""

    def __init__(self, build, newest: datetime | None):
        self.build = build
        self.newest = newest
        self.settings = settings = build.settings
        self.written: list[str] = []
        self.author = settings.get("AUTHOR", "")
        self.host = urlsplit(site_root(settings)).hostname or "localhost"

    def _feed(self, path: str, title: str, link: str) -> Atom1Feed:
        return _Atom(
            self.newest, title=title, link=absolute(self.settings, link), description="",
            language="zh-CN", feed_url=absolute(self.settings, path),
            author_name=self.author,
        )

    def _save(self, path: str, feed: Atom1Feed) -> None:
        self.build.write(path, feed.writeString("utf-8"))
        self.written.append(path)

    def write(self, path: str, title: str, link: str, updates: Iterable[tuple[datetime, Case, Event]]) -> None:
        feed = self._feed(path, title, link)
        seen: set[str] = set()
        for when, case, event in updates:
            feed.add_item(**self._event_item(when, case, event, seen))
        self._save(path, feed)

    def write_resolved(self, path: str, title: str, resolved: list[tuple[datetime, Case]]) -> None:
        feed = self._feed(path, title, "")
        for when, case in resolved:
            body = f"<p>{html.escape(case.evidence)}</p>" + _paragraphs(case.petition.body)
            feed.add_item(
                title=f"【已解决】{case.petition.title}",
                link=absolute(self.settings, case_path(case)), description=body,
                author_name=case.department or case.unit or case.petition.board,
                pubdate=_local(when), updateddate=_local(when),
                unique_id=self._tag(when, f"{case_path(case)}resolved"),
                categories=_categories(case),
            )
        self._save(path, feed)

    def _event_item(self, when: datetime, case: Case, event: Event, seen: set[str]) -> dict:
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


class _Atom(Atom1Feed):
    """An Atom feed whose <updated>, when it has no entry yet, is the site's newest update.

    feedgenerator would put the current UTC time there: a feed that changed
    on every build, in the wrong zone.
    """

    def __init__(self, newest: datetime | None, **kwargs):
        super().__init__(**kwargs)
        self.newest = newest

    def latest_post_date(self):
        if self.items or self.newest is None:
            return super().latest_post_date()
        return _local(self.newest)


def _local(when: datetime) -> datetime:
    return (when if when.tzinfo else when.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI)


def _categories(case: Case) -> list[str]:
    return [x for x in (case.petition.board, case.department, case.status) if x]
