"""Chinese full-text search: the search page, and a Pagefind index of the public case pages.

Pagefind's extended build segments Chinese. It runs after Pelican has written
everything (a FINALIZER), as its own process (``python -m pagefind``) over a
folder holding exactly the case pages of this build's public cases: never the
listings, never a gated case, never a stale page an earlier build left in the
output folder. The theme marks
what is indexed on a case page (``data-pagefind-body``), its title
(``data-pagefind-meta="title"``) and the board, status and year filters
(``data-pagefind-filter``).

An index is rebuilt only when its inputs changed: a SHA-256 over the indexed
pages, their URLs, Pagefind's version and the index options is kept beside the
bundle, so an unchanged rebuild of a 100k-case site skips the slowest step.
The new bundle is written to a temporary folder and swapped in, so a reader
never sees half an index and a failed run leaves the old one in place.

Memory: Python holds only the list of page paths; the Pagefind process grows
with the number of pages indexed and gives it all back when it exits. Past
SHARD_PAGES pages the index is split per year of posting into bundles
``pagefind/<year>/`` (one Pagefind run each, so peak memory is one year's, and
only changed years are rebuilt), merged in the browser (PagefindUI
``mergeIndex``). Further savings if needed: index less of each page (replies
and the timeline marked ``data-pagefind-ignore``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from ..records import SHANGHAI
from .pages import case_url

log = logging.getLogger(__name__)

BUNDLE = "pagefind"
SEARCH_PAGE = "search/index.html"
#: Kept beside the bundle: the digest of the inputs it was built from.
STAMP = "wenzheng-inputs.sha256"
#: Above this many public case pages the index is split by year of posting: one Pagefind run
#: per year, so peak memory is one year's. Measured here: about 0.4 GB for 622 pages and
#: 1.0 GB for 4,976 (about 135 KB a page), so 95,000 pages in one run would need about 13 GB.
SHARD_PAGES = 20_000
#: Part of the digest: a change of how the index is built rebuilds it.
INDEX_OPTIONS = {"runner": "cli", "site": "staged public case pages"}


def write_search_page(build) -> None:
    """OUTPUTS entry: the search page, using the Pagefind UI from this site's own bundles."""
    bundles = [folder for folder, _ in shards(build)]
    build.render("search", SEARCH_PAGE, bundle=bundles[0] if bundles else BUNDLE, merged=bundles[1:],
                 enabled=_enabled(build.settings) and bool(bundles))


def build_index(build) -> dict:
    """FINALIZERS entry: (re)build the Pagefind bundle(s); returns what was done, for logs and tests."""
    output = Path(build.output_path)
    groups = shards(build)
    if not _enabled(build.settings) or not groups:
        # An index left from an earlier build could still hold cases taken down since.
        shutil.rmtree(output / BUNDLE, ignore_errors=True)
        if not _enabled(build.settings):
            log.info("搜索索引：WENZHENG_SEARCH 已关闭，未建立索引")
            return {"action": "disabled"}
        log.warning("搜索索引：没有公开的案件页面，未建立索引")  # Pagefind cannot index nothing
        return {"action": "empty", "pages": 0}
    _drop_other_bundles(output, [folder for folder, _ in groups])
    started = time.monotonic()
    actions = {folder: _index_bundle(output, folder, pages) for folder, pages in groups}
    seconds = round(time.monotonic() - started, 2)
    total = sum(len(pages) for _, pages in groups)
    changed = [folder for folder, action in actions.items() if action == "indexed"]
    if changed:
        log.info("搜索索引：%d 个案件页面，重建 %s，用时 %.1f 秒", total, "、".join(changed), seconds)
    else:
        log.info("搜索索引：%d 个案件页面未变化，沿用现有索引", total)
    return {"action": "indexed" if changed else "unchanged", "pages": total, "bundles": actions,
            "seconds": seconds}


