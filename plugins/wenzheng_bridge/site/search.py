"""Chinese full-text search: the search page, and a Pagefind index of the public case pages.

Pagefind's extended build segments Chinese. It runs after Pelican has written
everything (a FINALIZER), through its Python API, fed with exactly the case
pages of this build's public cases: never the listings, never a gated case,
never a stale page an earlier build left in the output folder. The theme marks
what is indexed on a case page (``data-pagefind-body``), its title
(``data-pagefind-meta="title"``) and the board, status and year filters
(``data-pagefind-filter``).

An index is rebuilt only when its inputs changed: a SHA-256 over the indexed
pages, their URLs, Pagefind's version and the index options is kept beside the
bundle, so an unchanged rebuild of a 100k-case site skips the slowest step.
The new bundle is written to a temporary folder and swapped in, so a reader
never sees half an index and a failed run leaves the old one in place.

Memory: Python holds one page at a time (a bounded number in flight); the
Pagefind process itself grows with the number of pages indexed. For very large
sites the ideas, in order of effort: index the body text only (replies and the
timeline marked ``data-pagefind-ignore``), shard the index per year into
separate bundles merged in the browser (PagefindUI ``mergeIndex``), or index
with ``add_custom_record`` from the cases instead of parsing HTML.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import shutil
import time
from importlib import metadata
from pathlib import Path

from .pages import case_url

log = logging.getLogger(__name__)

BUNDLE = "pagefind"
SEARCH_PAGE = "search/index.html"
#: Kept beside the bundle: the digest of the inputs it was built from.
STAMP = "wenzheng-inputs.sha256"
#: Pages sent to Pagefind before waiting for it: enough to keep it busy, few enough to bound memory.
IN_FLIGHT = 16
INDEX_OPTIONS = {"keep_index_url": False}


def write_search_page(build) -> None:
    """OUTPUTS entry: the search page, using the Pagefind UI from this site's own /pagefind/."""
    build.render("search", SEARCH_PAGE, bundle=BUNDLE, enabled=_enabled(build.settings))


def build_index(build) -> dict:
    """FINALIZERS entry: (re)build the Pagefind bundle; returns what was done, for logs and tests."""
    if not _enabled(build.settings):
        log.info("搜索索引：WENZHENG_SEARCH 已关闭，跳过")
        return {"action": "disabled"}
    output = Path(build.output_path)
    pages = indexed_pages(build)
    digest = inputs_digest(output, pages)
    bundle = output / BUNDLE
    if _stamp(bundle) == digest and (bundle / "pagefind-entry.json").exists():
        log.info("搜索索引：%d 个案件页面未变化，沿用现有索引", len(pages))
        return {"action": "unchanged", "pages": len(pages), "digest": digest}
    started = time.monotonic()
    indexed = _rebuild(output, pages, digest)
    seconds = round(time.monotonic() - started, 2)
    log.info("搜索索引：已索引 %d 个案件页面，用时 %.1f 秒", indexed, seconds)
    return {"action": "indexed", "pages": indexed, "digest": digest, "seconds": seconds}


def indexed_pages(build) -> list[tuple[str, str]]:
    """(URL from the site root, file relative to the output folder) of every public case page."""
    pages = []
    for case in build.cases:
        if case.public:
            url = case_url(case.key)
            pages.append(("/" + url, url + "index.html"))
    return pages


def inputs_digest(output: Path, pages: list[tuple[str, str]]) -> str:
    """SHA-256 over Pagefind's version, the options and every indexed page, read in blocks."""
    digest = hashlib.sha256()
    digest.update(json.dumps([_pagefind_version(), INDEX_OPTIONS], sort_keys=True).encode())
    for url, path in pages:
        digest.update(f"\0{url}\0".encode())
        with open(output / path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 16), b""):
                digest.update(block)
    return digest.hexdigest()


def _enabled(settings: dict) -> bool:
    from .settings import setting

    return bool(setting(settings, "WENZHENG_SEARCH"))


def _stamp(bundle: Path) -> str:
    try:
        return (bundle / STAMP).read_text().strip()
    except FileNotFoundError:
        return ""


def _pagefind_version() -> str:
    return metadata.version("pagefind_bin_extended")


def _rebuild(output: Path, pages: list[tuple[str, str]], digest: str) -> int:
    fresh = output / f".{BUNDLE}.{os.getpid()}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        indexed = asyncio.run(_index(output, pages, fresh))
        (fresh / STAMP).write_text(digest + "\n")
        _swap(fresh, output / BUNDLE)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return indexed


async def _index(output: Path, pages: list[tuple[str, str]], target: Path) -> int:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(target.resolve()), **INDEX_OPTIONS)
    indexed = 0
    async with PagefindIndex(config=config) as index:
        for start in range(0, len(pages), IN_FLIGHT):
            batch = pages[start:start + IN_FLIGHT]
            results = await asyncio.gather(*(
                index.add_html_file(content=(output / path).read_text("utf-8"), url=url)
                for url, path in batch
            ))
            indexed += sum(1 for r in results if r.get("page_word_count"))
    return indexed


def _swap(fresh: Path, bundle: Path) -> None:
    """Replace the bundle folder by the fresh one with renames (no half-written index is served)."""
    old = bundle.with_name(f".{bundle.name}.{os.getpid()}.old")
    if bundle.exists():
        os.replace(bundle, old)
    os.replace(fresh, bundle)
    shutil.rmtree(old, ignore_errors=True)
