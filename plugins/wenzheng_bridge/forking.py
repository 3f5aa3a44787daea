"""Forked worker pools: how a build uses every core without pickling what the workers read.

Workers are forked, never spawned, so they inherit the parent's memory: the
templates, settings, rows and the segmenter's dictionary cost nothing to hand
over. What a worker reads is passed explicitly as the pool's ``work`` function
(a closure may capture anything): the fork hands it to the workers as it is,
and only the jobs and their results are pickled. The parent's objects are frozen
out of the garbage collector while a pool runs, since a collection in a worker
would write to every object's header and so copy the parent's whole heap into it.
"""
from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
from contextlib import contextmanager
from typing import Callable, Generic, Iterable, Iterator, Mapping, TypeVar

from .config import CoreSettings

J = TypeVar("J")
R = TypeVar("R")


def can_fork() -> bool:
    """Whether this process may start a forked pool (POSIX, and not itself a pool's worker)."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def worker_count(settings: Mapping | None = None) -> int:
    """WENZHENG_WORKERS when set (1: no extra process), else one process per available core."""
    wanted = CoreSettings.of(settings).workers
    if wanted:
        return wanted
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Forked(Generic[J, R]):
    """A running pool: each job is given to ``work`` in some worker; results come back in job order."""

    def __init__(self, forked: multiprocessing.pool.Pool):
        self._pool = forked

    def imap(self, jobs: Iterable[J], chunksize: int = 1) -> Iterator[R]:
        return self._pool.imap(_run, jobs, chunksize)

    def map(self, jobs: Iterable[J], chunksize: int | None = None) -> list[R]:
        return self._pool.map(_run, jobs, chunksize)

    def apply(self, job: J) -> R:
        return self._pool.apply(_run, (job,))


@contextmanager
def pool(workers: int, work: Callable[[J], R]) -> Iterator[Forked[J, R]]:
    """``workers`` forked processes running ``work``, with this process's heap frozen while they run."""
    gc.freeze()
    try:
        # With fork, a Process's initializer and its arguments are inherited, not pickled.
        with multiprocessing.get_context("fork").Pool(workers, initializer=_Worker.adopt, initargs=(work,)) as forked:
            yield Forked(forked)
    finally:
        gc.unfreeze()


class _Worker:
    """Inside a forked worker only: the ``work`` its pool was started with (never set in the parent)."""

    work: Callable | None = None

    @classmethod
    def adopt(cls, work: Callable) -> None:
        cls.work = work


def _run(job):  # pickled by reference for each job; runs in the worker
    assert _Worker.work is not None, "called outside a forked worker"
    return _Worker.work(job)
