"""SQLite store: what was pulled, every change seen, and per-source fetch state.

History is never overwritten: each observed change of a petition or a reply is
a row in ``changes`` with the time it was seen. Engagement counters (views,
reply count, likes) are kept current in place without a change row: they move
on every visit and would bury the edits that matter. WAL mode lets a build read a
consistent snapshot while a pull writes, and a batch is one transaction, so a
killed pull loses at most the batch in flight.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterable, Iterator

from .errors import StoreError
from .records import COUNTERS, Petition, Reply, Supplement, from_iso, iso

# Each entry moves the schema one version up; never edit a released one.
MIGRATIONS: list[str] = [
    # 1: petitions, replies, history, fetch state, pulls, field labels
    """
    CREATE TABLE petitions (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL, source_id TEXT NOT NULL,
        case_key TEXT NOT NULL UNIQUE,
        url TEXT, board TEXT, department TEXT, type TEXT, field TEXT,
        title TEXT, body TEXT, author TEXT, posted TEXT,
        views INTEGER, reply_count INTEGER, likes INTEGER, dislikes INTEGER,
        state TEXT, places TEXT, extra TEXT,
        fingerprint TEXT NOT NULL,
        first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, last_changed TEXT NOT NULL,
        gone_since TEXT,
        UNIQUE (source, source_id)
    );
    CREATE INDEX petitions_posted ON petitions (posted);
    CREATE TABLE replies (
        id INTEGER PRIMARY KEY,
        petition_id INTEGER NOT NULL REFERENCES petitions (id),
        reply_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        unit TEXT, author TEXT, text TEXT, time TEXT, final INTEGER,
        fingerprint TEXT NOT NULL,
        first_seen TEXT NOT NULL, last_changed TEXT NOT NULL,
        UNIQUE (petition_id, reply_key)
    );
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        petition_id INTEGER NOT NULL REFERENCES petitions (id),
        seen_at TEXT NOT NULL,
        kind TEXT NOT NULL,          -- new, edited, reply_new, reply_edited, gone, back
        detail TEXT                  -- JSON: changed fields with old and new values
    );
    CREATE INDEX changes_petition ON changes (petition_id);
    CREATE TABLE fetch_state (
        source TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (source, key)
    );
    CREATE TABLE pulls (
        id INTEGER PRIMARY KEY, source TEXT NOT NULL,
        started TEXT NOT NULL, finished TEXT,
        new INTEGER DEFAULT 0, updated INTEGER DEFAULT 0,
        unchanged INTEGER DEFAULT 0, failed INTEGER DEFAULT 0
    );
    CREATE TABLE field_labels (
        level1 TEXT NOT NULL, level2 TEXT NOT NULL DEFAULT '', level3 TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (level1, level2, level3)
    );
    """,
    # 2: residents' later posts in their own thread (网友补充), JSON list of {text, time}
    """
    ALTER TABLE petitions ADD COLUMN supplements TEXT NOT NULL DEFAULT '[]';
    """,
    # 3: engagement counters as seen at each pull where they moved (the budget's 正在升温)
    """
    CREATE TABLE counter_history (
        petition_id INTEGER NOT NULL REFERENCES petitions (id),
        seen_at TEXT NOT NULL,
        views INTEGER, reply_count INTEGER, likes INTEGER, dislikes INTEGER
    );
    CREATE INDEX counter_history_petition ON counter_history (petition_id, seen_at);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
_PETITION_COLUMNS = (
    "url board department type field title body author posted views reply_count "
    "likes dislikes state places extra supplements"
).split()
# Counters are brought up to date in place: no change record, and a source that does not
# show one (None) leaves the stored value alone.
_CONTENT_COLUMNS = tuple(c for c in _PETITION_COLUMNS if c not in COUNTERS)


