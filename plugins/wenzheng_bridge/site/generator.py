"""The Pelican Generator of the reader site: cases from the store, not Markdown.

``generate_context`` (run after Pelican's ArticlesGenerator, so the column's
articles are known) reads the newsroom records and streams the cases once from
the store through the case view (``site.stream``): each case's page and feed
are written then (or skipped when unchanged since the last build), and only a
light ``Row`` per case is kept. It puts what Pelican's own templates need (home
page sections, the case boxes of column articles) into the shared context.
``generate_output`` writes the indexes, scorecards and statistics from the
rows, then calls every entry of ``site.outputs.OUTPUTS`` with the ``Build``, and
connects ``finalize`` to Pelican's ``finalized`` signal for the FINALIZERS.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

from pelican import signals
from pelican.generators import Generator

from ..caseview.model import Case
from ..caseview.stats import stats
from ..caseview.termcache import known_digests
from ..caseview.topics import assign_topics, topics_of_terms
from ..caseview.view import cases
from ..newsroom.records import load as load_records
from ..store import Store
from . import pages
from .build import Build
from .keeping_writer import restore_unchanged, snapshot_folder
from .outputs import FINALIZERS, OUTPUTS
from .render import Renderer
from .stream import CaseStream, Digests, code_version

logger = logging.getLogger(__name__)


class CaseGenerator(Generator):
    """Renders the reader site from the store (registered through ``get_generators``)."""

    def generate_context(self) -> None:
        articles = list(self.context.get("articles", [])) + list(self.context.get("drafts", []))
        self.site = pages.SiteData(self.settings, search_url="search/" if "search_page" in OUTPUTS else "")
        # Pelican's own templates (index.html, article.html) read these; case pages its URLs.
        self.context["wenzheng"] = self.site
        output = Path(self.output_path)
        renderer = Renderer(self.env, self.context, self.settings)
        self.build = Build(settings=self.settings, output_path=output, context=self.context, renderer=renderer)
        digests = Digests.for_build(self.settings, output, code_version(renderer, self.settings))
        stream = self._stream(CaseStream, digests, articles)
        self.build.digests = digests
        rows = self.build.rows = stream.rows
        self.build.streamed = {"feeds": stream.feeds, "exports": stream.exports}
        self.build.stats, self.build.topics = self.site.stats, self.site.topics
        # Pelican's StaticGenerator copies the theme's files again after this; see finalize.
        self.theme_static = snapshot_folder(
            Path(self.output_path) / self.settings.get("THEME_STATIC_DIR", "theme"))
        logger.info("零距离问政：%d 件案件，其中 %d 件公开；重新生成 %d 个案件页", len(rows),
                    sum(row.public for row in rows), stream.rendered)

    def _stream(self, stream_class, digests, articles):
        """The one pass over the store: rows, case pages and feeds, then statistics and topics."""
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
        build = self.build
        build.writer = writer
        pages.write_pages(build, self.site)
        for output in OUTPUTS.targets():
            output(build)
        for stale in build.prune():
            logger.info("零距离问政：删除过时文件 %s", stale)
        if build.digests is not None:
            build.digests.save()  # last: a build that failed before here renders everything again
        changed = sum(1 for _, was_changed in build.written if was_changed)
        logger.info("零距离问政：写出 %d 个文件，其中 %d 个有变化", len(build.written), changed)
        # The finalizers run once Pelican has written everything; this run's generator only.
        signals.finalized.connect(self.finalize)

    def finalize(self, pelican: object) -> None:
        """Signal ``finalized``: put back unchanged theme files, then run the FINALIZERS on this build."""
        signals.finalized.disconnect(self.finalize)
        restore_unchanged(self.theme_static)
        for finalizer in FINALIZERS.targets():
            finalizer(self.build)
