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
"""
from __future__ import annotations

import argparse
import os
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
from wenzheng_bridge.caseview import CaseBuilder, topics  # noqa: E402

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

    def __init__(self, count: int, seed: int):
        self.count, self.seed = count, seed
        self.seconds = self.cpu = 0.0

    def __iter__(self):
        clock = _Clock()
        maker = make_store.CaseMaker(make_store.templates(make_store.real_petitions()), self.seed)
        rng = random.Random(self.seed + 1)
        builder = CaseBuilder({"WENZHENG_NOW": make_store.BENCH_NOW})
        self._spent(clock)
        for petition in maker.cases(self.count):
            clock = _Clock()
            case = builder.build(vary(petition, rng))
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


def run(count: int, seed: int) -> dict:
    import jieba

    jieba.initialize()  # dictionary loading is a one-off cost of the process, not of grouping
    stream = TimedCases(count, seed)
    clock = _Clock()
    found = topics(stream, {})
    total, cpu = clock.elapsed()
    sizes = sorted((len(t.members) for t in found), reverse=True)
    return {
        "count": count, "seed": seed, "topics_seconds": round(total - stream.seconds, 1),
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=make_store.SEED)
    parser.add_argument("--no-write", action="store_true", help="print only, do not append to the results")
    args = parser.parse_args(argv)
    result = run(args.count, args.seed)
    print(result)
    if not args.no_write:
        shown = " ".join(["bench/bench_topics.py", *(argv if argv is not None else sys.argv[1:])])
        write(result, f".venv/bin/python {shown}")


if __name__ == "__main__":
    main()
