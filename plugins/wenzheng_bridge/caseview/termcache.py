"""A cache of each petition's topic terms, so a rebuild segments only new or edited text.

Segmentation was most of the cost of grouping hot topics (0.6 ms a petition
with jieba's Python code, 0.03 ms with jieba-rs), and it depends on nothing
but the text it reads. Each entry is keyed
by a digest of exactly that text (title and the start of the body, after
masking) plus the segmenter's version, so an edited petition, a change in
masking or in ``body_chars``, or a new segmenter misses the cache by construction;
no invalidation rule has to be kept in step with the store.

The cache lives in one SQLite file, ``terms.sqlite3``, under
``WENZHENG_CACHE_DIR`` (relative to ``WENZHENG_BASE``, i.e. next to
pelicanconf.py). Entries not read by a run are dropped once they outnumber the
live ones, so the file does not grow with every edit. The same file keeps the
last grouping (member rows and label terms) under a digest of every input
(case keys in order, their text digests, the topic options), so a rebuild in
which no petition text changed (new follow-ups, a new "now") skips grouping. A cache that cannot be
opened or written costs speed only: the build segments everything and says so.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from pathlib import Path

from importlib import metadata

from ..config import CoreSettings
from .settings import CaseviewSettings

log = logging.getLogger(__name__)

FILENAME = "terms.sqlite3"
#: Bump when ``topics.terms`` changes what it returns for the same text.
TERMS_VERSION = f"terms-9/rjieba-{metadata.version('rjieba')}"
_BATCH = 2000  # new entries written per transaction


def cache_path(settings: dict) -> Path | None:
    """Where the term cache lives; None (no disk cache) without a base folder or with an empty setting."""
    folder = CaseviewSettings.of(settings).cache_dir
    base = CoreSettings.of(settings).base
    if not folder or not (base or Path(folder).is_absolute()):
        return None
    return Path(base or "/") / folder / FILENAME


def known_digests(settings: dict) -> set[bytes]:
    """Every text digest the cache holds, read only (processes that segment elsewhere ask first)."""
    path = cache_path(settings)
    if path is None or not path.exists():
        return set()
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {row[0] for row in db.execute("SELECT digest FROM terms")}
        finally:
            db.close()
    except sqlite3.Error:
        return set()  # the cache's own opening will say what is wrong


def text_key(title: str, start_of_body: str) -> bytes:
    """The digest an entry is filed under: the segmenter's version and the exact text read."""
    payload = f"{TERMS_VERSION}\x00{title}\x00{start_of_body}".encode("utf-8")
    return hashlib.blake2b(payload, digest_size=16).digest()


class TermCache:
    """Terms by text digest; counts what it was asked (``hits``, ``misses``) for tests and benches."""

    def __init__(self, path: Path | None):
        self.path = path
        self.hits = self.misses = 0
        self._pending: list[tuple[bytes, str]] = []
        self._used: set[bytes] = set()
        self._db = self._open(path) if path else None

    def digests(self) -> set[bytes]:
        """Every text digest the cache holds (one read, instead of a query per petition)."""
        if self._db is None:
            return set()
        return {row[0] for row in self._db.execute("SELECT digest FROM terms")}

    def touch(self, key: bytes) -> None:
        """This run read the text: keep its entry when pruning."""
        self._used.add(key)

    def get(self, key: bytes) -> list[str] | None:
        self._used.add(key)
        row = self._db.execute("SELECT words FROM terms WHERE digest=?", (key,)).fetchone() if self._db else None
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return row[0].split(" ") if row[0] else []

    def put(self, key: bytes, words: list[str]) -> None:
        # Terms are runs of CJK characters: a space never occurs inside one.
        if self._db is None:
            return
        self._pending.append((key, " ".join(words)))
        if len(self._pending) >= _BATCH:
            self._flush()

    def get_grouping(self, key: bytes) -> list | None:
        """The groups (member rows, label terms) last found for exactly these inputs, or None."""
        if self._db is None:
            return None
        row = self._db.execute("SELECT payload FROM groupings WHERE digest=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_grouping(self, key: bytes, found: list) -> None:
        """Keep the latest grouping only: it is reused while no petition text changes."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("DELETE FROM groupings")
                self._db.execute("INSERT INTO groupings (digest, payload) VALUES (?, ?)",
                                 (key, json.dumps(found, ensure_ascii=False)))
        except sqlite3.Error as error:
            log.warning("主题词缓存 %s 无法写入（%s），下次构建将重新分组", self.path, error)

    def close(self) -> None:
        """Write what is pending, drop entries no longer read, close the file."""
        if self._db is None:
            return
        try:
            self._flush()
            self._prune()
        except sqlite3.Error as error:
            log.warning("主题词缓存 %s 无法写入（%s），下次构建将重新分词", self.path, error)
        finally:
            self._db.close()
            self._db = None

    def _open(self, path: Path) -> sqlite3.Connection | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS terms (digest BLOB PRIMARY KEY, words TEXT NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE IF NOT EXISTS groupings (digest BLOB PRIMARY KEY, payload TEXT NOT NULL)")
            return db
        except (OSError, sqlite3.Error) as error:
            log.warning("主题词缓存 %s 无法打开（%s），本次构建对全部留言分词", path, error)
            return None

    def _flush(self) -> None:
        if self._pending and self._db is not None:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO terms (digest, words) VALUES (?, ?)", self._pending)
            self._pending.clear()

    def _prune(self) -> None:
        """Drop entries this run did not read once they are as many as the live ones."""
        db = self._db
        if db is None:
            return
        total = db.execute("SELECT COUNT(*) FROM terms").fetchone()[0]
        if total <= 2 * len(self._used) + 1000:
            return
        with db:
            db.execute("CREATE TEMP TABLE live (digest BLOB PRIMARY KEY) WITHOUT ROWID")
            db.executemany("INSERT OR IGNORE INTO live VALUES (?)", ((k,) for k in self._used))
            db.execute("DELETE FROM terms WHERE digest NOT IN (SELECT digest FROM live)")
            db.execute("DROP TABLE live")
