"""Pull throughput from the local fixture server, rate limit off, and the cost of an unchanged second pull.

The fixture server (tests/webfixtures: Discuz! X3.4 pages and a list JSON API
built from the real sample rows, repeated under new ids to reach N threads)
runs in a child process; the pull runs here exactly as ``wenzheng pull`` does
(pull.pull_source into a fresh SQLite store).

    .venv/bin/python bench/bench_pull.py [--threads 10000] [--kinds forum,json] [--write]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import write_block  # noqa: E402
from webfixtures import FixtureServer, ForumData  # noqa: E402
from wenzheng_bridge.pull import pull_source  # noqa: E402
from wenzheng_bridge.settings import wenzheng_settings  # noqa: E402
from wenzheng_bridge.store import Store  # noqa: E402


def serve(threads: int, queue) -> None:
    data = ForumData.from_sample(copies=-(-threads // 644), limit=threads)
    with FixtureServer(data) as server:
        queue.put((server.base, sorted(data.boards), server.now.isoformat()))
        while True:
            time.sleep(3600)


@contextmanager
def fixture_forum(threads: int):
    """The fixture server with ``threads`` threads in a child process: yields (base URL, fids, its "now")."""
    from datetime import datetime

    queue = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=serve, args=(threads, queue), daemon=True)
    child.start()
    try:
        base, fids, now = queue.get(timeout=300)
        yield base, fids, datetime.fromisoformat(now)
    finally:
        child.terminate()


def stats(base: str) -> dict:
    import httpx

    return json.loads(httpx.get(base + "_fixture/stats").text)


def changes(store: Path) -> int:
    db = sqlite3.connect(store)
    try:
        return db.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
    finally:
        db.close()


def measure(base: str, source: dict, now, folder: Path) -> dict:
    raw = {"WENZHENG_BASE": str(folder), "WENZHENG_STORE": str(folder / f"{source['name']}.sqlite3"),
           "WENZHENG_SOURCES": [source]}
    settings = {**raw, **wenzheng_settings(raw)}
    result = {}
    with Store.open(settings["WENZHENG_STORE"]) as store:
        for run, when in (("first", now), ("second", now + timedelta(hours=1))):
            before_requests, before_changes = stats(base), changes(store.path)
            start = time.perf_counter()
            tally = pull_source(store, settings["WENZHENG_SOURCES"][0], settings, now=when)
            seconds = time.perf_counter() - start
            after = stats(base)
            result[run] = {
                "seconds": seconds, "tally": tally.as_dict(), "errors": tally.errors[:3],
                "requests": after["requests"] - before_requests["requests"],
                "conditional": after["conditional"] - before_requests["conditional"],
                "not_modified": after["not_modified"] - before_requests["not_modified"],
                "changes": changes(store.path) - before_changes,
            }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10000)
    parser.add_argument("--kinds", default="forum,json")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with fixture_forum(args.threads) as (base, fids, now):
        sources = {
            "forum": {"name": "forum", "kind": "forum", "url": base, "fids": fids, "rate_limit": 0,
                      "spokespersons": {"问政发言人": "A市网络发言人办公室"}, "max_pages": 1000},
            "json": {"name": "api", "kind": "json", "url": base + "api/threads", "rate_limit": 0, "page_size": 20},
        }
        lines = []
        with tempfile.TemporaryDirectory() as folder:
            for kind in args.kinds.split(","):
                r = measure(base, sources[kind], now, Path(folder))
                first, second = r["first"], r["second"]
                print(kind, json.dumps(r, ensure_ascii=False))
                lines.append(
                    f"- **{kind}**, {args.threads} threads: first pull {first['seconds']:.1f} s, "
                    f"{first['tally']['new']} new, {first['tally']['failed']} failed, {first['requests']} requests = "
                    f"**{first['tally']['new'] / first['seconds']:.0f} threads/s**; second unchanged pull: "
                    f"**{second['requests']} requests** ({second['conditional']} conditional, "
                    f"{second['not_modified']} answered 304) in **{second['seconds']:.2f} s**, "
                    f"{second['tally']['new'] + second['tally']['updated']} petitions written, "
                    f"{second['changes']} change rows"
                )
        report = "\n".join(lines)
        print(report)
        if args.write:
            write_block("Pull throughput (local fixture server, rate limit off)",
                        f"`.venv/bin/python bench/bench_pull.py --threads {args.threads} --kinds {args.kinds} --write`",
                        report)


if __name__ == "__main__":
    main()
