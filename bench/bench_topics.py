"""Benchmark: hot-topic grouping of N petitions sampled and varied from the real rows.

    .venv/bin/python bench/bench_topics.py            # N = 100,000, seed 20201
    .venv/bin/python bench/bench_topics.py 20000 --seed 7

Petitions come from ``make_store.CaseMaker`` (the real sample's 644 petitions
moved to other boards, numbers jittered, real posting-time and reply-delay
distributions); on top of that each one here loses a random sentence of its
body and, one time in three, the second half of its title, so copies of one
template are near-duplicates rather than clones. Each petition becomes a case
through the real ``CaseBuilder`` (masking, status, clocks, score) and the
stream is handed to ``caseview.topics``, as a build does.

Reported: the time spent inside ``topics`` (case making is timed apart and
subtracted), the peak resident memory of the whole process, the number and
sizes of topics. Results are appended to bench/RESULTS-caseview.md.

With ``--store`` the petitions come from a bench store (``make_store.py``)
instead, as a build reads them, and the case view is measured the way a
newsroom uses it: ``cases()`` per case, then ``topics()`` with an empty term
cache (a first build), again unchanged (a rebuild), and after 100 edited
petitions. ``--code DIR`` imports ``wenzheng_bridge`` from DIR (e.g. an older
commit unpacked with ``git archive``) to measure before and after on the same
machine in the same hour:

    .venv/bin/python bench/bench_topics.py --store bench/work/10000/store.sqlite3
    git archive 65a1424 plugins | tar -x -C /tmp/old
    .venv/bin/python bench/bench_topics.py --store bench/work/10000/store.sqlite3 --code /tmp/old/plugins
"""
from __future__ import annotations

import argparse
import os
import tempfile
import random
import re
import resource
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))

import make_store  # noqa: E402

if "--code" in sys.argv:  # measure another copy of the package: forget the one make_store imported
    for name in [m for m in sys.modules if m.split(".")[0] == "wenzheng_bridge"]:
        del sys.modules[name]
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))
from wenzheng_bridge.caseview import CaseBuilder, cases, topics  # noqa: E402
from wenzheng_bridge.caseview.termcache import text_key  # noqa: E402
from wenzheng_bridge.caseview.topics import body_length  # noqa: E402
from wenzheng_bridge.store import Store  # noqa: E402

RESULTS = HERE / "RESULTS-caseview.md"
_SENTENCE = re.compile(r"(?<=[。！？!?])")


def vary(petition, rng: random.Random):
    """Drop one sentence of the body; sometimes cut the title after its middle."""
    sentences = [s for s in _SENTENCE.split(petition.body) if s]
    if len(sentences) > 2:
        sentences.pop(rng.randrange(len(sentences)))
    title = petition.title
    if len(title) > 8 and rng.random() < 1 / 3:
        title = title[: len(title) // 2 + rng.randrange(len(title) // 2)]
    return replace(petition, title=title, body="".join(sentences))


class TimedCases:
    """The case stream, timing its own work so it can be taken out of the total."""

    def __init__(self, count: int, seed: int, distinct: bool = False):
        self.count, self.seed, self.distinct = count, seed, distinct
        self.seconds = self.cpu = 0.0
        self.texts: set[bytes] = set()  # digests of the texts the grouping reads (title, start of body)

    def __iter__(self):
        clock = _Clock()
        maker = make_store.CaseMaker(make_store.templates(make_store.real_petitions()), self.seed)
        rng = random.Random(self.seed + 1)
        builder = CaseBuilder({"WENZHENG_NOW": make_store.BENCH_NOW})
        body_chars = body_length({})
        self._spent(clock)
        for number, petition in enumerate(maker.cases(self.count)):
            clock = _Clock()
            varied = vary(petition, rng)
            if self.distinct:  # a number is not a term: the same words, but a text of its own
                varied = replace(varied, title=f"{varied.title}（{number}）")
            case = builder.build(varied)
            self.texts.add(text_key(case.petition.title, case.petition.body[:body_chars]))
            self._spent(clock)
            yield case

    def _spent(self, clock: "_Clock") -> None:
        wall, cpu = clock.elapsed()
        self.seconds += wall
        self.cpu += cpu


class _Clock:
    """Wall and CPU time together: the machine is shared, so CPU time is the steadier figure."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def elapsed(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_with_children() -> float:
    """CPU seconds of this process and its finished children (the segmentation workers, the grouping)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(work) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), _cpu_with_children()
    result = work()
    return result, round(time.perf_counter() - wall, 2), round(_cpu_with_children() - cpu, 2)


