"""The site's 问计于民 round-ups: an index of theme collections, a page per theme and an Atom feed.

Registered in ``site.outputs.OUTPUTS``. A theme's suggestions are the public cases its record
wants (newsroom/themes.py), ranked; similar ones are grouped by the hot topic the case view's
topic grouping gave them (caseview/topics.py), so a theme page and the topic pages agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from ..newsroom.themes import SUGGESTION, ThemeRecord, load_themes, rank_key
from ..records import SHANGHAI, Petition
from ..urls import topic_url
from .build import Build
from .feeds import feed_document, feed_entry, paragraphs

INDEX = "themes/"
FEED = "feeds/themes.atom.xml"


@dataclass
class Suggestion:
    row: object  # the case's site row (status, url, board)
    petition: Petition

    @property
    def answered(self) -> bool:
        return self.row.replied


@dataclass
class ThemePage:
    theme: ThemeRecord
    ranked: list[Suggestion] = field(default_factory=list)
    #: (topic label, topic page URL, its suggestions) for topics holding two or more of them.
    groups: list[tuple[str, str, list[Suggestion]]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{INDEX}{self.theme.id}/"

    @property
    def answered(self) -> int:
        return sum(1 for item in self.ranked if item.answered)


def _in_window(theme: ThemeRecord, row) -> bool:
    if row.type != SUGGESTION or row.posted is None:
        return False
    day = row.posted.astimezone(SHANGHAI).date()
    return theme.start <= day <= theme.end and (not theme.boards or row.board in theme.boards)


def theme_pages(build: Build) -> list[ThemePage]:
    themes = load_themes(build.settings)
    if not themes:
        return []
    labels = {topic.id: topic.label for topic in build.topics or []}
    windows = {theme.id: [row for row in build.public() if _in_window(theme, row)] for theme in themes}
    # The texts, for the keywords (rows keep no body): each suggestion in a window read once.
    texts = {row.key: petition for row, petition in
             build.petitions({row.key: row for rows in windows.values() for row in rows}.values())}
    pages = []
    for theme in themes:
        found = [Suggestion(row, texts[row.key]) for row in windows[theme.id]
                 if row.key in texts and theme.wants(texts[row.key])]
        found.sort(key=lambda item: rank_key(item.petition, item.answered))
        pages.append(ThemePage(theme, found, _groups(found, labels)))
    return pages


def _groups(found: list[Suggestion], labels: dict[str, str]) -> list[tuple[str, str, list[Suggestion]]]:
    by_topic: dict[str, list[Suggestion]] = {}
    for item in found:
        if item.row.topic in labels:
            by_topic.setdefault(item.row.topic, []).append(item)
    groups = [(labels[topic], topic_url(topic), items) for topic, items in by_topic.items() if len(items) > 1]
    return sorted(groups, key=lambda group: -len(group[2]))


def write_themes(build: Build) -> None:
    """The themes index (even empty: the menu links to it), a round-up page per theme, the feed."""
    pages = theme_pages(build)
    build.own("themes")
    build.render("themes", INDEX + "index.html", themes=pages, feed=FEED)
    for page in pages:
        build.render("theme", page.url + "index.html", page=page, theme=page.theme, feed=FEED)
    build.write(FEED, themes_feed(build.settings, pages))


def themes_feed(settings: dict, pages: list[ThemePage]) -> bytes:
    """Atom: one entry per theme collection, dated by the end of its window, newest first, with how
    many suggestions it gathered and how many were answered (a subscriber sees the round-up grow)."""
    def closing(page: ThemePage) -> datetime:
        return datetime.combine(page.theme.end, time(23, 59), SHANGHAI)

    ordered = sorted(pages, key=closing, reverse=True)
    entries = [feed_entry(
        settings, title=f"【问计于民】{page.theme.title}" + ("（示例）" if page.theme.sample else ""), path=page.url, author=settings.get("SITENAME", ""),
        summary_html=paragraphs((page.theme.question + "\n" if page.theme.question else "")
                                + f"征集期 {page.theme.window}：共收到建议 {len(page.ranked)} 条，"
                                f"已获答复 {page.answered} 条。"),
        when=closing(page), uid_path=page.url) for page in ordered]
    return feed_document(settings, FEED, f"{settings.get('SITENAME', '')} · 问计于民", INDEX, entries,
                         closing(ordered[0]) if ordered else None)
