"""The Pelican Generator of the reader site: cases from the store, not Markdown.

``generate_context`` (run after Pelican's ArticlesGenerator, so the column's
articles are known) reads the newsroom records, streams the cases once from
the store through the case view and keeps them; it puts what Pelican's own
templates need (home page sections, the case boxes of column articles) into
the shared context. ``generate_output`` writes the case pages, indexes,
scorecards and statistics, then calls every entry of ``site.outputs.OUTPUTS``
with a ``Build``. ``finalize`` (signal ``finalized``) calls the FINALIZERS.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

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
    cases: list[Case]  # public cases only, oldest post first
    all_cases: list[Case]  # including gated ones (举报, not cleared, taken down)
    context: dict
    stats: Any = None  # caseview.stats over the public cases
    topics: Any = None  # caseview.topics over the public cases
    renderer: Renderer | None = None
    #: Output files (relative to output_path) written by the outputs so far: (path, changed?).
    written: list[tuple[str, bool]] = field(default_factory=list)
    #: Folders (relative, ending in "/") whose every file this build writes: a file there that
    #: the build did not write is stale (a case taken down, gated, or gone) and is deleted.
    owned: set[str] = field(default_factory=set)

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
        for folder in sorted(self.owned):
            root = self.output_path / folder
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*"), reverse=True):  # files before their folders
                relative = path.relative_to(self.output_path).as_posix()
                if path.is_dir():
                    if not any(path.iterdir()):
                        path.rmdir()
                elif relative not in written:
                    path.unlink()
                    removed.append(relative)
        return removed


def _call(entry: str, build: Build) -> None:
    module, function = entry.split(":")
    getattr(import_module(module), function)(build)


class CaseGenerator(Generator):
    """Renders the reader site from the store (registered through ``get_generators``)."""

    def generate_context(self) -> None:
        from ..caseview.stats import stats
        from ..caseview.topics import topics
        from ..caseview.view import cases
        from ..newsroom.records import load as load_records
        from ..store import Store
        from . import pages

        articles = list(self.context.get("articles", [])) + list(self.context.get("drafts", []))
        records = load_records(self.settings, articles=articles)
        with Store.open(self.settings["WENZHENG_STORE"], readonly=True) as store:
            # "now" is WENZHENG_NOW when set (reproducible builds), else the real time.
            self.all_cases = list(cases(store, self.settings, records=records))
        self.public = [case for case in self.all_cases if case.public]
        self.stats = stats(self.public, self.settings)
        self.topics = topics(self.public, self.settings)
        self.site = pages.SiteData(self.public, self.all_cases, self.stats, self.topics, self.settings)
        # Pelican's own templates (index.html, article.html) read these.
        self.context["wenzheng"] = self.site
        # Pelican's StaticGenerator copies the theme's files again after this; see finalize.
        _last_build["theme_static"] = snapshot_folder(
            Path(self.output_path) / self.settings.get("THEME_STATIC_DIR", "theme"))
        logger.info("零距离问政：%d 件案件，其中 %d 件公开", len(self.all_cases), len(self.public))

    def generate_output(self, writer) -> None:
        from . import outputs, pages

        build = Build(
            settings=self.settings, writer=writer, output_path=Path(self.output_path),
            cases=self.public, all_cases=self.all_cases, context=self.context,
            stats=self.stats, topics=self.topics,
            renderer=Renderer(self.env, self.context, self.settings),
        )
        pages.write_pages(build, self.site)
        for entry in outputs.OUTPUTS:
            _call(entry, build)
        for stale in build.prune():
            logger.info("零距离问政：删除过时文件 %s", stale)
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
