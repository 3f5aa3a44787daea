"""Case view: status, deadlines, statistics, trending and hot topics, computed from the store.

Everything the newsroom and readers decide from is derived here at build time
(never stored as truth), so a calendar update or a changed rule reaches every
case on the next build. The API the story budget, drafts and site use:

``cases(store, settings, records=None, now=None) -> Iterator[Case]``
    Streams one ``Case`` per petition of ``store.petitions()`` (oldest post
    first; petitions are not held in memory). ``records`` is the newsroom's
    ``records.NewsroomRecords`` (None: empty). Each case carries the masked
    petition (``trust.prepare_petition``), ``public``/``gate_reason``
    (``trust.publication_gate``), ``status`` with its ``evidence``,
    ``deadline``, ``reply_limit``, ``overdue_days``, ``clocks`` ("reply",
    "followup", "resolution", and "reported" (见报后, ``results.py``): working and
    calendar days), ``resolved_at`` (the resolution's time, when known), ``unit`` and
    ``unit_source`` (who replied), ``addressed_to``, ``department``,
    ``timeline``, ``score`` and ``score_parts``. ``now`` defaults to
    WENZHENG_NOW, else the real time in Asia/Shanghai. What the case's source
    carries is ``knows`` (declared per source, narrowed per file at pull):
    without reply data the status is 答复情况不明 and ``reply_known`` is False;
    ``replied`` also counts a platform state such as 已办理 (``states.py``,
    shown as ``platform_state``); ``late`` is the one lateness rule
    (``status.lateness``), None when it cannot be known; ``as_of`` is the day
    running clocks were measured to.

``stats(cases_iterable, settings) -> Stats``
    ``Stats.total`` (a ``Group``) and ``Stats.by[dimension][value]`` for the
    dimensions board, department, type, field, year: count, reply rate (over
    ``reply_base``), on-time rate and overdue share (over ``timed_base``),
    median and p90 reply time in working and calendar days (over the timed
    replies), counts by status, type, field and source, inferred types, and
    ``partial`` for an incomplete year (``Group.as_dict()``); ``Stats.now``.
    ``Stats.rankings``: departments by the Wilson lower bound of their
    on-time reply rate; below WENZHENG_MIN_RANK_SAMPLE listed with rank None.

``reply_rate(cases, start=None, end=None) -> str``
    Reply rate of petitions posted in [start, end) whose source carries
    reply data, two decimals ("97.31").

``asof.as_of(settings) -> AsOf``
    The build's now and the last pull, for 数据截至 on every page and the CLI.

``topics(cases_iterable, settings) -> list[Topic]``
    Hot topics (``id`` named for the first petition, ``label`` "name · issue",
    ``members`` case keys, ``size``, ``heat`` with engagement), hottest first;
    jieba terms, TF-IDF cosine through shared specific terms, Leiden
    communities (``topics.py`` has the method). With
    ``WENZHENG_BASE`` in ``settings`` each text's terms and the last grouping
    are cached in ``WENZHENG_CACHE_DIR`` (``termcache.py``): a rebuild
    segments only new or edited petitions, and regroups only when a text changed.
    ``assign_topics(cases, found)`` sets ``Case.topic`` on cases a caller kept.

Reading a case list twice (stats and topics) means calling ``cases`` twice
or keeping the list; at the 100,000-case scale prefer two streams.
"""
from ..records import CLOSED_STATUSES, OPEN_STATUSES, SETTLED_STATUSES, Status
from .model import STATUSES, Case, Clock, Event
from .stats import Group, Ranked, Stats, reply_rate, stats, wilson
from .topics import Topic, assign_topics, topics
from .view import CaseBuilder, build_now, cases

__all__ = [
    "Status", "STATUSES", "OPEN_STATUSES", "CLOSED_STATUSES", "SETTLED_STATUSES", "Case", "Clock", "Event", "cases", "CaseBuilder", "build_now",
    "stats", "Stats", "Group", "Ranked", "reply_rate", "wilson", "topics", "Topic", "assign_topics",
]
