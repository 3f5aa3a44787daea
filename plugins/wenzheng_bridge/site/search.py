"""Chinese full-text search: the search page, and a Pagefind index of the public cases.

Pagefind (extended build) runs after Pelican has written everything (a
FINALIZER), as its own process (the ``pagefind_extended`` CLI). It is not fed
the case pages: its Chinese segmenter only finds a query that is one of a
page's dictionary words (公积金 found none of the 9 cases holding it). Instead
each public case is given to it as a small page of the case's overlapping
character pairs, written as ASCII tokens (site/search_source.py), with its
board, status and year as filters; the search page (theme/static/js/search.js)
turns a query into the same tokens and checks every hit by exact substring
against the case's text file (``search/text/KEY.json``, written with the case
page by site/stream.py). Every case holding the query is found, and only those
are shown. Only this build's public cases are given to Pagefind: never a gated
case, never a stale page an earlier build left in the output folder.

Filter values are written through ``index_value``: Pagefind decodes entities
in a filter value twice before storing it (its parser's ``get_attribute_pair``
and again in the filter loop), so no escaping of a board name called
``<img src=x onerror=…>`` would survive to a page that showed it as HTML. A
value therefore carries no ``<``, ``>`` or ``&`` at all (their fullwidth forms
instead): it is the same text however often it is decoded. The search page
puts it in as text anyway.

Memory: Pagefind holds every page it indexes until it writes the bundle, and
building the index about doubles that (measured on case pages: 0.7 GB for
2,000, 1.1 GB for 4,000; the per-page cost is the page's distinct words, here
its distinct character pairs). So past SHARD_PAGES pages the index is split into shards of at most that many
pages, each one Pagefind run (peak memory is one shard's, returned to the
system when the run ends), merged in the browser (Pagefind's ``mergeIndex``).

A case's shard is a hash of its key, not its year or number: a new or changed
case touches one shard, and every shard is a random sample of the whole site,
so each shard's word statistics (which Pagefind's BM25 ranking uses, for the
order within a rank of the search page) are close to the whole site's; the
same cases are found as with one index (tests/test_search.py).
The price is that a pull of many changed cases touches most shards. The shard
count grows with the site (a change of count rebuilds every shard once).

A bundle is rebuilt only when its inputs changed: a SHA-256 over its cases'
text files, Pagefind's version, the token code and the index options is kept beside it, so an
unchanged rebuild of a 100k-case site skips the slowest step. The new bundle
is written to a temporary folder and swapped in, so a reader never sees half
an index and a failed run leaves the old one in place.

``python -m wenzheng_bridge.site.search OUTPUT`` indexes the cases of a built
output folder (its search/text files) the same way (the benchmark measures it).
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import subprocess
import re
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from ..errors import WenzhengError
from ..urls import case_url
from . import search_source
from .build import Build
from .writing import write_if_changed

log = logging.getLogger(__name__)

#: Characters that make markup (tags, entities) in a search filter or meta value -> fullwidth forms.
_MARKUP = str.maketrans({"<": "\uff1c", ">": "\uff1e", "&": "\uff06"})
_SPACE = re.compile(r"\s+")

BUNDLE = "pagefind"
SEARCH_PAGE = "search/index.html"
#: Kept beside the bundle: the digest of the inputs it was built from.
STAMP = "wenzheng-inputs.sha256"
#: At most this many cases per Pagefind run. Measured on the 10,000-case bench's token pages:
#: runs over 4,372 and 4,340 cases peaked at 1.58 and 1.46 GB (bench/RESULTS-search.md), about
#: 0.3 MB a case; shards by hash are within a few percent of the mean, so this stays under 2 GB.
SHARD_PAGES = 4_000
#: Part of the digest: a change of how the index is built rebuilds it.
INDEX_OPTIONS = {"runner": "cli", "site": "bigram token pages of the public cases (site/search_source.py)",
                 "shards": "sha1(key) mod count"}


class Entry(NamedTuple):
    """A public case as the index is built from it: its key and its text file (JSON)."""

    key: str
    text: str


class Shard(NamedTuple):
    folder: str  # relative to the output folder
    pages: list[Entry]


def index_value(text) -> str:
    """A filter or meta value for Pagefind (Jinja filter ``index_value``): one line, no markup characters.

    The template escapes it for the attribute as usual; this makes it text the
    Pagefind UI cannot render as HTML whatever entity decoding happens on the way.
    """
    return _SPACE.sub(" ", str(text or "")).strip().translate(_MARKUP)


def write_search_page(build: Build) -> None:
    """OUTPUTS entry: the search page, using the Pagefind UI from this site's own bundles."""
    build.own(search_source.TEXT_FOLDER)  # a case's text file goes with its case (site/stream.py writes them)
    bundles = [shard.folder for shard in plan([case for case in build.public()])]
    build.render("search", SEARCH_PAGE, bundle=bundles[0] if bundles else BUNDLE, merged=bundles[1:],
                 enabled=_enabled(build.settings) and bool(bundles))


