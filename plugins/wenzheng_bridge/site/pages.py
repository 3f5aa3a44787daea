"""The reader site's pages: case pages, indexes, scorecards, statistics, home sections.

Only public cases (``Case.public``) reach any page here. Index pages keep a
light ``Row`` per case, and every list is paginated by where its cases stand
in the whole store (see ``paginate``), so a new case only touches the newest
page of an index and a case changing lists only the pages that list it.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from typing import Callable, Iterable

from ..caseview.model import STATUSES, Case
from ..caseview.unranked import why_unranked
from ..records import SHANGHAI, TYPES, Status
from ..urls import case_url, topic_url
from .leaders import Leaders
from .settings import SiteSettings
from .slugs import Slugs

#: Shown where a case has no department or field.
UNKNOWN_LABEL = "未标注"


@dataclass(slots=True)
class Row:
    """What indexes, scorecards, statistics, the sitemap and the home page need of a case.

    One is kept per case for the whole build instead of the full ``Case`` (whose
    texts make memory grow with the store). It reads like a case where
    ``caseview.stats`` looks (``petition.type``, ``clocks``, ...), so the
    statistics are computed from the rows after the streaming pass.
    """

    key: str
    title: str
    status: str
    status_class: str
    board: str
    department: str
    type: str
    field: str
    posted: datetime | None
    overdue_days: int
    reply_days: int | None  # working days from post to reply, when replied
    replies: int = 0  # number of replies (stats only ask whether there is one)
    clocks: dict = dc_field(default_factory=dict)  # the "reply" Clock only
    updated: datetime | None = None  # latest timeline event, else the post (sitemap, feeds)
    score: float = 0.0
    topic: str = ""
    public: bool = True
    # What statistics need to give each figure its base (see caseview.stats.Group).
    source: str = ""
    replied: bool = False
    reply_known: bool = True
    late: bool | None = None
    type_inferred: bool = False

    @property
    def petition(self) -> "Row":
        """The row stands in for its petition where statistics read type, field, posted, replies."""
        return self

    @property
    def url(self) -> str:
        return case_url(self.key)

    @property
    def month(self) -> str:
        return self.posted.astimezone(SHANGHAI).strftime("%Y-%m") if self.posted else ""


def case_updated(case: Case | Row) -> datetime | None:
    """When the case last changed: its latest timeline event, else its post (a Row knows it)."""
    if isinstance(case, Row):
        return case.updated
    times = [e.time for e in case.timeline if e.time]
    if case.petition.posted:
        times.append(case.petition.posted)
    return max(times).astimezone(SHANGHAI) if times else None


def row_of(case: Case) -> Row:
    p = case.petition
    reply = case.clocks.get("reply")
    return Row(
        key=case.key, title=p.title, status=case.status, status_class=case.status_class,
        board=p.board, department=case.department, type=p.type, field=p.field, posted=p.posted,
        overdue_days=case.overdue_days,
        reply_days=reply.working_days if reply is not None and not reply.running else None,
        replies=len(p.replies), clocks={"reply": reply} if reply is not None else {},
        updated=case_updated(case), score=case.score, topic=case.topic, public=case.public,
        source=p.source, replied=case.replied, reply_known=case.reply_known, late=case.late,
        type_inferred=case.type_inferred,
    )


@dataclass(frozen=True)
class Dimension:
    """A way to group cases: its URL prefix, Chinese label, and the value of a row."""

    name: str
    label: str
    prefix: str
    value: Callable[[Row], str]
    scorecard: bool = False  # boards and departments get reply-rate scorecards
    order: tuple[str, ...] = ()  # fixed display order of known values (types, statuses)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("status", "案件状态", "status", lambda r: r.status, order=tuple(STATUSES)),
    Dimension("board", "板块", "boards", lambda r: r.board, scorecard=True),
    Dimension("department", "部门", "departments", lambda r: r.department, scorecard=True),
    Dimension("type", "留言类型", "types", lambda r: r.type, order=TYPES),
    Dimension("field", "领域", "fields", lambda r: r.field),
)
DIMENSION = {d.name: d for d in DIMENSIONS}


# -- pagination ------------------------------------------------------------------
@dataclass
class Page:
    """One page of an index: its number, rows (newest first) and its neighbours' numbers.

    The number is where the page starts in the whole store, in pages (see
    ``paginate``): numbers grow with age but need not be consecutive.
    """

    number: int
    rows: list[Row]
    base: str  # the index's URL, e.g. "boards/a1-3f2a9c/"
    older: int | None = None  # number of the page of older cases
    newer: int | None = None

    @property
    def save_as(self) -> str:
        return f"{self.base}page/{self.number}/index.html"

    @property
    def url(self) -> str:
        return f"{self.base}page/{self.number}/"

    def url_of(self, number: int) -> str:
        return f"{self.base}page/{number}/"


def paginate(rows: list[Row], size: int, base: str, position: Callable[[Row], int] | None = None) -> list[Page]:
    """Split oldest-first ``rows`` into pages of at most ``size`` that stay put as cases come and go.

    ``position`` places each row in the whole store (its rank by age among all
    cases, gated ones included; default: its place in ``rows``). Pages are
    the leaves of a binary split of the store's positions: a stretch of
    positions holding more than ``size`` of the rows is halved, until each
    part holds at most ``size``. So a new case changes only the newest page,
    and a case that leaves a list (its status changed) or joins one changes
    only the page that stretch falls in, never the pages after it, as
    counting ``size`` rows from the oldest would.
    """
    positions = [position(row) for row in rows] if position else list(range(len(rows)))
    width = size
    while positions and width <= positions[-1]:
        width *= 2
    leaves: list[tuple[int, int, int]] = []  # (first position, first row, end row)

    def split(start: int, span: int, low: int, high: int) -> None:
        if high - low <= size or span <= size:
            leaves.append((start, low, high))
            return
        middle = bisect_left(positions, start + span // 2, low, high)
        split(start, span // 2, low, middle)
        split(start + span // 2, span // 2, middle, high)

    split(0, width, 0, len(rows))
    leaves = [leaf for leaf in leaves if leaf[2] > leaf[1]] or [(0, 0, 0)]
    numbers = [start // size + 1 for start, _, _ in leaves]
    return [Page(number, list(reversed(rows[low:high])), base,
                 older=numbers[i - 1] if i else None, newer=numbers[i + 1] if i + 1 < len(numbers) else None)
            for i, (number, (_, low, high)) in enumerate(zip(numbers, leaves))]


def page_of(pages: list[Page], row: Row) -> Page | None:
    """The page that lists ``row`` (the very object)."""
    return next((page for page in pages if any(listed is row for listed in page.rows)), None)


# -- what the pages show -----------------------------------------------------------
class SiteData:
    """Everything the site's pages read, computed once per build.

    Made before the cases stream (case pages only need its URLs), then
    ``load``-ed with the rows of all cases, the statistics and the topics.
    """

    def __init__(self, settings: dict):
        self.settings = settings
        self.options = SiteSettings.of(settings)
        self.slug = Slugs(self.options.slugs)
        self.rows: list[Row] = []
        self.by_key: dict[str, Row] = {}
        self.gated: set[str] = set()
        self.positions: dict[str, int] = {}
        self._pages: dict[tuple[str, int], list[Page]] = {}
        self.unchanged: set[str] = set()  # numbered index pages to keep as they are (write_pages)
        self.leaders = Leaders(settings)  # leader mailboxes and spokespersons

    def load(self, rows: Iterable[Row], stats, topics) -> "SiteData":
        """``rows``: one per case (gated ones included), public or not."""
        from ..caseview.asof import as_of
        from .figures import Figures

        rows = sorted(rows, key=_age_key)
        # Ranks among all cases, gated ones too: a takedown must not move the pages of later cases.
        self.positions = {row.key: rank for rank, row in enumerate(rows)}
        self._pages = {}
        self.rows = [row for row in rows if row.public]
        self.by_key = {row.key: row for row in self.rows}
        self.gated = {row.key for row in rows if not row.public}
        self.stats = stats
        self.topics = topics
        self.figures = Figures(stats)
        self.as_of = as_of(self.settings, getattr(stats, "now", None))
        self.groups = {d.name: _group(self.rows, d) for d in DIMENSIONS}
        self.months = _by(self.rows, lambda r: r.month or UNKNOWN_LABEL)
        self.leaders.load(self)
        return self

    def paginate(self, rows: list[Row], size: int, base: str) -> list[Page]:
        """An index's pages, split once per build (the digests and the writers both ask)."""
        if (base, size) not in self._pages:
            self._pages[base, size] = paginate(rows, size, base, position=lambda row: self.positions[row.key])
        return self._pages[base, size]

    # URLs, for templates
    def url(self, dimension: str, value: str) -> str:
        return f"{DIMENSION[dimension].prefix}/{self.slug(value)}/"

    def month_url(self, month: str) -> str:
        return "archive/{}/{}/".format(*month.split("-")) if "-" in month else "archive/unknown/"

    # home page sections
    def latest(self, rows: Iterable[Row], limit: int | None = None) -> list[Row]:
        limit = limit or self.options.home_items
        return list(reversed(list(rows)))[:limit]

    def home_resolved(self) -> list[Row]:
        return self.latest([r for r in self.rows if r.status == Status.RESOLVED])

    def home_overdue(self) -> list[Row]:
        overdue = [r for r in self.rows if r.status == Status.OVERDUE]
        overdue.sort(key=lambda r: (-r.overdue_days, r.key))
        return overdue[: self.options.home_items]

    def home_recent(self) -> list[Row]:
        return self.latest(self.rows)

    @property
    def home_items(self) -> int:
        return self.options.home_items

    def home_topics(self) -> list[TopicLink]:
        """The hottest topics, each linking to its page (the same count there)."""
        return self.topic_links()[: self.home_items]

    def topic_links(self) -> list[TopicLink]:
        """Every hot topic (hottest first) that still has public cases, and its count of them."""
        links = []
        for topic in self.topics or []:
            shown, _ = self.topic_rows(topic)
            if shown:
                links.append(TopicLink(topic.label, len(shown), topic_url(topic.id)))
        return links

    def topic_rows(self, topic) -> tuple[list[Row], int]:
        """A topic's public cases (newest first) and how many of its cases are not public."""
        shown = [self.by_key[key] for key in topic.members if key in self.by_key]
        return shown, len(topic.members) - len(shown)

    @property
    def search_url(self) -> str:
        """The search page's URL when the search output is part of the build."""
        from .outputs import OUTPUTS

        return "search/" if any(entry.startswith("wenzheng_bridge.site.search:") for entry in OUTPUTS) else ""


