"""Where a batch's work runs: in the flow process, in local worker processes, or on Dask.

Prefect task runs stay in the flow process for the local runners: a Prefect task run
costs tens of milliseconds of bookkeeping, and a process that runs Prefect tasks needs
a Prefect API of its own (Prefect's process pool starts a temporary server per child
when none is configured). So with `workers > 1` each batch is still one Prefect task,
run in a thread of the flow process, and that thread hands the CPU work to a
`ProcessPoolExecutor` whose children only clean (they never import Prefect) and send
back a small `Outcome`: manifest lines and totals, never texts.

On Dask (prefect-dask's DaskTaskRunner) the batch task itself runs on a Dask worker,
which then needs a Prefect API it can reach: see `flows.cli`.

Nothing here imports Prefect: the worker processes import this module.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from cleaners.repeated import SiteRepeats

from .corpus import LineCounts, count_batch
from .manifest import Outcome
from .work import Job, Task, run_batch

T = TypeVar("T")

_pool: tuple[int, ProcessPoolExecutor] | None = None
"""The flow process's pool (pid, executor). A plain global, checked against the pid: a
Dask worker or a pool child never sees its parent's pool."""


def workers_for(requested: int) -> int:
    """0 means one worker process per core."""
    return requested if requested > 0 else (os.cpu_count() or 1)


@contextmanager
def local_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes for the CPU work of the batches, for the duration of a run.
    Started with `spawn`: the flow process has threads (Prefect's), which `fork` would
    copy in whatever state they are."""
    global _pool
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    _pool = (os.getpid(), executor)
    try:
        yield executor
    finally:
        _pool = None
        executor.shutdown(wait=True, cancel_futures=True)


def compute(fn: Callable[..., T], *args) -> T:
    """Run `fn(*args)` in this process's pool if it has one, else right here."""
    pool = _pool
    if pool is not None and pool[0] == os.getpid():
        return pool[1].submit(fn, *args).result()
    return fn(*args)


def clean_work(job: Job, tasks: list[Task], repeats: dict[str, SiteRepeats] | None) -> Outcome:
    return Outcome.of(run_batch(job, tasks, repeats))


def count_work(job: Job, tasks: list[Task]) -> LineCounts:
    return count_batch(job, tasks)


def imported_prefect() -> bool:
    """For tests: whether this process has imported Prefect."""
    import sys

    return "prefect" in sys.modules