def build_index(build: Build) -> dict:
    """FINALIZERS entry: (re)build the Pagefind bundle(s); returns what was done, for logs and tests."""
    output = Path(build.output_path)
    if not _enabled(build.settings):
        # An index left from an earlier build could still hold cases taken down since.
        shutil.rmtree(output / BUNDLE, ignore_errors=True)
        shutil.rmtree(output / search_source.TEXT_FOLDER, ignore_errors=True)
        log.info("搜索索引：WENZHENG_SEARCH 已关闭，未建立索引")
        return {"action": "disabled"}
    return index_shards(output, plan(public_entries(build)))


def public_entries(build: Build) -> list[Entry]:
    """Every public case of this build with its text file.

    A site build's streaming pass wrote the files (``build.rows`` there); given full cases (tests, tools) they are written here.
    """
    output = Path(build.output_path)
    entries = []
    for case in build.public():
        path = output / search_source.text_path(case.key)
        if hasattr(case.petition, "body"):
            write_if_changed(path, search_source.text_file(search_source.record(case)))
        entries.append(Entry(case.key, path.read_text("utf-8")))
    _drop_other_texts(output, entries)
    return entries


def _drop_other_texts(output: Path, entries: list[Entry]) -> None:
    """No text file of a case that is not public now (the build's prune does it too; this is cheap)."""
    folder = output / search_source.TEXT_FOLDER
    wanted = {Path(search_source.text_path(entry.key)).name for entry in entries}
    for name in os.listdir(folder) if folder.is_dir() else ():
        if name.endswith(".json") and name not in wanted:
            os.unlink(folder / name)


def plan(pages: list, shard_pages: int | None = None) -> list[Shard]:
    """The bundles to build: one, or ceil(pages / shard_pages) shards by a hash of the case key.

    Shard 1 comes first: the search page loads it and merges the others into it.
    """
    limit = shard_pages or SHARD_PAGES
    if not pages:
        return []
    if len(pages) <= limit:
        return [Shard(BUNDLE, pages)]
    count = math.ceil(len(pages) / limit)
    groups: list[list] = [[] for _ in range(count)]
    for page in pages:
        groups[shard_of(page.key, count)].append(page)
    return [Shard(f"{BUNDLE}/{number + 1:02d}-of-{count:02d}", group)
            for number, group in enumerate(groups) if group]


def shard_of(key: str, count: int) -> int:
    """A stable shard for a case (Python's hash() changes between runs)."""
    return int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big") % count


def index_site(output: Path, pages: list[Entry], shard_pages: int | None = None) -> dict:
    """(Re)build the bundles of ``pages`` in ``output``, one Pagefind run at a time."""
    return index_shards(output, plan(pages, shard_pages))