@dataclass(frozen=True)
class TopicLink:
    label: str
    size: int
    url: str


def _age_key(row: Row):
    posted = row.posted
    return (posted is None, posted.timestamp() if posted else 0, row.key)


def _by(rows: Iterable[Row], value: Callable[[Row], str]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(value(row), []).append(row)
    return dict(sorted(groups.items()))


def _group(rows: list[Row], dimension: Dimension) -> dict[str, list[Row]]:
    groups = _by(rows, lambda r: dimension.value(r) or "")
    if dimension.order:
        known = [(value, groups.pop(value)) for value in dimension.order if value in groups]
        return dict(known + sorted(groups.items()))
    return groups


def label(value: str) -> str:
    return value or UNKNOWN_LABEL


# -- writing -----------------------------------------------------------------------
def write_pages(build, site: SiteData) -> None:
    """The indexes, scorecards and statistics (case pages are written while the cases stream)."""
    from functools import partial

    from . import parallel
    from .statistics import write_statistics

    build.own("cases", "archive", "stats", "topics", *(d.prefix for d in DIMENSIONS))
    site.unchanged = unchanged_pages(build, site)
    # The slowest single task first.
    tasks = [partial(write_statistics, build, site)]
    tasks += [partial(write_dimension, build, site, dimension) for dimension in DIMENSIONS]
    tasks.append(partial(write_archive, build, site))
    tasks.append(partial(write_topics, build, site))
    # A few large tasks: worth a worker each once the site has more than a few thousand cases.
    parallel.run(build, tasks, per_worker=1 if len(site.rows) > 2000 else len(tasks) + 1)


def write_case(build, case: Case) -> None:
    build.render("case", case_url(case.key) + "index.html", case=case)


def write_index(build, site: SiteData, rows: list[Row], base: str, heading: str, **extra) -> None:
    """An index's numbered pages, and its landing page with the newest cases.

    The landing page shows the newest ``size`` cases whatever the page
    boundaries (the newest numbered page may hold only one), and links to the
    numbered page just older than those.
    """
    size = SiteSettings.of(build.settings).index_page_size
    pages = site.paginate(rows, size, base)
    for page in pages:
        if page.save_as in site.unchanged:
            build.written.append((page.save_as, False))
            continue
        build.render("cases", page.save_as, page=page, rows=page.rows, heading=heading, landing=False, **extra)
    older = page_of(pages, rows[-size - 1]) if len(rows) > size else None
    build.render("cases", base + "index.html", page=pages[-1], rows=site.latest(rows, size),
                 older=older.number if older else None, oldest=pages[0].number if len(pages) > 1 else None,
                 heading=heading, landing=True, total=len(rows), **extra)


def unchanged_pages(build, site: SiteData) -> set[str]:
    """Numbered index pages whose lines are those the last build wrote (their files kept as they are).

    A numbered page shows only its rows and links to its neighbours (the
    scorecard and totals are on the landing page), so their digest with the
    code and site version (``build.digests``) decides. Computed before the
    workers fork, so they only read it.
    """
    digests = getattr(build, "digests", None)
    if digests is None:
        return set()
    size = SiteSettings.of(build.settings).index_page_size
    line = {row.key: repr((row.key, row.status, row.status_class, row.title, row.board, row.department,
                           row.type, row.field, row.posted, row.overdue_days)) for row in site.rows}
    indexes = [(site.url(d.name, value), f"{d.name}:{value}", rows)
               for d in DIMENSIONS for value, rows in site.groups[d.name].items()]
    indexes += [(site.month_url(month), month, rows) for month, rows in site.months.items()]
    unchanged = set()
    for base, heading, rows in indexes:
        for page in site.paginate(rows, size, base):
            text = f"{page.save_as}|{heading}|{page.older}|{page.newer}|" + "|".join(line[row.key] for row in page.rows)
            if digests.unchanged_page(page.save_as, text, build.output_path):
                unchanged.add(page.save_as)
    return unchanged


def write_dimension(build, site: SiteData, dimension: Dimension) -> None:
    groups = site.groups[dimension.name]
    scorecards = {value: site.figures.group(dimension.name, value) for value in groups} \
        if dimension.scorecard else {}
    for value, rows in groups.items():
        heading = f"{dimension.label}：{label(value)}"
        write_index(build, site, rows, site.url(dimension.name, value), heading,
                    dimension=dimension, value=value, scorecard=scorecards.get(value))
    unranked = why_unranked({v: len(rows) for v, rows in groups.items() if v}, site.figures.min_sample,
                            len(groups.get("", [])), dimension.label) if scorecards else ""
    build.render("groups", f"{dimension.prefix}/index.html", dimension=dimension, groups=groups,
                 scorecards=scorecards, ranking=site.figures.ranking(scorecards) if scorecards else [],
                 unranked=unranked)


def write_archive(build, site: SiteData) -> None:
    for month, rows in site.months.items():
        heading = "{}年{}月的留言".format(*month.split("-")) if "-" in month else "日期不明的留言"
        write_index(build, site, rows, site.month_url(month), heading)
    years: dict[str, list[tuple[str, int]]] = {}
    for month, rows in site.months.items():
        years.setdefault(month.split("-")[0], []).append((month, len(rows)))
    build.render("archive", "archive/index.html", years=dict(sorted(years.items(), reverse=True)))


def write_topics(build, site: SiteData) -> None:
    """The topic list and one page per topic listing all its public cases (the count the home page shows)."""
    for topic in site.topics or []:
        shown, hidden = site.topic_rows(topic)
        if shown:
            build.render("topic", topic_url(topic.id) + "index.html", topic=topic, rows=shown, hidden=hidden)
    build.render("topics", "topics/index.html", links=site.topic_links())
