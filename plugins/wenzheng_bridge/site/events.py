"""The site's 问政进社区 pages: an index of events, a page per event with its cases, an Atom feed.

Registered in ``site.outputs.OUTPUTS``. The cases an event collected are the public cases of
``offline`` sources whose rows name the event; only those few petitions are read again from the
store (the build keeps a light row per case, without the source's extra fields).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..newsroom.caseindex import RecordError
from ..newsroom.events import EventRecord, event_path, load_events
from ..records import Status
from ..urls import event_url
from .build import Build
from .feeds import feed_document, feed_entry, paragraphs

INDEX = "events/"
FEED = "feeds/events.atom.xml"


@dataclass
class EventPage:
    """An event with the public cases collected there (site rows)."""

    event: EventRecord
    rows: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return event_url(self.event.id)

    @property
    def resolved(self) -> int:
        return sum(1 for row in self.rows if row.status == Status.RESOLVED)


def offline_sources(settings: dict) -> set[str]:
    return {source["name"] for source in settings["WENZHENG_SOURCES"] if source.get("kind") == "offline"}


def event_rows(build: Build) -> dict[str, list]:
    """Event id -> the public rows collected there, oldest post first."""
    names = offline_sources(build.settings)
    found: dict[str, list] = {}
    for row, petition in build.petitions(row for row in build.public() if row.source in names):
        event = (petition.extra or {}).get("event", "")
        if event:
            found.setdefault(event, []).append(row)
    return found


def event_pages(build: Build) -> list[EventPage]:
    """The events, each with its public cases; a case naming an event without a record stops the build."""
    by_event = event_rows(build)
    events = load_events(build.settings)
    known = {event.id for event in events}
    for event_id, rows in by_event.items():
        if event_id not in known:
            raise RecordError(event_path(build.settings, event_id), None, "文件名",
                              f"案件 {rows[0].key} 的活动编号 {event_id} 没有活动记录（请用 wenzheng event add 添加）")
    return [EventPage(event, by_event.get(event.id, [])) for event in events]


def write_events(build: Build) -> None:
    """The events index, a page per event and the events feed."""
    pages = event_pages(build)
    build.own("events")  # the index is written even empty: the site's menu links to it
    build.render("events", INDEX + "index.html", events=pages, feed=FEED)
    for page in pages:
        build.render("event", page.url + "index.html", page=page, event=page.event, rows=page.rows, feed=FEED)
    build.write(FEED, events_feed(build.settings, pages))


def events_feed(settings: dict, pages: list[EventPage]) -> bytes:
    """Atom: one entry per event, newest first, with how many of its cases are resolved."""
    ordered = sorted(pages, key=lambda page: page.event.date, reverse=True)
    entries = [feed_entry(settings, title=page.event.title + ("（示例）" if page.event.sample else ""),
                          path=page.url, author=settings.get("SITENAME", ""),
                          summary_html=paragraphs(event_summary(page)), when=page.event.date, uid_path=page.url)
               for page in ordered]
    return feed_document(settings, FEED, f"{settings.get('SITENAME', '')} · 问政进社区", INDEX, entries,
                         ordered[0].event.date if ordered else None)


def event_summary(page: EventPage) -> str:
    event = page.event
    place = "、".join(x for x in (event.district, event.place) if x)
    return (f"{event.shown_date}{'，' + place if place else ''}："
            f"现场收集问题 {len(page.rows)} 件，已解决 {page.resolved} 件。")