def index_shards(output: Path, shards: list[Shard]) -> dict:
    """(Re)build these bundles, one Pagefind run at a time (the benchmark also tries other layouts)."""
    pages = [page for shard in shards for page in shard.pages]
    if not shards:
        shutil.rmtree(output / BUNDLE, ignore_errors=True)  # Pagefind cannot index nothing
        log.warning("搜索索引：没有公开的案件页面，未建立索引")
        return {"action": "empty", "pages": 0}
    _drop_other_bundles(output, [shard.folder for shard in shards])
    started = time.monotonic()
    runs = {}
    for number, shard in enumerate(shards, 1):
        runs[shard.folder] = _index_bundle(output, shard)
        _log_run(number, len(shards), shard, runs[shard.folder])
    seconds = round(time.monotonic() - started, 2)
    changed = [folder for folder, run in runs.items() if run["action"] == "indexed"]
    if changed:
        log.info("搜索索引：%d 个案件页面，%d 个分片，重建 %d 个，用时 %.1f 秒",
                 len(pages), len(shards), len(changed), seconds)
    else:
        log.info("搜索索引：%d 个案件页面未变化，沿用现有索引", len(pages))
    return {"action": "indexed" if changed else "unchanged", "pages": len(pages),
            "bundles": {folder: run["action"] for folder, run in runs.items()}, "runs": runs,
            "seconds": seconds}


def _log_run(number: int, count: int, shard: Shard, run: dict) -> None:
    if run["action"] == "indexed" and count > 1:
        log.info("搜索索引：分片 %d/%d（%s）%d 个页面，用时 %.1f 秒，Pagefind 峰值内存 %d MB",
                 number, count, shard.folder, run["indexed"], run["seconds"], run["peak_mb"])


def _index_bundle(output: Path, shard: Shard) -> dict:
    """Rebuild one bundle unless its stamp says its inputs are unchanged."""
    bundle = output / shard.folder
    digest = inputs_digest(shard.pages)
    if _stamp(bundle) == digest and (bundle / "pagefind-entry.json").exists():
        return {"action": "unchanged", "pages": len(shard.pages)}
    return {"action": "indexed", "pages": len(shard.pages), **_rebuild(output, shard.pages, digest, bundle)}


def _drop_other_bundles(output: Path, folders: list[str]) -> None:
    """Remove bundles of another layout (one bundle vs a different shard count)."""
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


def inputs_digest(pages: list[Entry]) -> str:
    """SHA-256 over Pagefind's version, the options, the token code and every case's text file."""
    digest = hashlib.sha256()
    digest.update(json.dumps([_pagefind_version(), INDEX_OPTIONS], sort_keys=True).encode())
    digest.update(Path(search_source.__file__).read_bytes())  # how the text becomes tokens
    for page in pages:
        digest.update(f"\0{page.key}\0".encode())
        digest.update(page.text.encode("utf-8"))
    return digest.hexdigest()


def _enabled(settings: dict) -> bool:
    from .settings import SiteSettings

    return SiteSettings.of(settings).search


def _stamp(bundle: Path) -> str:
    try:
        return (bundle / STAMP).read_text().strip()
    except FileNotFoundError:
        return ""


def _pagefind_version() -> str:
    return metadata.version("pagefind_bin_extended")


def _rebuild(output: Path, pages: list[Entry], digest: str, bundle: Path) -> dict:
    name = bundle.relative_to(output).as_posix().replace("/", "-")
    fresh = output / f".{name}.{os.getpid()}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        with tempfile.TemporaryDirectory(prefix="wenzheng-search-pages-") as staging:
            _stage(Path(staging), pages)
            run = _run_pagefind(Path(staging), "**/*.html", fresh)
        _drop_ui(fresh)
        (fresh / STAMP).write_text(digest + "\n")
        _swap(fresh, bundle)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return run


#: Pagefind's own UI, which the search page does not use (it has its own: theme/static/js/search-page.js).
UNUSED_UI = re.compile(r"pagefind-(?:[a-z]+-)?ui\.(?:js|css)|pagefind-highlight\.js")


def _drop_ui(bundle: Path) -> None:
    """Remove Pagefind's UI files: not served, and their licence headers' e-mail addresses trip the output scan."""
    for path in bundle.iterdir():
        if UNUSED_UI.fullmatch(path.name):
            path.unlink()


