"""A real ``wenzheng pull`` process on 1,000 items, killed with SIGKILL mid-way, then run again.

The JSON API of the fixture server serves 1,000 items (the real sample rows,
repeated under new ids); each run is killed once the store shows a random
number of petitions. After every kill the store passes PRAGMA
integrity_check, holds no duplicate, and has lost nothing stored before; a
final run completes the set with exactly one "new" change per petition.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from webfixtures import FixtureServer, ForumData

WENZHENG = Path(sys.executable).parent / "wenzheng"
TOTAL = 1000


def write_conf(folder: Path, base: str) -> Path:
    conf = folder / "pelicanconf.py"
    conf.write_text(
        "PATH = 'content'\nTIMEZONE = 'Asia/Shanghai'\n"
        f"WENZHENG_BASE = {str(folder)!r}\nWENZHENG_STORE = 'store.sqlite3'\n"
        "WENZHENG_SOURCES = [{'name': 'api', 'kind': 'json', 'url': "
        f"{base + 'api/threads'!r}, 'rate_limit': 0, 'page_size': 10}}]\n",
        encoding="utf-8",
    )
    return conf


def read_store(path: Path) -> tuple[str, list[str], int]:
    """(integrity_check, stored ids, petitions with a number of "new" changes other than one)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        ids = [r[0] for r in db.execute("SELECT source_id FROM petitions")]
        odd = db.execute(
            "SELECT COUNT(*) FROM petitions p WHERE (SELECT COUNT(*) FROM changes c"
            " WHERE c.petition_id = p.id AND c.kind = 'new') != 1"
        ).fetchone()[0]
        return check, ids, odd
    finally:
        db.close()


def stored_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
        try:
            return db.execute("SELECT COUNT(*) FROM petitions").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def run_and_kill(conf: Path, store: Path, threshold: int) -> bool:
    """Start a pull, SIGKILL it once ``threshold`` petitions are stored; False if it finished first."""
    process = subprocess.Popen([str(WENZHENG), "-s", str(conf), "pull"], cwd=conf.parent,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None:
            if stored_count(store) >= threshold:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.01)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigkill_mid_pull_loses_nothing_and_duplicates_nothing(tmp_path):
    rng = random.Random(20260427)
    with FixtureServer(ForumData.from_sample(copies=2, limit=TOTAL), delay=0.01) as server:
        conf = write_conf(tmp_path, server.base)
        store = tmp_path / "store.sqlite3"
        before: set[str] = set()
        kills = 0
        for _ in range(4):
            threshold = len(before) + rng.randint(1, 250)
            if threshold >= TOTAL or not run_and_kill(conf, store, threshold):
                break
            kills += 1
            check, ids, odd = read_store(store)
            assert check == "ok"
            assert len(ids) == len(set(ids)) and odd == 0
            assert before <= set(ids), "a killed pull lost petitions stored by an earlier run"
            before = set(ids)
        assert kills >= 3, "the pull finished before it could be killed"
        finished = subprocess.run([str(WENZHENG), "-s", str(conf), "pull"], cwd=tmp_path,
                                  capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    check, ids, odd = read_store(store)
    assert check == "ok" and odd == 0
    assert len(ids) == len(set(ids)) == TOTAL and before <= set(ids)
