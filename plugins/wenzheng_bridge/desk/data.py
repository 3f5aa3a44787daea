"""What the desk shows, read from the store and the newsroom records, kept while neither changes.

Building every case view takes about a second on the sample and grouping hot topics two more,
so the desk keeps them: a changed store file means reading everything again; a changed record
file (an action on the desk, a command, a hand edit) rebuilds only the cases whose records
changed, with the place repeats counted once over the whole store (a count depends on the
petitions before it, not on the records).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from ..caseview.model import Case
from ..config import CoreSettings
from ..newsroom import records as nr
from ..records import NewsroomRecords


@dataclass
class Snapshot:
    """Every case view with the records they were built from, at one version of the files."""

    records: NewsroomRecords
    cases: list[Case]
    by_key: dict[str, Case]
    now: datetime


@dataclass
class _Store:
    """What the desk read from the store: the petitions in stream order and their place repeats."""

    petitions: list
    repeats: object  # trending.KnownRepeats


def _stamp(path) -> tuple:
    try:
        stat = path.stat()
        return (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return ()


def _changed(before: tuple, after: tuple) -> set[str]:
    """Case keys whose record file appeared, changed or went between two ``_records_stamp``s."""
    return {name[: -len(nr.SUFFIX)] for name, _ in set(before) ^ set(after)}


class DeskData:
    """The desk's cached view of store and records (one per application, shared by its threads)."""

    def __init__(self, settings: dict):
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: tuple[tuple, Snapshot] | None = None
        self._store: tuple[tuple, _Store] | None = None
        self._groups: tuple[tuple, list] | None = None
        self._calendar = None  # caseview.workdays.WorkCalendar, kept: its tables are built a year at a time

    def _store_stamp(self) -> tuple:
        store = CoreSettings.of(self.settings).store_path
        return tuple(_stamp(store.with_name(store.name + suffix)) for suffix in ("", "-wal"))

    def _records_stamp(self) -> tuple:
        folder = nr.records_dir(self.settings)
        files = sorted(folder.glob(f"*{nr.SUFFIX}")) if folder.is_dir() else []
        return tuple((path.name, _stamp(path)) for path in files)

    def snapshot(self) -> Snapshot:
        store_stamp, records_stamp = self._store_stamp(), self._records_stamp()
        with self._lock:
            if self._snapshot is None or self._snapshot[0] != (store_stamp, records_stamp):
                before = self._snapshot
                if self._store is None or self._store[0] != store_stamp:
                    self._store = (store_stamp, self._read_store())
                    before = None
                changed = _changed(before[0][1], records_stamp) if before else None
                self._snapshot = ((store_stamp, records_stamp),
                                  self._build(self._store[1], before[1] if before else None, changed))
            return self._snapshot[1]

    def _read_store(self) -> _Store:
        from ..caseview.settings import CaseviewSettings
        from ..caseview.trending import PlaceRepeats
        from ..store import Store

        with Store.open(CoreSettings.of(self.settings).store_path, readonly=True) as store:
            petitions = list(store.petitions())
        window = CaseviewSettings.of(self.settings).trending["place_window_days"]
        return _Store(petitions, PlaceRepeats.counted(window, [(p.key, p.posted, p.places) for p in petitions]))

    def _build(self, store: _Store, before: Snapshot | None, changed: set[str] | None) -> Snapshot:
        """Case views over ``store``: all of them, or only the ``changed`` ones of ``before``."""
        from ..caseview.view import CaseBuilder, build_now
        from ..caseview.workdays import WorkCalendar
        from ..newsroom.articles import read_articles

        records = nr.load(self.settings, articles=read_articles(self.settings), lenient=True)
        now = build_now(self.settings)
        self._calendar = self._calendar or WorkCalendar()
        builder = CaseBuilder(self.settings, records, now, calendar=self._calendar, repeats=store.repeats)
        views = []
        for petition in store.petitions:
            if petition.key in records.broken:
                continue
            if before is not None and changed is not None and petition.key not in changed \
                    and petition.key in before.by_key:
                views.append(before.by_key[petition.key])
            else:
                views.append(builder.build(petition))
        return Snapshot(records, views, {case.key: case for case in views}, now)

    def topic_groups(self, cases: list[Case]) -> list:
        """Hot topics over every case (they depend on the store's texts only, not on the records)."""
        from ..newsroom.budget import topic_groups

        stamp = self._store_stamp()
        with self._lock:
            if self._groups is None or self._groups[0] != stamp:
                self._groups = (stamp, topic_groups(cases, self.settings))
            return self._groups[1]

    def petition(self, key: str):
        """The petition as the store keeps it: unmasked (the desk is internal)."""
        from ..store import Store

        with Store.open(CoreSettings.of(self.settings).store_path, readonly=True) as store:
            return store.petition(key)

    def changes_since(self, after: str) -> list[dict]:
        from ..store import Store

        with Store.open(CoreSettings.of(self.settings).store_path, readonly=True) as store:
            return store.changes_since(after)
