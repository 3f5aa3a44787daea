"""Parse throughput on one core: Discuz! thread pages/s, board list pages/s and feed items/s.

Pages are rendered in memory by the test fixture (tests/webfixtures) from the
real sample rows, so nothing here touches the network.

    .venv/bin/python bench/bench_parse.py [--pages 1000] [--write]

``--write`` replaces the "Parse throughput" block of bench/RESULTS-sources.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from webfixtures import ForumData, MemoryContext, render  # noqa: E402
from wenzheng_bridge.config import validate  # noqa: E402
from wenzheng_bridge.sources.feed import FeedSource, parse_feed  # noqa: E402
from wenzheng_bridge.sources.forum import ForumSource, parse_board_page, parse_thread, thread_petition  # noqa: E402
from wenzheng_bridge.sources.settings import COMMON_OPTIONS  # noqa: E402


def _config(cls, entry):
    values, problems = validate(entry, {**COMMON_OPTIONS, **cls.options}, "bench")
    assert not problems, problems
    return values


def timed(function, items) -> float:
    """CPU seconds of this process for ``function`` over ``items`` (one core: no threads involved)."""
    start = time.process_time()
    for item in items:
        function(item)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    data = ForumData.from_sample(copies=-(-args.pages // 644), limit=args.pages)
    now = render.fixed_now(data)
    forum = _config(ForumSource, {"name": "f", "kind": "forum", "url": "http://x/", "fids": [2],
                                  "spokespersons": {"问政发言人": "A市网络发言人办公室"}})
    threads = [render.thread_page(data, tid, now) for tid in list(data.threads)[: args.pages]]
    lists = [render.board_page(data, fid, page, now) for fid in data.boards
             for page in range(1, len(data.board_threads(fid)) // 20 + 2)]
    thread_s = timed(lambda html: thread_petition(forum, "1", "http://x/", parse_thread(html, now)), threads)
    list_s = timed(lambda html: parse_board_page(html, now), lists)
    rows = sum(len(data.board_threads(fid)) for fid in data.boards)

    feeds = [render.rss(data, fid, "http://x/") for fid in data.boards] + \
            [render.atom(data, fid, "http://x/") for fid in data.boards]
    items = sum(len(parse_feed(text).entries) for text in feeds)
    source = FeedSource(_config(FeedSource, {"name": "rss", "kind": "feed", "url": "http://x/f", "full_text": "never"}),
                        Path("/"))
    from wenzheng_bridge.fetching import Page

    pages = [Page("http://x/f", "http://x/f", 200, text.encode("utf-8"), {}) for text in feeds]
    feed_s = timed(lambda page: list(source.items(MemoryContext(page, now))), pages)

    lines = [
        f"- thread pages (parse + petition): {len(threads)} in {thread_s:.2f} s CPU = **{len(threads) / thread_s:.0f} pages/s**",
        f"- board list pages: {len(lists)} pages ({rows} rows) in {list_s:.2f} s = **{len(lists) / list_s:.0f} pages/s**"
        f" ({rows / list_s:.0f} rows/s)",
        f"- feed items (RSS + Atom through feedparser, to petitions): {items} in {feed_s:.2f} s = "
        f"**{items / feed_s:.0f} items/s**",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        write_block("Parse throughput", f"`.venv/bin/python bench/bench_parse.py --pages {args.pages} --write`",
                    report)


def write_block(title: str, command: str, body: str) -> None:
    """Replace (or add) the section ``title`` of bench/RESULTS-sources.md."""
    path = ROOT / "bench" / "RESULTS-sources.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Web sources: benchmark results\n"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    machine = f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs (shared)"
    block = f"## {title}\n\nCommand: {command}  \nMeasured {stamp} on {machine}.\n\n{body}\n"
    start = text.find(f"## {title}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + block
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + block + (text[end + 1:] if end != -1 else "")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