class Store:
    """One SQLite file. Open with ``Store.open(path)`` (a context manager)."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self.db = connection
        self.path = path

    @classmethod
    @contextmanager
    def open(cls, path: str | Path, readonly: bool = False) -> Iterator["Store"]:
        path = Path(path)
        if path.is_dir():
            raise StoreError(path, "这是一个文件夹，不是数据库文件", "把 WENZHENG_STORE 设为一个 .sqlite3 文件的路径")
        if readonly and not path.exists():
            raise StoreError(path, "数据库不存在", "请先运行 wenzheng pull")
        try:
            db = _connect(path, readonly)
        except sqlite3.Error as error:
            raise store_error(path, error) from None
        store = cls(db, path)
        try:
            if not readonly:
                try:
                    store.migrate()
                except sqlite3.Error as error:
                    raise store_error(path, error) from None
            yield store
        finally:
            db.close()

    # -- schema -----------------------------------------------------------
    def migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(self.path, f"版本 {version} 比本程序新（{SCHEMA_VERSION}）", "请升级 wenzheng_bridge")
        for number in range(version, SCHEMA_VERSION):
            with self.db:
                self.db.executescript("BEGIN;" + MIGRATIONS[number] + f";PRAGMA user_version={number + 1};COMMIT;")

    @contextmanager
    def batch(self):
        """One transaction: all of it lands, or none of it."""
        with self.db:
            yield self

    # -- petitions ------------------------------------------------------
    def upsert(self, petition: Petition, seen_at: datetime) -> str:
        """Store one petition with its replies; return new, updated or unchanged.

        Call inside ``batch()``. A change is recorded as history first, then the
        current row is brought up to date.
        """
        seen = iso(seen_at)
        row = self.db.execute(
            "SELECT * FROM petitions WHERE source=? AND source_id=?",
            (petition.source, petition.source_id),
        ).fetchone()
        values = _petition_values(petition)
        fingerprint = petition.fingerprint()
        if row is None:
            cur = self.db.execute(
                f"INSERT INTO petitions (source, source_id, case_key, {', '.join(_PETITION_COLUMNS)},"
                " fingerprint, first_seen, last_seen, last_changed) VALUES"
                f" (?, ?, ?, {', '.join('?' * len(_PETITION_COLUMNS))}, ?, ?, ?, ?)",
                (petition.source, petition.source_id, petition.key, *values, fingerprint, seen, seen, seen),
            )
            pid = self._row_id(cur)
            self._change(pid, seen, "new", None)
            self._counters(pid, seen, dict(zip(_PETITION_COLUMNS, values)))
            self._store_replies(pid, petition.replies, seen, announce=False)
            return "new"
        pid = row["id"]
        changed = False
        if row["gone_since"]:
            self._change(pid, seen, "back", None)
            changed = True
        current = dict(zip(_PETITION_COLUMNS, values))
        if row["fingerprint"] != fingerprint:
            diff = {col: [row[col], current[col]] for col in _CONTENT_COLUMNS if row[col] != current[col]}
            if diff:  # an empty diff: only the fingerprint's recipe changed (an older store)
                self._change(pid, seen, "edited", diff)
                changed = True
            assignments = ", ".join(f"{col}=?" for col in _CONTENT_COLUMNS)
            self.db.execute(
                f"UPDATE petitions SET {assignments}, fingerprint=?, last_changed=? WHERE id=?",
                (*(current[c] for c in _CONTENT_COLUMNS), fingerprint, seen if diff else row["last_changed"], pid),
            )
        changed |= self._store_replies(pid, petition.replies, seen, announce=True)
        if any(current[c] is not None and current[c] != row[c] for c in COUNTERS):
            self._counters(pid, seen, {c: row[c] if current[c] is None else current[c] for c in COUNTERS})
        counters = ", ".join(f"{col}=COALESCE(?, {col})" for col in COUNTERS)
        self.db.execute(f"UPDATE petitions SET {counters}, last_seen=?, gone_since=NULL WHERE id=?",
                        (*(current[c] for c in COUNTERS), seen, pid))
        return "updated" if changed else "unchanged"

    def _store_replies(self, pid: int, replies: list[Reply], seen: str, announce: bool) -> bool:
        changed = False
        for seq, reply in enumerate(replies):
            key = reply.key(seq)
            data = _reply_values(reply)
            fingerprint = json.dumps(data, ensure_ascii=False, sort_keys=True)
            old = self.db.execute(
                "SELECT * FROM replies WHERE petition_id=? AND reply_key=?", (pid, key)
            ).fetchone()
            if old is None:
                self.db.execute(
                    "INSERT INTO replies (petition_id, reply_key, seq, unit, author, text, time, final,"
                    " fingerprint, first_seen, last_changed) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (pid, key, seq, *data.values(), fingerprint, seen, seen),
                )
                if announce:
                    self._change(pid, seen, "reply_new", {"reply": key})
                changed = True
            elif old["fingerprint"] != fingerprint:
                diff = {col: [old[col], new] for col, new in data.items() if old[col] != new}
                self._change(pid, seen, "reply_edited", {"reply": key, **diff})
                self.db.execute(
                    "UPDATE replies SET unit=?, author=?, text=?, time=?, final=?, fingerprint=?,"
                    " last_changed=? WHERE id=?",
                    (*data.values(), fingerprint, seen, old["id"]),
                )
                changed = True
        return changed

    def _counters(self, pid: int, seen: str, values: dict) -> None:
        """Keep the counters as seen now: growth between pulls is measured from these rows."""
        self.db.execute(f"INSERT INTO counter_history (petition_id, seen_at, {', '.join(COUNTERS)})"
                        " VALUES (?, ?, ?, ?, ?, ?)", (pid, seen, *(values[c] for c in COUNTERS)))

    def counter_growth(self) -> dict[str, dict[str, tuple[int, int, str]]]:
        """case key -> counter -> (value at the pull before, value now, when the change was seen),
        for the counters that moved at the last pull that moved any of them."""
        try:
            rows = self.db.execute(
                f"SELECT p.case_key, h.seen_at, {', '.join('h.' + c for c in COUNTERS)} FROM counter_history h"
                " JOIN petitions p ON p.id = h.petition_id ORDER BY h.petition_id, h.rowid DESC").fetchall()
        except sqlite3.OperationalError:
            return {}  # a store not yet migrated (opened read-only): no history to measure
        growth: dict[str, dict[str, tuple[int, int, str]]] = {}
        latest: dict[str, sqlite3.Row] = {}
        for row in rows:
            key = row["case_key"]
            if key not in latest:
                latest[key] = row
                continue
            if key in growth:
                continue
            now, before = latest[key], row
            moved = {c: (before[c] or 0, now[c], now["seen_at"]) for c in COUNTERS
                     if now[c] is not None and now[c] != (before[c] or 0)}
            growth[key] = moved
        return {key: moved for key, moved in growth.items() if moved}

    def arrivals(self) -> set[str]:
        """Case keys first seen by each source's latest finished pull, when that source was pulled
        before (a first import is not news: everything in it is "new")."""
        rows = self.db.execute(
            "SELECT p.case_key FROM petitions p JOIN ("
            "  SELECT source, MAX(id) AS last, COUNT(*) AS runs FROM pulls"
            "  WHERE finished IS NOT NULL GROUP BY source) l ON l.source = p.source"
            " JOIN pulls lp ON lp.id = l.last"
            " WHERE l.runs > 1 AND p.first_seen >= lp.started")
        return {row[0] for row in rows}

    def _change(self, pid: int, seen: str, kind: str, detail: dict | None) -> None:
        self.db.execute(
            "INSERT INTO changes (petition_id, seen_at, kind, detail) VALUES (?,?,?,?)",
            (pid, seen, kind, json.dumps(detail, ensure_ascii=False) if detail else None),
        )

    def mark_gone(self, source: str, present_ids: Iterable[str], seen_at: datetime) -> int:
        """Record that petitions of ``source`` not in ``present_ids`` disappeared."""
        present = set(present_ids)
        return sum(self.mark_gone_one(source, sid, seen_at) for sid in self.active_ids(source) if sid not in present)

    def active_ids(self, source: str) -> list[str]:
        """Ids of the source's petitions not marked gone."""
        return [r[0] for r in self.db.execute(
            "SELECT source_id FROM petitions WHERE source=? AND gone_since IS NULL", (source,))]

    def mark_gone_one(self, source: str, source_id: str, seen_at: datetime) -> int:
        row = self.db.execute(
            "SELECT id FROM petitions WHERE source=? AND source_id=? AND gone_since IS NULL",
            (source, source_id),
        ).fetchone()
        if row is None:
            return 0
        seen = iso(seen_at)
        self._change(row["id"], seen, "gone", None)
        self.db.execute("UPDATE petitions SET gone_since=? WHERE id=?", (seen, row["id"]))
        return 1

    def known(self, source: str, source_id: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM petitions WHERE source=? AND source_id=?", (source, source_id)
        ).fetchone() is not None

    def title_of(self, source: str, source_id: str) -> str | None:
        row = self.db.execute(
            "SELECT title FROM petitions WHERE source=? AND source_id=?", (source, source_id)
        ).fetchone()
        return row[0] if row else None

    def activity(self, source: str) -> list[tuple[str, str | None]]:
        """(source id, last activity as ISO) of each petition of ``source`` not gone.

        Activity is the post, a reply or a 网友补充, as the source dated them
        (not when we saw them: a first import of old threads is not activity).
        """
        rows = self.db.execute(
            "SELECT p.source_id, p.posted, p.supplements, MAX(r.time) FROM petitions p"
            " LEFT JOIN replies r ON r.petition_id = p.id"
            " WHERE p.source=? AND p.gone_since IS NULL GROUP BY p.id",
            (source,),
        ).fetchall()
        out = []
        for source_id, posted, supplements, replied in rows:
            times = [t for t in (posted, replied, *(s.get("time") for s in json.loads(supplements or "[]"))) if t]
            out.append((source_id, iso(max(map(datetime.fromisoformat, times))) if times else None))
        return out

    def state_keys(self, source: str, prefix: str) -> list[str]:
        """Fetch-state keys of ``source`` starting with ``prefix``."""
        rows = self.db.execute(
            "SELECT key FROM fetch_state WHERE source=? AND substr(key, 1, ?)=?", (source, len(prefix), prefix)
        )
        return [r[0] for r in rows]

    def fingerprint_of(self, source: str, source_id: str) -> str | None:
        row = self.db.execute(
            "SELECT fingerprint FROM petitions WHERE source=? AND source_id=?", (source, source_id)
        ).fetchone()
        return row[0] if row else None

    # -- reading --------------------------------------------------------
    def petitions(self, include_gone: bool = True, since_changed: str | None = None) -> Iterator[Petition]:
        """Stream every petition with its replies, oldest post first."""
        query = "SELECT * FROM petitions"
        clauses, args = [], []
        if not include_gone:
            clauses.append("gone_since IS NULL")
        if since_changed:
            clauses.append("last_changed > ?")
            args.append(since_changed)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        query += " ORDER BY posted, source, source_id"
        reply_cursor = self.db.cursor()
        for row in self.db.execute(query, args):
            replies = reply_cursor.execute(
                "SELECT * FROM replies WHERE petition_id=? ORDER BY seq", (row["id"],)
            ).fetchall()
            yield _petition_from_row(row, replies)

    def outline(self) -> list[tuple[int, str, datetime | None, list[str]]]:
        """(row id, case key, posted, places) of every petition in ``petitions()`` order, without texts.

        Enough to split the store into chunks for parallel readers
        (``petitions_by_id``) and to count repeated places in stream order.
        """
        query = "SELECT id, case_key, posted, places FROM petitions ORDER BY posted, source, source_id"
        return [(r[0], r[1], from_iso(r[2]), json.loads(r[3] or "[]")) for r in self.db.execute(query)]

    def petitions_by_id(self, ids: list[int]) -> list[Petition]:
        """The petitions with these row ids, with their replies, in the order of ``ids``."""
        marks = ",".join("?" * len(ids))
        rows = {r["id"]: r for r in self.db.execute(f"SELECT * FROM petitions WHERE id IN ({marks})", ids)}
        replies: dict[int, list] = {}
        for reply in self.db.execute(f"SELECT * FROM replies WHERE petition_id IN ({marks}) ORDER BY seq", ids):
            replies.setdefault(reply["petition_id"], []).append(reply)
        return [_petition_from_row(rows[i], replies.get(i, [])) for i in ids if i in rows]

    def petition(self, case_key: str) -> Petition | None:
        row = self.db.execute("SELECT * FROM petitions WHERE case_key=?", (case_key,)).fetchone()
        if row is None:
            return None
        replies = self.db.execute(
            "SELECT * FROM replies WHERE petition_id=? ORDER BY seq", (row["id"],)
        ).fetchall()
        return _petition_from_row(row, replies)

    def history(self, case_key: str) -> list[dict]:
        rows = self.db.execute(
            "SELECT c.seen_at, c.kind, c.detail FROM changes c JOIN petitions p ON p.id = c.petition_id"
            " WHERE p.case_key=? ORDER BY c.id",
            (case_key,),
        ).fetchall()
        return [
            {"seen_at": r["seen_at"], "kind": r["kind"], "detail": json.loads(r["detail"]) if r["detail"] else None}
            for r in rows
        ]

    def changes_since(self, after: str, limit: int = 500) -> list[dict]:
        """Changes seen after the ISO time ``after`` (new cases, new replies, edits, disappearances),
        newest first: the desk's "since last visit"."""
        rows = self.db.execute(
            "SELECT p.case_key, c.seen_at, c.kind FROM changes c JOIN petitions p ON p.id = c.petition_id"
            " WHERE c.seen_at > ? ORDER BY c.seen_at DESC, c.id DESC LIMIT ?", (after, limit)).fetchall()
        return [{"case": r["case_key"], "seen_at": r["seen_at"], "kind": r["kind"]} for r in rows]

    def case_keys(self) -> Iterator[tuple[str, str]]:
        """(case key, source id) of every petition, without reading texts."""
        return ((r[0], r[1]) for r in self.db.execute("SELECT case_key, source_id FROM petitions"))

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM petitions").fetchone()[0]

    def counts_by(self, column: str) -> list[tuple[str, int]]:
        if column not in ("source", "board", "type", "field", "department"):
            raise ValueError(column)
        return [
            (r[0] or "（未标注）", r[1])
            for r in self.db.execute(
                f"SELECT {column}, COUNT(*) FROM petitions GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
            )
        ]

    # -- field labels (the topic tree) ----------------------------------
    def set_field_labels(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO field_labels (level1, level2, level3) VALUES (?,?,?)", rows
        )

    def fields(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT level1 FROM field_labels ORDER BY rowid")]

    # -- fetch state and pulls ------------------------------------------
    def get_state(self, source: str, key: str, default=None):
        row = self.db.execute(
            "SELECT value FROM fetch_state WHERE source=? AND key=?", (source, key)
        ).fetchone()
        return json.loads(row[0]) if row else default

    def set_state(self, source: str, key: str, value, at: datetime) -> None:
        self.db.execute(
            "INSERT INTO fetch_state (source, key, value, updated_at) VALUES (?,?,?,?)"
            " ON CONFLICT (source, key) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at",
            (source, key, json.dumps(value, ensure_ascii=False), iso(at)),
        )

    def _row_id(self, cursor: sqlite3.Cursor) -> int:
        """The id an INSERT gave its row (sqlite3 types it optional: None only when nothing was inserted)."""
        if cursor.lastrowid is None:
            raise StoreError(self.path, "写入记录后没有得到行号", "数据库可能已损坏")
        return cursor.lastrowid

    def start_pull(self, source: str, at: datetime) -> int:
        with self.db:
            return self._row_id(self.db.execute("INSERT INTO pulls (source, started) VALUES (?, ?)", (source, iso(at))))

    def finish_pull(self, pull_id: int, at: datetime, tally: dict) -> None:
        with self.db:
            self.db.execute(
                "UPDATE pulls SET finished=?, new=?, updated=?, unchanged=?, failed=? WHERE id=?",
                (iso(at), tally["new"], tally["updated"], tally["unchanged"], tally["failed"], pull_id),
            )

    def last_pulls(self) -> dict[str, str]:
        return {
            r[0]: r[1]
            for r in self.db.execute(
                "SELECT source, MAX(finished) FROM pulls WHERE finished IS NOT NULL GROUP BY source"
            )
        }


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    try:
        db.execute("PRAGMA user_version").fetchone()  # a file that is not SQLite fails here, not mid-pull
    except sqlite3.Error:
        db.close()
        raise
    db.row_factory = sqlite3.Row
    return db


def store_error(path: Path | str, error: sqlite3.Error) -> StoreError:
    """An SQLite failure as the user can act on it: which file, what is wrong, what to do."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StoreError(path, "正被另一个程序写入（数据库被锁定）",
                          "等另一个 wenzheng pull、命令或构建结束后再试")
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return StoreError(path, "不是有效的 SQLite 数据库文件（或已损坏）",
                          "检查 WENZHENG_STORE 是否指向了别的文件；损坏的库可从备份恢复")
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return StoreError(path, "无法打开或写入", "检查路径所在文件夹是否存在、是否有读写权限")
    return StoreError(path, f"SQLite 出错：{error}")


def _petition_values(p: Petition) -> tuple:
    return (
        p.url, p.board, p.department, p.type, p.field, p.title, p.body, p.author, iso(p.posted),
        p.views, p.reply_count, p.likes, p.dislikes, p.state,
        json.dumps(p.places, ensure_ascii=False), json.dumps(p.extra, ensure_ascii=False, sort_keys=True),
        json.dumps([{"text": s.text, "time": iso(s.time)} for s in p.supplements], ensure_ascii=False),
    )


def _reply_values(r: Reply) -> dict:
    return {"unit": r.unit, "author": r.author, "text": r.text, "time": iso(r.time), "final": int(r.final)}


def _petition_from_row(row: sqlite3.Row, replies: list[sqlite3.Row]) -> Petition:
    data = {col: row[col] for col in _PETITION_COLUMNS}
    data["posted"] = from_iso(data["posted"])
    data["places"] = json.loads(data["places"] or "[]")
    data["extra"] = json.loads(data["extra"] or "{}")
    data["supplements"] = [Supplement(s["text"], from_iso(s.get("time")))
                           for s in json.loads(data["supplements"] or "[]")]
    seen = {k: row[k] for k in ("first_seen", "last_seen", "last_changed", "gone_since")}
    return Petition(
        source=row["source"],
        source_id=row["source_id"],
        replies=[
            Reply(text=r["text"], time=from_iso(r["time"]), unit=r["unit"] or "", author=r["author"] or "",
                  final=bool(r["final"]), reply_id=r["reply_key"])
            for r in replies
        ],
        seen=seen,
        **data,
    )

