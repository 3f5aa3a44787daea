"""Forked worker pools: how a build uses every core without pickling what the workers read.

Workers are forked, never spawned, so they inherit the parent's memory: the
templates, settings, rows and the segmenter's dictionary cost nothing to hand
over. The parent's objects are frozen out of the garbage collector while a
pool runs, since a collection in a worker would write to every object's
header and so copy the parent's whole heap into it.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from contextlib import contextmanager
from typing import Mapping
from typing import Iterator

from .config import CoreSettings


def can_fork() -> bool:
    """Whether this process may start a forked pool (POSIX, and not itself a pool's worker)."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def worker_count(settings: Mapping | None = None) -> int:
    """WENZHENG_WORKERS when set (1: no extra process), else one process per available core."""
    wanted = CoreSettings.of(settings).workers
    if wanted:
        return wanted
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def pool(workers: int) -> Iterator[multiprocessing.pool.Pool]:
    """A pool of ``workers`` forked processes, with this process's heap frozen while it runs."""
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as forked:
            yield forked
    finally:
        gc.unfreeze()
