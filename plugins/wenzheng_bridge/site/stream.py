"""The one pass over the store's cases, on every core: what each case alone needs is done there.

Building a case (masking, deadlines, clocks) and rendering its page and feed
is most of a build and needs nothing of the other cases, except how often its
places were named before (counted first, from a light outline of the store).
So the store is split into slices in stream order (oldest post first), and
forked workers each read a slice from the store themselves, build its cases,
write their pages and feeds (or skip them when the digest says nothing
changed) and hand back only small things: a light ``row.Row`` per case, the
written files, digests, the entries the slice's cases give the site-wide
feeds, their open-data lines (in part files) and their topic terms. This process
merges the slices in order, so the result is the one a single process gets.

Workers are forked before any case is built, so memory stays that of a slice
per worker plus the rows here, whatever the size of the store.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field, fields
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Iterator

from ..caseview.model import Case
from ..caseview.settings import CaseviewSettings
from ..caseview.termcache import cache_path
from ..caseview.terms import load_segmenter
from ..caseview.topics import body_length, text_terms
from ..caseview.trending import PlaceRepeats
from ..caseview.view import CaseBuilder
from ..forking import can_fork, pool, worker_count
from ..store import Store
from ..urls import case_url
from .build import Build
from .exports import Exporter, ExportPart, case_lines, write_part
from .feeds import FeedCollector, case_feed, case_feed_path
from .row import Row, row_of
from .search_source import record, text_file, text_path
from .settings import SiteSettings
from .slugs import Slugs
from .writing import write_if_changed

#: The plugin package: all of its code shapes the pages (see ``code_version``).
PACKAGE = Path(__file__).resolve().parent.parent
#: Petitions a worker reads and builds at a time (bounds its memory and evens out the work).
SLICE = 500
#: Below this many petitions, forking costs more than it saves.
MIN_CASES_FOR_WORKERS = 500


@dataclass
class Slice:
    """What a worker hands back for one slice of the stream."""

    rows: list[Row] = field(default_factory=list)
    written: list[tuple[str, bool]] = field(default_factory=list)
    digests: list[tuple[str, str]] = field(default_factory=list)
    rendered: int = 0
    feeds: FeedCollector | None = None
    exports: ExportPart | None = None
    terms: list[tuple] = field(default_factory=list)


class CaseStream:
    """Runs the pass (``terms``); ``rows`` (every case) and the collectors are ready afterwards."""

    def __init__(self, build: Build, digests: "Digests", records, known_terms: set[bytes] = frozenset()):
        self.build = build
        self.digests = digests
        self.records = records
        self.known_terms = known_terms
        self.rows: list[Row] = []
        self.feeds = FeedCollector(build.settings)
        self.exports = Exporter(build.settings, build.output_path)
        self.rendered = 0
        self._strings: dict[str, str] = {}

    def terms(self, store_path) -> Iterator[tuple]:
        """Build every case, in slices; yield each public case's topic-terms item in stream order."""
        slices, repeats = self._plan(store_path)
        count = sum(len(ids) for _, ids in slices)
        builder = CaseBuilder(self.build.settings, self.records, repeats=repeats)
        parts = tempfile.TemporaryDirectory(prefix="wenzheng-export-")
        shared = _Pass(self.build, self.digests, str(store_path), builder, self.known_terms, Path(parts.name))
        work = partial(_slice, shared)  # the workers inherit ``shared`` through it (nothing of it is pickled)
        workers = worker_count(self.build.settings) if len(slices) > 1 and count >= MIN_CASES_FOR_WORKERS else 1
        try:
            if workers <= 1 or not can_fork():
                for job in slices:
                    yield from self._take(work(job))
                return
            shared.prepare_fork(count)
            with pool(workers, work) as forked:
                for part in forked.imap(slices):
                    yield from self._take(part)
        finally:
            parts.cleanup()

    def _plan(self, store_path) -> tuple[list[tuple[int, list[int]]], object]:
        """Slices of row ids in stream order (with their first position), and the place repeats."""
        with Store.open(store_path, readonly=True) as store:
            outline = store.outline()
        window = CaseviewSettings.of(self.build.settings).trending["place_window_days"]
        repeats = PlaceRepeats.counted(window, ((key, posted, places) for _, key, posted, places in outline))
        ids = [row[0] for row in outline]
        return [(start, ids[start:start + SLICE]) for start in range(0, len(ids), SLICE)], repeats

    def _take(self, part: Slice) -> Iterator[tuple]:
        for row in part.rows:
            # Each unpickled row has its own copy of its board, department, ... strings: share them.
            row.status, row.status_class, row.board, row.department, row.type, row.field = (
                self._strings.setdefault(text, text)
                for text in (row.status, row.status_class, row.board, row.department, row.type, row.field))
        self.rows += part.rows
        self.build.written += part.written
        self.digests.new.update(part.digests)
        self.rendered += part.rendered
        self.feeds.merge(part.feeds)
        self.exports.add_part(part.exports)
        yield from part.terms


