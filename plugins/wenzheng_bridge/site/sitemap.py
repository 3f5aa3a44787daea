"""sitemap.xml of the public pages.

Only pages written by this build are listed (never a stale file left in the
output folder from an earlier build), and of the case pages only those of
public cases: a gated or taken-down case must not be announced to crawlers.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from ..caseview.model import Case
from ..records import SHANGHAI
from ..trust.settings import TrustSettings
from ..urls import absolute, case_url
from .row import Row, case_updated
from .build import Build

log = logging.getLogger(__name__)

#: The sitemap protocol's limit of URLs per file; larger sites get an index file.
MAX_URLS = 50_000
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
#: Folders of files that are not pages for readers or crawlers (the newsroom's folders are
#: added from WENZHENG_PRIVATE_PATHS, the one list the production build also removes).
NOT_PAGES = ("theme/", "search/index/")


def case_path(case: Case | Row) -> str:
    """The case page's URL relative to the site root (the generator's rule)."""
    return case_url(case.key)


def write_sitemap(build: Build) -> list[Path]:
    """OUTPUTS entry: sitemap.xml (a sitemap index past 50,000 URLs); returns the files written."""
    entries = sitemap_entries(build)
    root = Path(build.output_path)
    if len(entries) <= MAX_URLS:
        build.write(SITEMAP, _urlset(entries))
        written = [root / SITEMAP]
    else:
        written = []
        for number, start in enumerate(range(0, len(entries), MAX_URLS), 1):
            path = root / f"sitemap-{number}.xml"
            build.write(path.name, _urlset(entries[start:start + MAX_URLS]))
            written.append(path)
        index = [(absolute(build.settings, p.name), None) for p in written]
        build.write(SITEMAP, _index(index))
        written.insert(0, root / SITEMAP)
    # Crawlers find the sitemap through robots.txt (a static robots.txt from content/ overrides it).
    build.write(ROBOTS, f"User-agent: *\nAllow: /\n\nSitemap: {absolute(build.settings, SITEMAP)}\n")
    log.info("sitemap: %d 个网址", len(entries))
    return written


def sitemap_entries(build: Build) -> list[tuple[str, datetime | None]]:
    """(absolute URL, lastmod) of every public page, case pages first, each URL once."""
    settings = build.settings
    public = build.public()
    newest = max((u for c in public if (u := case_updated(c))), default=None)
    entries: dict[str, datetime | None] = {absolute(settings, ""): newest}
    for case in public:
        entries[absolute(settings, case_path(case))] = case_updated(case)
    for item in _published_content(build.context):
        entries.setdefault(absolute(settings, item.url), _content_lastmod(item))
    gated = {absolute(settings, case_path(c)) for c in build.listed() if not c.public}
    for url in _written_pages(build):
        # Index pages change whenever a case does: the newest case update is their lastmod.
        entries.setdefault(absolute(settings, url), newest)
    return [(url, lastmod) for url, lastmod in entries.items() if url not in gated]


def _published_content(context: dict):
    """Column articles and pages Pelican published (drafts and hidden pages stay out)."""
    yield from context.get("articles", [])
    yield from context.get("pages", [])


def _content_lastmod(item) -> datetime | None:
    """Modified, else date (column articles); a page without either: its source file's time."""
    when = getattr(item, "modified", None) or getattr(item, "date", None)
    if when is None:
        source = getattr(item, "source_path", None)
        return datetime.fromtimestamp(os.path.getmtime(source), SHANGHAI) if source else None
    return when.astimezone(SHANGHAI) if when.tzinfo else when.replace(tzinfo=SHANGHAI)


def _written_pages(build: Build) -> list[str]:
    """URLs of the HTML pages the site's outputs wrote (indexes, scorecards, statistics)."""
    urls = []
    private = NOT_PAGES + tuple(f"{name.strip('/')}/" for name in TrustSettings.of(build.settings).private_paths)
    for save_as, _changed in build.written:
        if not save_as.endswith(".html"):
            continue
        url = save_as.removesuffix("index.html")
        if url.startswith(private) or url.startswith("cases/") or url == "404.html":
            continue
        urls.append(url)
    return urls


def _w3c(when: datetime) -> str:
    return when.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _uri(url: str) -> str:
    # The protocol wants RFC 3986 URLs: a Chinese slug is percent-encoded, an encoded one kept.
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _urlset(entries) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in entries:
        stamp = f"<lastmod>{_w3c(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(_uri(url))}</loc>{stamp}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)


def _index(entries) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<sitemap><loc>{escape(url)}</loc></sitemap>" for url, _ in entries]
    lines.append("</sitemapindex>\n")
    return "\n".join(lines)
