"""The site's 404 page (404.html at the root, where static hosts and `make serve` look for it).

In Chinese, with the site's navigation, a way to search and the main indexes, so a reader who
followed a dead link (a case taken down, a mistyped address) is not left on a server's English
default page. The same file answers for any missing path, so its links cannot be relative:
they start at the site's root (SITEURL when absolute, else "/").
"""
from __future__ import annotations

from .build import Build

NOT_FOUND_PAGE = "404.html"


def root_url(settings: dict) -> str:
    siteurl = settings.get("SITEURL") or ""
    return siteurl.rstrip("/") if siteurl.startswith(("http://", "https://", "/")) else ""


def write_not_found(build: Build) -> None:
    """OUTPUTS entry: 404.html."""
    page = build.renderer.template("404").render(SITEURL=root_url(build.settings), page_url="")
    build.write(NOT_FOUND_PAGE, page)
