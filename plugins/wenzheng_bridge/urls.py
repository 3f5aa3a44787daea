"""Addresses of public pages: the lowest layer, so every job that links to a page (budget, gates,
feeds, exports, search) shares one rule without importing the site generator."""
from __future__ import annotations


def case_url(key: str) -> str:
    """A case page's URL relative to the site root."""
    return f"cases/{key}/"


def topic_url(topic_id: str) -> str:
    """A hot topic's page URL relative to the site root."""
    return f"topics/{topic_id}/"


def site_root(settings: dict) -> str:
    """Absolute root of the published site, for links that leave it (feeds, sitemap, data).

    SITEURL is relative in development builds, so FEED_DOMAIN (Pelican's own
    setting for absolute feed links) stands in for it there.
    """
    siteurl = settings.get("SITEURL") or ""
    if siteurl.startswith(("http://", "https://")):
        return siteurl.rstrip("/")
    return (settings.get("FEED_DOMAIN") or siteurl).rstrip("/")


def absolute(settings: dict, path: str) -> str:
    return f"{site_root(settings)}/{path.lstrip('/')}"


def event_url(event_id: str) -> str:
    """A 问政进社区 event's page URL relative to the site root."""
    return f"events/{event_id}/"


def group_feed_path(group: str, slug: str) -> str:
    """Atom feed of a board (group "board") or a department (group "department")."""
    return f"feeds/{group}/{slug}.atom.xml"