def shards(build) -> list[tuple[str, list[tuple[str, str]]]]:
    """(bundle folder, pages) to index: one bundle, or one per year of posting past SHARD_PAGES.

    Years newest first: the first bundle is the one the search page loads, the
    others are merged into it in the browser. A new case only changes its
    year's bundle, so the other years skip reindexing.
    """
    pages = indexed_pages(build)
    if not pages:
        return []
    if len(pages) <= SHARD_PAGES:
        return [(BUNDLE, [(url, path) for url, path, _ in pages])]
    years: dict[str, list[tuple[str, str]]] = {}
    for url, path, year in pages:
        years.setdefault(year, []).append((url, path))
    return [(f"{BUNDLE}/{year}", years[year]) for year in sorted(years, reverse=True)]


def indexed_pages(build) -> list[tuple[str, str, str]]:
    """(URL from the site root, file relative to the output folder, year) of every public case page."""
    pages = []
    for case in build.cases:
        if case.public:
            url = case_url(case.key)
            posted = case.petition.posted
            year = str(posted.astimezone(SHANGHAI).year) if posted else "unknown"
            pages.append(("/" + url, url + "index.html", year))
    return pages


def _index_bundle(output: Path, folder: str, pages: list[tuple[str, str]]) -> str:
    """Rebuild one bundle unless its stamp says its inputs are unchanged; returns the action."""
    bundle = output / folder
    digest = inputs_digest(output, pages)
    if _stamp(bundle) == digest and (bundle / "pagefind-entry.json").exists():
        return "unchanged"
    _rebuild(output, pages, digest, bundle)
    return "indexed"


def _drop_other_bundles(output: Path, folders: list[str]) -> None:
    """Remove bundles of another layout (one bundle vs per year) or of a year with no public case."""
    root = output / BUNDLE
    if folders == [BUNDLE] or not root.exists():
        return  # the single bundle replaces the whole folder when it is swapped in
    if (root / "pagefind-entry.json").exists():
        shutil.rmtree(root)
        return
    keep = {Path(folder).name for folder in folders}
    for child in root.iterdir():
        if child.name not in keep:
            shutil.rmtree(child) if child.is_dir() else child.unlink()


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


def _rebuild(output: Path, pages: list[tuple[str, str]], digest: str, bundle: Path) -> int:
    name = bundle.relative_to(output).as_posix().replace("/", "-")
    fresh = output / f".{name}.{os.getpid()}.new"
    staging = output / f".{name}.{os.getpid()}.pages"
    for folder in (fresh, staging):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        _stage(output, pages, staging)
        indexed = _run_pagefind(staging, fresh)
        (fresh / STAMP).write_text(digest + "\n")
        _swap(fresh, bundle)
    finally:
        for folder in (fresh, staging):
            shutil.rmtree(folder, ignore_errors=True)
    return indexed


def _stage(output: Path, pages: list[tuple[str, str]], staging: Path) -> None:
    """Hard-link exactly the pages to index into a folder of their own.

    Pagefind's CLI indexes a folder; the output folder may hold pages a build
    did not write (a case taken down since), and its Python API answers one
    page per 0.1 s poll, far too slow for 100,000 pages. Hard links cost no
    copy, and the links keep each page's path, so its URL is the same.
    """
    for _url, path in pages:
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output / path, target)
        except OSError:  # a file system without hard links
            shutil.copyfile(output / path, target)


def _run_pagefind(site: Path, target: Path) -> int:
    """Run Pagefind's extended CLI (a process of its own: its memory is returned when it ends)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode or not (target / "pagefind-entry.json").exists():
        raise SearchIndexError(f"Pagefind 建立搜索索引失败（{site}）：\n{result.stdout}\n{result.stderr}")
    entry = json.loads((target / "pagefind-entry.json").read_text("utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


class SearchIndexError(RuntimeError):
    """Pagefind failed; the previous index is left in place."""


def _swap(fresh: Path, bundle: Path) -> None:
    """Replace the bundle folder by the fresh one with renames (no half-written index is served)."""
    old = bundle.with_name(f".{bundle.name}.{os.getpid()}.old")
    bundle.parent.mkdir(parents=True, exist_ok=True)
    if bundle.exists():
        os.replace(bundle, old)
    os.replace(fresh, bundle)
    shutil.rmtree(old, ignore_errors=True)