class _Pass:
    """What the workers share (inherited when they fork; nothing of it is pickled)."""

    def __init__(self, build: Build, digests, store_path: str, builder: CaseBuilder, known_terms: set[bytes],
                 parts: Path):
        self.build, self.digests, self.store_path, self.builder = build, digests, store_path, builder
        self.known_terms = known_terms
        self.parts = parts  # where workers write their open-data lines
        self.body_chars = body_length(build.settings)
        site = SiteSettings.of(build.settings)
        self.slugs = Slugs(site.slugs)
        self.search = site.search  # whether a case gets its search text file (``case_files``)

    def prepare_fork(self, petitions: int) -> None:
        """Before forking: load the segmenter once if texts may be new (every worker inherits it)."""
        if petitions > len(self.known_terms):
            load_segmenter()


def _slice(shared: _Pass, job: tuple[int, list[int]]) -> Slice:
    """In a worker (or here for a small store): build, render and summarise one slice."""
    first, ids = job
    settings = shared.build.settings
    with Store.open(shared.store_path, readonly=True) as store:
        petitions = store.petitions_by_id(ids)
    part, lines = Slice(feeds=FeedCollector(settings, first=first)), []
    for petition in petitions:
        case = shared.builder.build(petition)
        part.rows.append(row_of(case))
        if not case.public:
            continue
        _page(shared, case, part)
        part.feeds.add(case)
        lines.append(case_lines(case, settings, shared.slugs))
        part.terms.append(text_terms(case, shared.body_chars, shared.known_terms))
    part.exports = write_part(lines, shared.parts, f"{first:010d}")
    return part


def case_files(case: Case, search: bool) -> tuple[str, ...]:
    """The files a public case gets: its page, its feed and, when the site has search, its search text.

    Without search the finalizer deletes search/text/: a text file written anyway would be missing
    at the next build, whose digests would then render every case again.
    """
    files = (case_url(case.key) + "index.html", case_feed_path(case))
    return files + (text_path(case.key),) if search else files


def _page(shared: _Pass, case: Case, part: Slice) -> None:
    """The case's page and feed, unless its digest says the files hold what they would get."""
    files = case_files(case, shared.search)
    digest, unchanged = shared.digests.check(case, files, shared.build.output_path)
    part.digests.append((case.key, digest))
    if unchanged:
        part.written += [(name, False) for name in files]
        return
    part.rendered += 1
    part.written += render_case(shared.build, case, shared.search)


def render_case(build: Build, case: Case, search: bool) -> list[tuple[str, bool]]:
    """Write one case's files (``case_files``); returns (path, changed) of each."""
    page, feed, *text = case_files(case, search)
    root = Path(build.output_path)
    written = [
        (page, write_if_changed(root / page, build.renderer.render("case", page, case=case))),
        (feed, write_if_changed(root / feed, case_feed(case, build.settings))),
    ]
    return written + [(name, write_if_changed(root / name, text_file(record(case)))) for name in text]


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
        terms = cache_path(settings)
        if terms is None:
            return cls(None, version)
        # One file per output folder: the bench and the site build share the cache folder.
        name = hashlib.sha1(str(Path(output_path).resolve()).encode()).hexdigest()[:12]
        return cls(terms.parent / f"site-{name}-{cls.FILENAME}", version)

    def check(self, case: Case, files: tuple[str, ...], root: Path) -> tuple[str, bool]:
        """(the case's digest, whether its files are there and hold what rendering would write).

        Only reads: a worker's answer is recorded by the main process (``new``).
        """
        digest = hashlib.sha1(self.version + _shown(case).encode("utf-8")).hexdigest()
        return digest, self.old.get(case.key) == digest and all((root / name).is_file() for name in files)

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


