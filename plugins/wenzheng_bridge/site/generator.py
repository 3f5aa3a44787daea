"""The Pelican Generator of the reader site: cases from the store, not Markdown.

``generate_context`` (run after Pelican's ArticlesGenerator, so the column's
articles are known) reads the newsroom records and streams the cases once from
the store through the case view (``site.stream``): each case's page and feed
are written then (or skipped when unchanged since the last build), and only a
light ``Row`` per case is kept. It puts what Pelican's own templates need (home
page sections, the case boxes of column articles) into the shared context.
``generate_output`` writes the indexes, scorecards and statistics from the
rows, then calls every entry of ``site.outputs.OUTPUTS`` with a ``Build``.
``finalize`` (signal ``finalized``) calls the FINALIZERS.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pelican.generators import Generator

from ..caseview.model import Case
from .keeping_writer import restore_unchanged, snapshot_folder
from .render import Renderer
from .writing import write_if_changed

logger = logging.getLogger(__name__)


@dataclass
class Build:
    """What every site output (core pages, feeds, sitemap, exports, search) receives."""

    settings: dict
    writer: Any  # Pelican's Writer (None in finalizers)
    output_path: Path
    #: Public cases only, in store order (oldest post first): full ``Case`` objects when a caller
    #: builds them (tests, tools), ``pages.Row`` summaries in a site build.
    cases: list
    all_cases: list  # including gated ones (举报, not cleared, taken down); same kind as ``cases``
    context: dict
    stats: Any = None  # caseview.stats over the public cases
    topics: Any = None  # caseview.topics over the public cases
    renderer: Renderer | None = None
    #: Output files (relative to output_path) written by the outputs so far: (path, changed?).
    written: list[tuple[str, bool]] = field(default_factory=list)
    #: Folders (relative, ending in "/") whose every file this build writes: a file there that
    #: the build did not write is stale (a case taken down, gated, or gone) and is deleted.
    owned: set[str] = field(default_factory=set)
    #: Digests of case and index pages (site.stream.Digests): what a rebuild may keep as it is.
    digests: Any = None
    #: Collectors the streaming pass already fed ("feeds", "exports"): those outputs only finish.
    streamed: dict = field(default_factory=dict)
    #: Full cases again, in store order, for outputs that need more than the rows (the budget).
    restream: Callable[[], Iterator[Case]] | None = None
    #: The newsroom records the cases were built with (records.NewsroomRecords), when a build read them.
    records: Any = None

    def full_cases(self) -> Iterable[Case]:
        """Every case (gated ones included) as full ``Case`` objects, streamed again when needed."""
        return self.restream() if self.restream is not None else self.all_cases

    def write(self, save_as: str, data: bytes | str) -> bool:
        """Write one output file unless unchanged; returns True when written."""
        changed = write_if_changed(self.output_path / save_as, data)
        self.written.append((save_as, changed))
        return changed

    def render(self, template: str, save_as: str, **variables) -> bool:
        """Render a theme template to ``save_as`` (relative SITEURL set for the page)."""
        return self.write(save_as, self.renderer.render(template, save_as, **variables))

    def own(self, *folders: str) -> None:
        """Declare folders this build writes completely (see ``owned``)."""
        self.owned.update(folder.rstrip("/") + "/" for folder in folders)

    def prune(self) -> list[str]:
        """Delete files in owned folders that this build did not write; return them.

        The output folder is kept between builds (so unchanged files keep their
        mtimes): without this, a case taken down would keep its old page.
        """
        written = {path for path, _ in self.written}
        removed = []
        root = str(self.output_path)
        for folder in sorted(self.owned):
            top, gone = os.path.join(root, folder.rstrip("/")), set()
            # os.walk with plain strings (no listdir per folder): a rebuild checks 100,000 files here.
            for current, folders, files in os.walk(top, topdown=False):
                relative = os.path.relpath(current, root).replace(os.sep, "/")
                kept = 0
                for name in sorted(files, reverse=True):
                    if f"{relative}/{name}" in written:
                        kept += 1
                        continue
                    os.unlink(os.path.join(current, name))
                    removed.append(f"{relative}/{name}")
                if current != top and not kept and all(os.path.join(current, d) in gone for d in folders):
                    os.rmdir(current)
                    gone.add(current)
        return removed


def _call(entry: str, build: Build) -> None:
    module, function = entry.split(":")
    getattr(import_module(module), function)(build)


class CaseGenerator(Generator):
    """Renders the reader site from the store (registered through ``get_generators``)."""

    def generate_context(self) -> None:
        from . import pages
        from .stream import CaseStream, Digests, code_version

        articles = list(self.context.get("articles", [])) + list(self.context.get("drafts", []))
        self.site = pages.SiteData(self.settings)
        # Pelican's own templates (index.html, article.html) read these; case pages its URLs.
        self.context["wenzheng"] = self.site
        output = Path(self.output_path)
        renderer = Renderer(self.env, self.context, self.settings)
        self.build = Build(settings=self.settings, writer=None, output_path=output, cases=[], all_cases=[],
                           context=self.context, renderer=renderer)
        digests = Digests.for_build(self.settings, output, code_version(renderer, self.settings))
        stream = self._stream(CaseStream, digests, articles)
        self.build.digests = digests
        rows = stream.rows
        self.build.cases = [row for row in rows if row.public]
        self.build.all_cases = rows
        self.build.streamed = {"feeds": stream.feeds, "exports": stream.exports}
        self.build.stats, self.build.topics = self.site.stats, self.site.topics
        # Pelican's StaticGenerator copies the theme's files again after this; see finalize.
        _last_build["theme_static"] = snapshot_folder(
            Path(self.output_path) / self.settings.get("THEME_STATIC_DIR", "theme"))
        logger.info("零距离问政：%d 件案件，其中 %d 件公开；重新生成 %d 个案件页", len(rows),
                    len(self.build.cases), stream.rendered)

    def _stream(self, stream_class, digests, articles):
        """The one pass over the store: rows, case pages and feeds, then statistics and topics."""
        from ..caseview.stats import stats
        from ..caseview.termcache import known_digests
        from ..caseview.topics import assign_topics, topics_of_terms
        from ..caseview.view import cases
        from ..newsroom.records import load as load_records
        from ..store import Store

        records = load_records(self.settings, articles=articles)
        store_path = self.settings["WENZHENG_STORE"]

        def restream() -> Iterator[Case]:
            with Store.open(store_path, readonly=True) as store:
                yield from cases(store, self.settings, records=records)

        self.build.restream = restream
        self.build.records = records
        stream = stream_class(self.build, digests, records, known_terms=known_digests(self.settings))
        # "now" is WENZHENG_NOW when set (reproducible builds), else the real time.
        found = topics_of_terms(stream.terms(store_path), self.settings)
        assign_topics(stream.rows, found)
        public = [row for row in stream.rows if row.public]
        self.site.load(stream.rows, stats(public, self.settings), found)
        return stream

    def generate_output(self, writer) -> None:
        from . import outputs, pages

        build = self.build
        build.writer = writer
        pages.write_pages(build, self.site)
        for entry in outputs.OUTPUTS:
            _call(entry, build)
        for stale in build.prune():
            logger.info("零距离问政：删除过时文件 %s", stale)
        if build.digests is not None:
            build.digests.save()  # last: a build that failed before here renders everything again
        changed = sum(1 for _, was_changed in build.written if was_changed)
        logger.info("零距离问政：写出 %d 个文件，其中 %d 个有变化", len(build.written), changed)
        # Kept for the finalizers, which run on Pelican's ``finalized`` signal.
        _last_build["build"] = build


def finalize(pelican) -> None:
    """Signal ``finalized``: run the FINALIZERS (search index, output scan) on the last Build."""
    from . import outputs

    restore_unchanged(_last_build.pop("theme_static", []))
    build = _last_build.get("build")
    if build is None:
        return
    for entry in outputs.FINALIZERS:
        _call(entry, build)


#: The Build of the current run (set by generate_output) and the theme's static
#: files as they were before Pelican copied them again, for ``finalize``.
_last_build: dict = {}
