"""What the desk shows, read from the store and the newsroom records, kept while neither changes.

Building every case view takes about a second on the sample and grouping hot topics two more,
so the desk keeps them and reads again only when the store file or a record file changed (a
command or a hand edit is seen on the next page load, like one made on the desk).
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


def _stamp(path) -> tuple:
    try:
        stat = path.stat()
        return (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return ()


class DeskData:
    """The desk's cached view of store and records (one per application, shared by its threads)."""

    def __init__(self, settings: dict):
        self.settings = settings
        self._lock = threading.Lock()
        self._snapshot: tuple[tuple, Snapshot] | None = None
        self._groups: tuple[tuple, list] | None = None

    def _store_stamp(self) -> tuple:
        store = CoreSettings.of(self.settings).store_path
        return tuple(_stamp(store.with_name(store.name + suffix)) for suffix in ("", "-wal"))

    def _records_stamp(self) -> tuple:
        folder = nr.records_dir(self.settings)
        files = sorted(folder.glob(f"*{nr.SUFFIX}")) if folder.is_dir() else []
        return tuple((path.name, _stamp(path)) for path in files)

    def snapshot(self) -> Snapshot:
        stamp = (self._store_stamp(), self._records_stamp())
        with self._lock:
            if self._snapshot is None or self._snapshot[0] != stamp:
                self._snapshot = (stamp, self._read())
            return self._snapshot[1]

    def _read(self) -> Snapshot:
        from ..caseview.view import build_now, cases
        from ..newsroom.articles import read_articles
        from ..store import Store

        records = nr.load(self.settings, articles=read_articles(self.settings), lenient=True)
        now = build_now(self.settings)
        with Store.open(CoreSettings.of(self.settings).store_path, readonly=True) as store:
            views = [case for case in cases(store, self.settings, records=records, now=now)
                     if case.key not in records.broken]
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
