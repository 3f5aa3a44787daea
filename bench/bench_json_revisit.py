"""Request cost of the JSON source's revisit policy on a board of N items (real sample rows repeated).

One full pull (list bodies cut at 100 characters, as the 人民网 list does, so cut items are
opened in detail), then pulls in which a few open items change state and get a reply; each
later pull is measured: list requests, detail requests, and how many pulls until every
change arrived.

    .venv/bin/python bench/bench_json_revisit.py [--items 10000] [--limit 50] [--pulls 12]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from webfixtures import FixtureServer, ForumData  # noqa: E402
from webfixtures.helpers import FAST  # noqa: E402
from wenzheng_bridge.pull import pull_source  # noqa: E402
from wenzheng_bridge.settings import wenzheng_settings  # noqa: E402
from wenzheng_bridge.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--pulls", type=int, default=12)
    args = parser.parse_args()
    data = ForumData.from_sample(copies=-(-args.items // 644), limit=args.items)
    with FixtureServer(data, json_cut=100) as server, tempfile.TemporaryDirectory() as folder:
        source = {"name": "api", "kind": "json", "url": f"{server.base}api/threads", "page_size": 20,
                  "detail_url": f"{server.base}api/thread?tid={{tid}}", "revisit_days": args.days,
                  "revisit_limit": args.limit, **FAST}
        raw = {"WENZHENG_BASE": folder, "WENZHENG_STORE": f"{folder}/store.sqlite3", "WENZHENG_SOURCES": [source]}
        settings = {**raw, **wenzheng_settings(raw)}
        config = settings["WENZHENG_SOURCES"][0]

        def one(now):
            server.clear_log()
            started = time.perf_counter()
            with Store.open(settings["WENZHENG_STORE"]) as store:
                tally = pull_source(store, config, settings, now=now)
            seconds = time.perf_counter() - started
            return tally, len(server.requests("/api/threads")), len(server.requests("/api/thread?")), seconds

        tally, lists, details, seconds = one(server.now)
        print(f"items {len(data.threads)}; first pull: new {tally.new}, list {lists}, detail {details}, {seconds:.1f} s")
        horizon = server.now - timedelta(days=args.days)
        open_recent = [t for t in data.threads.values() if not t.replies and t.first.time >= horizon]
        print(f"open items posted in the last {args.days} days: {len(open_recent)}")
        changed = sorted(open_recent, key=lambda t: t.tid)[:: max(1, len(open_recent) // 5)][:5]
        for thread in changed:
            thread.state = "已办理"
            data.add_reply(thread.tid, "问政发言人", server.now, "已办结。")
        arrived = {}
        for number in range(1, args.pulls + 1):
            tally, lists, details, seconds = one(server.now + timedelta(hours=number))
            with Store.open(settings["WENZHENG_STORE"], readonly=True) as store:
                for thread in changed:
                    if thread.tid not in arrived and store.petition(f"api-{thread.tid}").state == "已办理":
                        arrived[thread.tid] = number
            print(f"pull {number}: list {lists}, detail {details}, updated {tally.updated}, "
                  f"changes arrived {len(arrived)}/{len(changed)}, {seconds:.2f} s")
        print("pull at which each change arrived:", sorted(arrived.values()))


if __name__ == "__main__":
    main()
