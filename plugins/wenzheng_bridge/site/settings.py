"""Settings of the reader site, with their documented defaults."""
from __future__ import annotations

from ..config import Option


def _positive(value) -> str | None:
    return None if value > 0 else "应为正整数"


def _slug_map_check(value: dict) -> str | None:
    from .slugs import SLUG_RE

    for name, slug in value.items():
        if not isinstance(name, str) or not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
            return f"的 {name!r}: {slug!r} 应为小写字母、数字和连字符组成的网址片段"
    return None


OPTIONS: dict[str, Option] = {
    "WENZHENG_INDEX_PAGE_SIZE": Option(
        int, 50, "cases per index page; pages are numbered from the oldest case, "
        "so a new case only touches the newest page", _positive,
    ),
    "WENZHENG_SLUGS": Option(
        dict, {}, "explicit URL slugs for boards, departments, types and fields "
        "(name -> slug), over the derived ones (see site/slugs.py)", _slug_map_check,
    ),
    "WENZHENG_HOME_ITEMS": Option(int, 8, "cases or articles in each section of the home page", _positive),
    "WENZHENG_WORKERS": Option(
        int, 0, "processes writing the site's pages (0: one per available core; 1: no extra process)",
        lambda v: None if v >= 0 else "应为 0 或正整数",
    ),
    # Added by the feeds/search engineer (site/search.py reads it); off for fast test builds.
    "WENZHENG_SEARCH": Option(bool, True, "build the Pagefind search index after the build"),
}


def setting(settings: dict, key: str):
    """A setting's value, or its documented default when ``settings`` lacks it."""
    return settings.get(key, OPTIONS[key].default)
