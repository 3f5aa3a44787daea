"""Small helpers the web-source tests share: pull one source, count what the store holds."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from wenzheng_bridge.pull import Tally, pull_source
from wenzheng_bridge.store import Store

SPOKES = {"问政发言人": "A市网络发言人办公室"}
# Generous timeout: a shared, loaded CI machine must not turn normal answers into timeouts.
FAST = {"rate_limit": 0, "timeout": 1.0, "retries": 1, "backoff": 0.02}


def pull_once(settings: dict, name: str, now: datetime) -> Tally:
    source = next(s for s in settings["WENZHENG_SOURCES"] if s["name"] == name)
    with Store.open(settings["WENZHENG_STORE"]) as store:
        return pull_source(store, source, settings, now=now)


def count(settings: dict, sql: str, *args):
    db = sqlite3.connect(settings["WENZHENG_STORE"])
    try:
        return db.execute(sql, args).fetchone()[0]
    finally:
        db.close()


def changes(settings: dict) -> int:
    return count(settings, "SELECT COUNT(*) FROM changes")


def stored_ids(settings: dict, source: str) -> set[str]:
    db = sqlite3.connect(settings["WENZHENG_STORE"])
    try:
        return {r[0] for r in db.execute("SELECT source_id FROM petitions WHERE source=?", (source,))}
    finally:
        db.close()


class MemoryContext:
    """Just enough of PullContext for an adapter reading one page from memory (fuzzing, benchmarks)."""

    def __init__(self, page, now):
        self.page, self.now, self.saved = page, now, {}

    def fetch(self, url, conditional=False):
        return self.page

    def state(self, key, default=None):
        return self.saved.get(key, default)

    def set_state(self, key, value):
        self.saved[key] = value

    def remember(self, page):
        pass
