"""Request cost of the forum source's recheck policy (sources/recheck.py) on a 10,000-thread forum.

The fixture forum (tests/webfixtures: Discuz! X3.4 pages of the real sample
rows, repeated under new ids to reach N threads) runs in a child process. One
first pull reads everything; then unchanged pulls an hour apart show what the
policy costs when nothing happened: list pages, plus the threads active in the
last ``recheck_days`` days, plus ``ceil(older / recheck_cycle)`` older threads
in rotation, at most ``recheck_max``. The same pulls with ``recheck_max: 0``
give the list-only cost for comparison.

    .venv/bin/python bench/bench_recheck.py [--threads 10000] [--pulls 3] [--write]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import write_block  # noqa: E402
from bench_pull import fixture_forum, stats  # noqa: E402
from wenzheng_bridge.pull import pull_source  # noqa: E402
from wenzheng_bridge.records import from_iso  # noqa: E402
from wenzheng_bridge.settings import wenzheng_settings  # noqa: E402
from wenzheng_bridge.store import Store  # noqa: E402

SPOKES = {"问政发言人": "A市网络发言人办公室"}


def settings_for(source: dict, folder: Path) -> dict:
    raw = {"WENZHENG_BASE": str(folder), "WENZHENG_STORE": str(folder / "recheck.sqlite3"),
           "WENZHENG_SOURCES": [source]}
    return {**raw, **wenzheng_settings(raw)}


def one_pull(base: str, store: Store, source: dict, settings: dict, when: datetime) -> dict:
    before = stats(base)
    start = time.perf_counter()
    tally = pull_source(store, source, settings, now=when)
    seconds = time.perf_counter() - start
    after = stats(base)
    return {"seconds": seconds, "tally": tally.as_dict(), "errors": tally.errors[:3],
            **{k: after[k] - before[k] for k in ("requests", "lists", "threads", "not_modified")}}


def policy_shape(store: Store, name: str, when: datetime, days: int, cycle: int, cap: int) -> dict:
    """How many threads the policy calls recent and older at ``when`` (from the store, as recheck.due sees it)."""
    activity = store.activity(name)
    cutoff = when - timedelta(days=days)
    recent = sum(1 for _, last in activity if last and from_iso(last) >= cutoff)
    older = len(activity) - recent
    rechecks = min(cap, recent + math.ceil(older / cycle))
    return {"stored": len(activity), "recent": recent, "older": older, "rechecks": rechecks,
            "round": math.ceil(older / max(1, rechecks - recent))}  # pulls until every older thread was read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10000)
    parser.add_argument("--pulls", type=int, default=3, help="unchanged pulls after the first")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with fixture_forum(args.threads) as (base, fids, now):
        source = {"name": "forum", "kind": "forum", "url": base, "fids": fids, "rate_limit": 0,
                  "spokespersons": SPOKES, "max_pages": 1000}
        lines = []
        with tempfile.TemporaryDirectory() as folder:
            settings = settings_for(source, Path(folder))
            policy = settings["WENZHENG_SOURCES"][0]
            days, cycle, cap = policy["recheck_days"], policy["recheck_cycle"], policy["recheck_max"]
            with Store.open(settings["WENZHENG_STORE"]) as store:
                first = one_pull(base, store, policy, settings, now)
                print("first", json.dumps(first, ensure_ascii=False), flush=True)
                runs = []
                for n in range(1, args.pulls + 1):
                    when = now + timedelta(hours=n)
                    shape = policy_shape(store, "forum", when, days, cycle, cap)
                    run = one_pull(base, store, policy, settings, when)
                    runs.append((shape, run))
                    print("steady", n, json.dumps(shape), json.dumps(run, ensure_ascii=False), flush=True)
                off = {**policy, "recheck_max": 0}
                bare = one_pull(base, store, off, settings, now + timedelta(hours=args.pulls + 1))
                print("no rechecks", json.dumps(bare, ensure_ascii=False), flush=True)
        lines.append(f"- Policy: `recheck_days` {days}, `recheck_cycle` {cycle}, `recheck_max` {cap} (the defaults); "
                     f"{len(fids)} boards, {args.threads} threads.")
        lines.append(f"- First pull: {first['requests']} requests ({first['lists']} list pages, {first['threads']} "
                     f"thread pages) in {first['seconds']:.0f} s, {first['tally']['new']} new, "
                     f"{first['tally']['failed']} failed.")
        for n, (shape, run) in enumerate(runs, start=1):
            lines.append(
                f"- Unchanged pull {n}: **{run['requests']} requests** = {run['lists']} list pages + "
                f"{run['threads']} thread pages (policy: {shape['recent']} threads active in the last {days} days + "
                f"ceil({shape['older']} / {cycle}) in rotation, cap {cap} → {shape['rechecks']} threads; every older "
                f"thread read once in {shape['round']} pulls) in {run['seconds']:.1f} s; "
                f"{run['tally']['updated']} updated, {run['tally']['failed']} failed.")
        lines.append(f"- Same forum, rechecks off (`recheck_max: 0`): {bare['requests']} requests "
                     f"({bare['lists']} list pages, {bare['threads']} thread pages) in {bare['seconds']:.1f} s.")
        report = "\n".join(lines)
        print(report)
        if args.write:
            write_block("Recheck policy: request cost per pull (local fixture server, rate limit off)",
                        f"`.venv/bin/python bench/bench_recheck.py --threads {args.threads} --pulls {args.pulls} "
                        "--write`", report)


if __name__ == "__main__":
    main()