def _stage(staging: Path, pages: list[Entry]) -> None:
    """Write the token pages where Pagefind reads them, each at its case page's path (so its URL)."""
    for page in pages:
        target = staging / case_url(page.key) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(search_source.index_page(search_source.read_record(page.text), index_value), "utf-8")


def _run_pagefind(site: Path, glob: str, target: Path) -> dict:
    """Run Pagefind's extended CLI in a process of its own (its memory is returned when it ends).

    The options go in a config file (the glob can be longer than one
    command-line argument may be). Returns the pages it indexed, its wall time
    and its peak resident memory.
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wenzheng-pagefind-") as config:
        options = {"site": str(site.resolve()), "glob": glob, "output_path": str(target.resolve())}
        Path(config, "pagefind.json").write_text(json.dumps(options, ensure_ascii=False), "utf-8")
        with subprocess.Popen([str(_executable())], cwd=config, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) as process:
            report = process.stdout.read().decode("utf-8", "replace")
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode or not (target / "pagefind-entry.json").exists():
        raise SearchIndexError(f"Pagefind 建立搜索索引失败（退出码 {process.returncode}，{site}）：\n{report}")
    entry = json.loads((target / "pagefind-entry.json").read_text("utf-8"))
    return {"indexed": sum(language["page_count"] for language in entry["languages"].values()),
            "seconds": round(time.monotonic() - started, 2), "peak_mb": usage.ru_maxrss // 1024}


def _executable() -> Path:
    """The binary itself, not ``python -m pagefind``: no Python start-up, and wait4 sees its memory."""
    from pagefind_bin_extended import get_executable

    return get_executable()


class SearchIndexError(WenzhengError, RuntimeError):
    """Pagefind failed; the previous index is left in place."""


def _swap(fresh: Path, bundle: Path) -> None:
    """Put the fresh bundle in place of the old one, keeping every file whose bytes did not change.

    Pagefind names its fragments, index chunks and metadata by their content, and a reindex writes
    them all again: kept as they were (same inode and times), the output scan and a rebuild's file
    count see only what changed (a pull of 100 cases rewrote about 9,400 files at 10,000). New and
    changed files go in first, then ``pagefind-entry.json``, which names the files a reader loads (one
    rename: a reader never gets half an index), then the stamp; files the new bundle lacks go last.
    """
    bundle.mkdir(parents=True, exist_ok=True)
    entry, stamp = Path("pagefind-entry.json"), Path(STAMP)
    wanted = {path.relative_to(fresh) for path in fresh.rglob("*") if path.is_file()}
    # The stamp (inputs unchanged: skip the next run) goes in only once the entry is there.
    for relative in sorted(wanted - {entry, stamp}) + [entry, stamp]:
        target = bundle / relative
        if relative == entry or not _same_bytes(fresh / relative, target):
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(fresh / relative, target)
    for path in sorted(bundle.rglob("*"), key=lambda path: len(path.parts), reverse=True):
        relative = path.relative_to(bundle)
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative not in wanted:
            path.unlink()


def _same_bytes(new: Path, old: Path) -> bool:
    try:
        return old.is_file() and old.stat().st_size == new.stat().st_size and old.read_bytes() == new.read_bytes()
    except OSError:
        return False


def folder_entries(output: Path) -> list[Entry]:
    """The cases of a built output folder: its search text files (for a fresh build: its public cases)."""
    folder = output / search_source.TEXT_FOLDER
    entries = [Entry(search_source.read_record(text).key, text)
               for text in (path.read_text("utf-8") for path in sorted(folder.glob("*.json")))]
    return entries


def main(argv: list[str] | None = None) -> int:
    """Index the case pages of a freshly built output folder; prints what was done as JSON."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m wenzheng_bridge.site.search",
                                     description="为已生成的网站输出目录中的案件页面建立 Pagefind 搜索索引")
    parser.add_argument("output", type=Path, help="网站输出目录（需是一次完整生成的结果）")
    parser.add_argument("--shard-pages", type=int, default=None, help=f"每个分片最多的页面数（默认 {SHARD_PAGES}）")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = index_site(args.output, folder_entries(args.output), args.shard_pages)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
