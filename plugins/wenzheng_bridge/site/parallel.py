"""Writing the site's pages on every core: forked workers share the build's memory.

Rendering 100,000 case pages is the largest part of a build and each page is
independent, so the pages are split among worker processes forked after the
case view is computed: the workers inherit the cases, templates and settings
without pickling them, and send back only which files they wrote. Results are
merged in task order, so ``Build.written`` (and anything built from it, such as
the sitemap) is the same whatever the number of workers.
"""
from __future__ import annotations

from typing import Callable

from ..forking import can_fork, pool, worker_count
from .build import Build

#: Below this many tasks per worker, forking costs more than it saves.
MIN_TASKS_PER_WORKER = 50


def run(build: Build, tasks: list[Callable[[], None]], per_worker: int = MIN_TASKS_PER_WORKER) -> None:
    """Run ``tasks`` (each writes through ``build``), in parallel when it pays.

    ``per_worker``: fewest tasks worth a worker (1 for a few large tasks such as whole indexes).
    """
    workers = min(worker_count(build.settings), len(tasks) // per_worker)
    if workers <= 1 or not can_fork():
        for task in tasks:
            task()
        return

    def work(share: tuple[int, int]) -> list[tuple[int, list[tuple[str, bool]]]]:
        """In a worker: every ``count``-th task from ``index``, with the files each wrote."""
        index, count = share
        done = []
        for number in range(index, len(tasks), count):
            start = len(build.written)
            tasks[number]()
            done.append((number, build.written[start:]))
        return done

    # The workers inherit the tasks and the build through ``work``: nothing is pickled but indices.
    with pool(workers, work) as forked:
        results = forked.map([(index, workers) for index in range(workers)])
    merged = sorted((item for result in results for item in result), key=lambda item: item[0])
    for _, written in merged:
        build.written.extend(written)