def run_store(path: Path, changes: int = 100) -> dict:
    """cases() per case, then topics() cold, unchanged and after ``changes`` edits, on a bench store."""
    from wenzheng_bridge.caseview.terms import load_segmenter

    load_segmenter()
    with tempfile.TemporaryDirectory() as base:
        settings = {"WENZHENG_NOW": make_store.BENCH_NOW, "WENZHENG_BASE": base}
        with Store.open(path, readonly=True) as store:
            built, wall, cpu = _timed(lambda: [c for c in cases(store, settings)])
        public = [c for c in built if c.public]
        del built
        cold, cold_wall, cold_cpu = _timed(lambda: topics(public, settings))
        _, warm_wall, warm_cpu = _timed(lambda: topics(public, settings))
        step = max(len(public) // changes, 1)
        for case in public[::step][:changes]:  # a newsroom-visible edit: the resident adds to the title
            case.petition = replace(case.petition, title=case.petition.title + "（追问）")
        _, edit_wall, edit_cpu = _timed(lambda: topics(public, settings))
    return {
        "store": str(path), "cases": round(cpu / max(len(public), 1) * 1000, 3), "cases_wall": wall,
        "cases_cpu": cpu, "public": len(public), "cold": (cold_wall, cold_cpu), "warm": (warm_wall, warm_cpu),
        "edited": (edit_wall, edit_cpu), "changes": changes, "topics": len(cold),
        "grouped": sum(len(t.members) for t in cold), "peak_rss_mb": round(peak_rss_mb()),
        "load_average": os.getloadavg()[0],
        "code": str(Path(sys.modules["wenzheng_bridge"].__file__).parent.parent),
    }


def run(count: int, seed: int, distinct: bool = False) -> dict:
    from wenzheng_bridge.caseview.terms import load_segmenter

    load_segmenter()  # dictionary loading is a one-off cost of the process, not of grouping
    stream = TimedCases(count, seed, distinct)
    clock, cpu_before = _Clock(), _cpu_with_children()
    found = topics(stream, {})
    total, _ = clock.elapsed()
    # With the children: from 20,000 petitions the grouping runs in a forked process (APART_MIN).
    cpu = _cpu_with_children() - cpu_before
    sizes = sorted((len(t.members) for t in found), reverse=True)
    return {
        "count": count, "seed": seed, "distinct_texts": len(stream.texts), "topics_seconds": round(total - stream.seconds, 1),
        "topics_cpu_seconds": round(cpu - stream.cpu, 1), "load_average": os.getloadavg()[0],
        "case_seconds": round(stream.seconds, 1), "total_seconds": round(total, 1),
        "peak_rss_mb": round(peak_rss_mb()), "topics": len(found),
        "grouped": sum(sizes), "largest": sizes[:5],
        "sample": [(t.label, len(t.members)) for t in found[:5]],
    }


def write(result: dict, command: str) -> None:
    lines = [
        f"\n### Topic grouping, N = {result['count']:,} ({datetime.now():%Y-%m-%d %H:%M})\n",
        f"Command: `{command}` (seed {result['seed']}, 2-core machine, one process)\n",
        "| figure | value |", "|---|---|",
        f"| time inside `topics()`: wall / CPU | {result['topics_seconds']} s / {result['topics_cpu_seconds']} s |",
        f"| load average (1 min) at the end: the machine is shared | {result['load_average']:.1f} |",
        f"| making the cases (generator + CaseBuilder), subtracted | {result['case_seconds']} s |",
        f"| peak resident memory of the process | {result['peak_rss_mb']} MB |",
        f"| topics found (size >= 3) | {result['topics']:,} |",
        f"| petitions in a topic | {result['grouped']:,} |",
        f"| largest topics | {', '.join(map(str, result['largest']))} |",
        f"| hottest labels | {'; '.join(f'{label} ({n})' for label, n in result['sample'])} |",
    ]
    with open(RESULTS, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def write_store(result: dict, command: str) -> None:
    lines = [
        f"\n### Case view on a bench store, {result['public']:,} public cases ({datetime.now():%Y-%m-%d %H:%M})\n",
        f"Command: `{command}` (code: `{result['code']}`; 2-core shared machine, load average "
        f"{result['load_average']:.1f} at the end; CPU includes the segmentation workers)\n",
        "| figure | wall s | CPU s |", "|---|---:|---:|",
        f"| `cases()`, all cases (CPU per case: **{result['cases']} ms**) | {result['cases_wall']} | {result['cases_cpu']} |",
        f"| `topics()`, empty term cache (first build) | {result['cold'][0]} | {result['cold'][1]} |",
        f"| `topics()` again, nothing changed | {result['warm'][0]} | {result['warm'][1]} |",
        f"| `topics()` after {result['changes']} edited petitions | {result['edited'][0]} | {result['edited'][1]} |",
        "",
        f"Peak resident memory of the process (holding every public case, as the site does today): "
        f"{result['peak_rss_mb']} MB. Topics found: {result['topics']:,}, petitions in a topic: {result['grouped']:,}.",
    ]
    with open(RESULTS, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=make_store.SEED)
    parser.add_argument("--store", type=Path, help="measure on this bench store instead of generated cases")
    parser.add_argument("--code", help="folder holding the wenzheng_bridge package to measure (default: plugins/)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not append to the results")
    parser.add_argument("--distinct", action="store_true",
                        help="a number in every generated title, so that no two texts are copies")
    args = parser.parse_args(argv)
    result = run_store(args.store) if args.store else run(args.count, args.seed, args.distinct)
    print(result)
    if not args.no_write:
        shown = " ".join(["bench/bench_topics.py", *(argv if argv is not None else sys.argv[1:])])
        (write_store if args.store else write)(result, f".venv/bin/python {shown}")


if __name__ == "__main__":
    main()
