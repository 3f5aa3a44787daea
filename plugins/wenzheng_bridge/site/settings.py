"""Settings of the reader site, with their documented defaults."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import LayerSettings, Option, positive
from .slugs import SLUG_RE


def _slug_map_check(value: dict) -> str | None:
    for name, slug in value.items():
        if not isinstance(name, str) or not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
            return f"的 {name!r}: {slug!r} 应为小写字母、数字和连字符组成的网址片段"
    return None


OPTIONS: dict[str, Option] = {
    "WENZHENG_INDEX_PAGE_SIZE": Option(
        int, 50, "cases per index page; pages are numbered from the oldest case, "
        "so a new case only touches the newest page", positive,
    ),
    "WENZHENG_SLUGS": Option(
        dict, {}, "explicit URL slugs for boards, departments, types and fields "
        "(name -> slug), over the derived ones (see site/slugs.py)", _slug_map_check,
    ),
    "WENZHENG_HOME_ITEMS": Option(int, 8, "cases or articles in each section of the home page", positive),
    "WENZHENG_HOME_RECENT_DAYS": Option(
        int, 90, "the home page's overdue section lists cases posted within this many days "
        "of the build's now (older overdue cases stay on the status pages)", positive,
    ),
    "WENZHENG_OPEN_DATA_LICENCE": Option(
        str, "知识共享 署名 4.0 国际许可协议（CC BY 4.0）", "the licence the open-data page (/data/) "
        "states for the exports",
    ),
    # Added by the feeds/search engineer (site/search.py reads it); off for fast test builds.
    "WENZHENG_SEARCH": Option(bool, True, "build the search index of the public cases after the build"),
}


@dataclass(frozen=True)
class SiteSettings(LayerSettings):
    """The reader site's settings, read by attribute."""

    OPTIONS = OPTIONS

    index_page_size: int
    slugs: dict
    home_items: int
    home_recent_days: int
    open_data_licence: str
    search: bool
