"""Chinese full-text search: the search page, and the static index of the public cases.

The index is built after Pelican has written everything (a FINALIZER), from
the public cases' text files (``search/text/KEY.json``, written with the case
pages by site/stream.py): per character pair, the cases holding it
(site/search_index.py). The search page (theme/static/js/search.js) turns a
query into the same pairs, intersects their lists and checks every hit by
exact substring against the case's text file, so every case holding the query
is found, and only those are shown. Only this build's public cases are
indexed: never a gated case, never a stale page an earlier build left in the
output folder.

Filter values are written through ``index_value``: one line and no ``<``,
``>`` or ``&`` (their fullwidth forms instead), so a board called
``<img src=x onerror=…>`` is text wherever the value goes; the search page
puts it in as text anyway.

The index is rebuilt only when its inputs changed: a SHA-256 over the cases'
text files and the index code is kept beside it, so an unchanged rebuild of a
100k-case site skips the step. Files are written only when their bytes change
(``meta.json``, which says how many buckets there are, last), so a pull
rewrites only the lists its cases touch and the output scan reads only those.

``python -m wenzheng_bridge.site.search OUTPUT`` indexes the cases of a built
output folder (its search/text files) the same way (the benchmark measures it).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import NamedTuple

from . import search_index, search_source
from .build import Build
from .writing import write_if_changed

log = logging.getLogger(__name__)

#: Characters that make markup (tags, entities) in a search filter value -> fullwidth forms.
_MARKUP = str.maketrans({"<": "\uff1c", ">": "\uff1e", "&": "\uff06"})
_SPACE = re.compile(r"\s+")

INDEX = search_index.FOLDER
SEARCH_PAGE = "search/index.html"
#: Kept beside the index: the digest of the inputs it was built from.
STAMP = "inputs.sha256"
#: Where the Pagefind index of earlier versions was; removed, as it may hold cases taken down since.
OLD_BUNDLE = "pagefind"


class Entry(NamedTuple):
    """A public case as the index is built from it: its key and its text file (JSON)."""

    key: str
    text: str


def index_value(text) -> str:
    """A filter value for the index (also a Jinja filter): one line, no markup characters."""
    return _SPACE.sub(" ", str(text or "")).strip().translate(_MARKUP)


def write_search_page(build: Build) -> None:
    """OUTPUTS entry: the search page, which loads the index the finalizer writes."""
    build.own(search_source.TEXT_FOLDER)  # a case's text file goes with its case (site/stream.py writes them)
    build.render("search", SEARCH_PAGE, index=INDEX,
                 enabled=_enabled(build.settings) and any(True for _ in build.public()))


def build_index(build: Build) -> dict:
    """FINALIZERS entry: (re)build the search index; returns what was done, for logs and tests."""
    output = Path(build.output_path)
    shutil.rmtree(output / OLD_BUNDLE, ignore_errors=True)
    if not _enabled(build.settings):
        # An index left from an earlier build could still hold cases taken down since.
        shutil.rmtree(output / INDEX, ignore_errors=True)
        shutil.rmtree(output / search_source.TEXT_FOLDER, ignore_errors=True)
        log.info("搜索索引：WENZHENG_SEARCH 已关闭，未建立索引")
        return {"action": "disabled"}
    return index_site(output, public_entries(build))


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


def index_site(output: Path, entries: list[Entry]) -> dict:
    """(Re)build the index of these cases in ``output`` unless its stamp says they are unchanged."""
    folder = output / INDEX
    if not entries:
        shutil.rmtree(folder, ignore_errors=True)
        log.warning("搜索索引：没有公开的案件页面，未建立索引")
        return {"action": "empty", "cases": 0}
    digest = inputs_digest(entries)
    if _stamp(folder) == digest and (folder / "meta.json").exists():
        log.info("搜索索引：%d 个案件未变化，沿用现有索引", len(entries))
        return {"action": "unchanged", "cases": len(entries)}
    started = time.monotonic()
    files = search_index.index_files((search_source.read_record(entry.text) for entry in entries), index_value)
    (folder / STAMP).unlink(missing_ok=True)  # a run that fails half way is redone next time
    written = search_index.write_index(folder, files)
    (folder / STAMP).write_text(digest + "\n")
    seconds = round(time.monotonic() - started, 2)
    log.info("搜索索引：%d 个案件，%d 个文件，更新 %d 个，删除 %d 个，用时 %.1f 秒",
             len(entries), len(files), written["changed"], written["removed"], seconds)
    return {"action": "indexed", "cases": len(entries), "files": len(files), **written, "seconds": seconds}


def inputs_digest(entries: list[Entry]) -> str:
    """SHA-256 over the index code and every case's text file (in key order: the index does not depend on the order)."""
    digest = hashlib.sha256()
    for module in (search_index, search_source):
        digest.update(Path(module.__file__).read_bytes())
    for entry in sorted(entries):
        digest.update(f"\0{entry.key}\0".encode())
        digest.update(entry.text.encode("utf-8"))
    return digest.hexdigest()


def _enabled(settings: dict) -> bool:
    from .settings import SiteSettings

    return SiteSettings.of(settings).search


def _stamp(folder: Path) -> str:
    try:
        return (folder / STAMP).read_text().strip()
    except FileNotFoundError:
        return ""


def folder_entries(output: Path) -> list[Entry]:
    """The cases of a built output folder: its search text files (for a fresh build: its public cases)."""
    folder = output / search_source.TEXT_FOLDER
    return [Entry(search_source.read_record(text).key, text)
            for text in (path.read_text("utf-8") for path in sorted(folder.glob("*.json")))]


def main(argv: list[str] | None = None) -> int:
    """Index the cases of a freshly built output folder; prints what was done as JSON."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m wenzheng_bridge.site.search",
                                     description="为已生成的网站输出目录中的公开案件建立搜索索引")
    parser.add_argument("output", type=Path, help="网站输出目录（需是一次完整生成的结果）")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = index_site(args.output, folder_entries(args.output))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