#: Case fields its page and feed never show: they move with "now" on every build of a live site
#: (the trending score decays by the hour), so they must not make every page look changed.
_NOT_SHOWN = frozenset({"score", "score_parts", "topic", "clocks"})
_SHOWN_FIELDS = tuple(f.name for f in fields(Case) if f.name not in _NOT_SHOWN)


#: Clocks the case page shows while they run (in working days; calendar days move by the second).
_SHOWN_RUNNING = frozenset({"reply", "reported"})


def _shown(case: Case) -> str:
    """What a case's page and feed are made from: the case without its now-driven extras."""
    clocks = sorted((name, clock.working_days if name in _SHOWN_RUNNING else None, True) if clock.running
                    else (name, clock.working_days, clock.calendar_days) for name, clock in case.clocks.items())
    return repr(([_stable(getattr(case, name)) for name in _SHOWN_FIELDS], clocks))


def _stable(value):
    """A set as a sorted list: a set of strings is shown in hash order, which differs in every process
    (PYTHONHASHSEED), so its repr would change every case's digest on every build."""
    return sorted(value) if isinstance(value, (set, frozenset)) else value


#: Libraries whose output ends up in pages: templating, Markdown, the sanitiser, the holiday
#: calendar (its data ships with its version) and the segmenter (topic terms on case pages).
RENDERING_LIBRARIES = ("jinja2", "markdown", "nh3", "chinesecalendar", "rjieba", "pelican")
#: Pelican settings case pages and feeds read (every WENZHENG_* setting is added to these).
SITE_KEYS = ("SITEURL", "RELATIVE_URLS", "FEED_DOMAIN", "AUTHOR", "SITENAME", "SITESUBTITLE", "DEFAULT_LANG",
             "TIMEZONE", "FEED_ALL_ATOM")

#: Settings that say where files are or how the work is spread, not what pages show: a copied
#: project (another WENZHENG_BASE) or another worker count must not re-render every page.
#: The store's and the records' contents are in each case's own digest; their paths are not.
WHERE_NOT_WHAT = frozenset({"WENZHENG_BASE", "WENZHENG_STORE", "WENZHENG_NEWSROOM_DIR", "WENZHENG_DRAFTS_DIR",
                            "WENZHENG_CACHE_DIR", "WENZHENG_WORKERS", "WENZHENG_USER_AGENT", "WENZHENG_SCAN_OUTPUT"})


def code_version(renderer, settings: dict, package: Path = PACKAGE) -> str:
    """What every case page and feed depends on besides the case.

    The whole plugin's code, not only the site layer's: a status badge class set in
    ``caseview`` or a rule in ``trust`` changes pages whose cases did not change.
    Every WENZHENG_* setting too (a new one needs no registration here), the
    templates, and the versions of the libraries that render or compute what pages show.
    """
    digest = hashlib.sha1()
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + source.read_bytes())
    loader = renderer.env.loader
    for name in sorted(loader.list_templates()):
        digest.update(name.encode() + loader.get_source(renderer.env, name)[0].encode("utf-8"))
    pages = [(getattr(p, "url", ""), getattr(p, "title", "")) for p in renderer.env.globals.get("pages") or []]
    site = renderer.env.globals.get("wenzheng")
    keys = sorted(k for k in settings if k.startswith("WENZHENG_") and k not in WHERE_NOT_WHAT) + list(SITE_KEYS)
    digest.update(repr((pages, getattr(site, "search_url", ""), [(k, settings.get(k)) for k in keys],
                        [(name, _version(name)) for name in RENDERING_LIBRARIES])).encode("utf-8"))
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""
