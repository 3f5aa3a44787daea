"""One streaming pass over the store's cases: what each case alone needs is written at once.

Holding 100,000 full ``Case`` objects (bodies, replies, timelines) for the
whole build made memory grow with the store. Here each case, as the case view
yields it, becomes a light ``pages.Row`` (kept), its page and its own feed
(rendered by forked workers, or skipped when its digest says nothing changed),
its entries in the site-wide feeds (bounded heaps) and its lines of the open
data files (temporary files); then it is dropped. Public cases are passed on
to the caller (the hot-topic grouping reads them as a stream too).

Workers are forked when the pass starts, before any case is loaded, so they
share only the templates and settings; cases reach them pickled in batches and
they send back which files they wrote.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator

from ..caseview.model import Case
from . import parallel
from .exports import Exporter
from .feeds import FeedCollector, case_feed, case_feed_path
from .pages import Row, case_url, row_of
from .writing import write_if_changed

#: Cases handed to a worker at a time, and batches in flight per worker (bounds memory).
BATCH = 200
IN_FLIGHT = 3
#: Below this many cases, forking costs more than it saves.
MIN_CASES_FOR_WORKERS = 500

#: The build a forked worker renders for (set just before forking; nothing else is pickled).
_BUILD = None


class CaseStream:
    """Consumes ``cases`` once; ``rows`` (every case) and the collectors are ready afterwards."""

    def __init__(self, build, digests: "Digests", expected: int = 0):
        self.build = build
        self.digests = digests
        self.rows: list[Row] = []
        self.feeds = FeedCollector(build.settings)
        self.exports = Exporter(build.settings, build.output_path)
        self.rendered = 0
        self.workers = parallel.worker_count(build.settings) if expected >= MIN_CASES_FOR_WORKERS else 1
        self._pool = None
        self._batch: list[Case] = []
        self._pending: deque = deque()

    def public(self, cases: Iterable[Case]) -> Iterator[Case]:
        """Handle every case; yield the public ones."""
        self._start()
        try:
            for case in cases:
                self.rows.append(row_of(case))
                if not case.public:
                    continue
                self._page(case)
                self.feeds.add(case)
                self.exports.add(case)
                yield case
            self._flush()
            self._finish()
        finally:
            self._stop()

    # -- case pages and per-case feeds ------------------------------------------------
    def _page(self, case: Case) -> None:
        page, feed = case_url(case.key) + "index.html", case_feed_path(case)
        if self.digests.unchanged(case, (page, feed), self.build.output_path):
            self._segments.append([(page, False), (feed, False)])
            return
        self.rendered += 1
        if self._pool is None:
            self._segments.append(render_case(self.build, case))
            return
        self._batch.append(case)
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch and self._pool is not None:
            result = self._pool.apply_async(_render_batch, (self._batch,))
            self._pending.append(result)
            self._segments.append(result)
        self._batch = []
        # Waiting for the oldest batch keeps only a few batches of cases in memory.
        while len(self._pending) > IN_FLIGHT * self.workers:
            self._pending.popleft().wait()

    def _start(self) -> None:
        global _BUILD
        self._segments: list = []
        if self.workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return
        _BUILD = self.build
        self._pool = multiprocessing.get_context("fork").Pool(self.workers)

    def _finish(self) -> None:
        """Wait for the workers; add the files of every case in stream order to Build.written."""
        for segment in self._segments:
            self.build.written += segment if isinstance(segment, list) else segment.get()
        self._segments = []

    def _stop(self) -> None:
        global _BUILD
        if self._pool is not None:
            self._pool.close() if not self._segments else self._pool.terminate()
            self._pool.join()
            self._pool, _BUILD = None, None


def render_case(build, case: Case) -> list[tuple[str, bool]]:
    """Write one case's page and its feed; returns (path, changed) of both."""
    page, feed = case_url(case.key) + "index.html", case_feed_path(case)
    root = Path(build.output_path)
    return [
        (page, write_if_changed(root / page, build.renderer.render("case", page, case=case))),
        (feed, write_if_changed(root / feed, case_feed(case, build.settings))),
    ]


def _render_batch(cases: list[Case]) -> list[tuple[str, bool]]:
    written = []
    for case in cases:
        written += render_case(_BUILD, case)
    return written


class Digests:
    """A digest per public case of everything its page and feed are made from.

    The case as the case view built it (its petition, replies, newsroom records,
    status and clocks as of "now") plus the code, templates and site settings
    (``version``): when a case's digest is the one the last build recorded and
    its files are there, they hold exactly what rendering again would write.
    """

    FILENAME = "site-digests.tsv"

    def __init__(self, path: Path | None, version: str):
        self.path = path
        self.version = version.encode()
        self.old: dict[str, str] = {}
        self.new: dict[str, str] = {}
        if path is not None and path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                key, _, digest = line.partition("\t")
                self.old[key] = digest

    @classmethod
    def for_build(cls, settings: dict, output_path: Path, version: str) -> "Digests":
        from ..caseview.termcache import cache_path

        terms = cache_path(settings)
        if terms is None:
            return cls(None, version)
        # One file per output folder: the bench and the site build share the cache folder.
        name = hashlib.sha1(str(Path(output_path).resolve()).encode()).hexdigest()[:12]
        return cls(terms.parent / f"site-{name}-{cls.FILENAME}", version)

    def unchanged(self, case: Case, files: tuple[str, ...], root: Path) -> bool:
        digest = hashlib.sha1(self.version + repr(case).encode("utf-8")).hexdigest()
        self.new[case.key] = digest
        return self.old.get(case.key) == digest and all((root / name).is_file() for name in files)

    def unchanged_page(self, save_as: str, text: str, root: Path) -> bool:
        """Like ``unchanged`` for a page made from ``text`` (all it shows besides the version)."""
        digest = hashlib.sha1(self.version + text.encode("utf-8")).hexdigest()
        self.new[save_as] = digest
        return self.old.get(save_as) == digest and (root / save_as).is_file()

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text("".join(f"{k}\t{d}\n" for k, d in self.new.items()), encoding="utf-8")
        os.replace(temporary, self.path)


def code_version(renderer, settings: dict) -> str:
    """What every case page and feed depends on besides the case: code, templates, site settings."""
    digest = hashlib.sha1()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    loader = renderer.env.loader
    for name in sorted(loader.list_templates()):
        digest.update(name.encode() + loader.get_source(renderer.env, name)[0].encode("utf-8"))
    shared = {k: v for k, v in renderer.env.globals.items() if k in ("SITENAME", "SITESUBTITLE", "DEFAULT_LANG",
                                                                      "AUTHOR", "FEED_DOMAIN", "FEED_ALL_ATOM",
                                                                      "TIMEZONE")}
    pages = [(getattr(p, "url", ""), getattr(p, "title", "")) for p in renderer.env.globals.get("pages") or []]
    site = renderer.env.globals.get("wenzheng")
    keys = ("SITEURL", "RELATIVE_URLS", "FEED_DOMAIN", "WENZHENG_SLUGS", "AUTHOR", "SITENAME")
    digest.update(repr((sorted(shared.items()), pages, getattr(site, "search_url", ""),
                        [(k, settings.get(k)) for k in keys])).encode("utf-8"))
    return digest.hexdigest()
