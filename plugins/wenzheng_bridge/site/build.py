"""What every site output receives (``Build``), and the type of an output (``Output``).

A site build keeps a light ``Row`` per case (``rows``); a caller that has full
``Case`` objects (tests, tools) gives them in ``cases`` / ``all_cases``. The
two are never mixed in one field: ``listed`` and ``public`` give an output
whichever the build has, typed as either rows or cases.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from pelican.writers import Writer

from ..caseview.model import Case
from ..caseview.stats import Stats
from ..caseview.topics import Topic
from ..records import NewsroomRecords, Petition
from ..store import Store
from .render import Renderer
from .row import Row
from .writing import write_if_changed


class PageDigests(Protocol):
    """What a rebuild may keep as it is (``site.stream.Digests``)."""

    def unchanged_page(self, save_as: str, text: str, root: Path) -> bool: ...

    def save(self) -> None: ...


@dataclass
class Build:
    """What every site output (core pages, feeds, sitemap, exports, search) receives."""

    settings: dict[str, Any]  # Pelican's settings with the validated WENZHENG_* ones
    output_path: Path
    context: dict[str, Any]  # Pelican's shared template context
    writer: Writer | None = None  # Pelican's Writer (None in tests and tools)
    #: A site build's light summary of every case (gated ones included), in store order.
    rows: list[Row] = field(default_factory=list)
    #: Full public cases, in store order, when a caller has them (tests, tools); empty in a site build.
    cases: list[Case] = field(default_factory=list)
    #: The same including gated ones (举报, not cleared, taken down).
    all_cases: list[Case] = field(default_factory=list)
    stats: Stats | None = None  # caseview.stats over the public cases
    topics: list[Topic] | None = None  # caseview.topics over the public cases
    renderer: Renderer | None = None
    #: Output files (relative to output_path) written by the outputs so far: (path, changed?).
    written: list[tuple[str, bool]] = field(default_factory=list)
    #: Folders (relative, ending in "/") whose every file this build writes: a file there that
    #: the build did not write is stale (a case taken down, gated, or gone) and is deleted.
    owned: set[str] = field(default_factory=set)
    #: Digests of case and index pages: what a rebuild may keep as it is.
    digests: PageDigests | None = None
    #: Collectors the streaming pass already fed ("feeds": a FeedCollector, "exports": an
    #: Exporter): those outputs only finish them.
    streamed: dict[str, object] = field(default_factory=dict)
    #: Full cases again, in store order, for outputs that need more than the rows (the budget).
    restream: Callable[[], Iterator[Case]] | None = None
    #: The newsroom records the cases were built with, when a build read them (the 成效 page).
    records: NewsroomRecords | None = None

    def listed(self) -> list[Row] | list[Case]:
        """Every case of the build, gated ones included: the rows of a site build, else the full cases."""
        return self.rows if self.rows else self.all_cases

    def public(self) -> list[Row] | list[Case]:
        """The cases an output may show, in store order: public rows, else the public full cases."""
        if self.rows:
            return [row for row in self.rows if row.public]
        return [case for case in self.cases if case.public]  # ``cases`` is public already: this guards it

    def petitions(self, rows: Iterable[Row | Case]) -> Iterator[tuple[Row | Case, Petition]]:
        """Each row with its stored petition, where the store has one: the few outputs that need a
        body or a source's extra fields (rows keep neither) read them here, on one connection."""
        with Store.open(self.settings["WENZHENG_STORE"], readonly=True) as store:
            for row in rows:
                petition = store.petition(row.key)
                if petition is not None:
                    yield row, petition

    def full_cases(self) -> Iterable[Case]:
        """Every case (gated ones included) as full ``Case`` objects, streamed again when needed."""
        return self.restream() if self.restream is not None else self.all_cases

    def write(self, save_as: str, data: bytes | str) -> bool:
        """Write one output file unless unchanged; returns True when written."""
        changed = write_if_changed(self.output_path / save_as, data)
        self.written.append((save_as, changed))
        return changed

    def render(self, template: str, save_as: str, **variables: object) -> bool:
        """Render a theme template to ``save_as`` (relative SITEURL set for the page)."""
        if self.renderer is None:
            raise RuntimeError("Build.render needs a renderer (a site build's generate_context sets it)")
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


#: A site output or finalizer: called with the build; what it returns is for logs and tests.
Output = Callable[[Build], object]
