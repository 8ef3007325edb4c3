"""The CPU work of a batch, and the local worker processes that do it.

Prefect task runs stay in the flow process for the local runners: a Prefect task run
costs tens of milliseconds of bookkeeping, and a process that runs Prefect tasks needs
a Prefect API of its own (Prefect's process pool starts a temporary server per child
when none is configured). So with `workers > 1` each batch is still one Prefect task,
run in a thread of the flow process, and that thread hands the CPU work to the
`ProcessPoolExecutor` it is given, whose children only clean (they never import
Prefect) and send back a small `Outcome`: manifest lines and totals, never texts.

Nothing here imports Prefect: the worker processes import this module.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from boilerstrip.cleaners.many import warm_context
from boilerstrip.cleaners.model import SiteRepeats

from .corpus import LineCounts, count_batch
from .files import TMP_DIR
from .manifest import Outcome
from .work import Job, Task, batch_records

T = TypeVar("T")


def workers_for(requested: int) -> int:
    """0 means one worker process per core."""
    return requested if requested > 0 else (os.cpu_count() or 1)


@contextmanager
def local_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes for the CPU work of the batches, for the duration of a run.
    Forked from a warm forkserver (`cleaners.many.warm_context`), never from the flow
    process: it has threads (Prefect's), which `fork` would copy in whatever state they
    are. The server has this module imported and the phrase book compiled, once."""
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=warm_context("boilerstrip.flows.runners"))
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def compute(pool: Executor | None, fn: Callable[..., T], *args) -> T:
    """Run `fn(*args)` in `pool` when there is one, else right here."""
    if pool is not None:
        return pool.submit(fn, *args).result()
    return fn(*args)


def clean_work(job: Job, tasks: list[Task], repeats: dict[str, SiteRepeats] | None) -> Outcome:
    archived: Counter = Counter()
    outcome = Outcome.of(batch_records(job, tasks, repeats, archived), Path(job.out_dir) / TMP_DIR)
    outcome.summary.archives.update(archived)
    return outcome


def count_work(job: Job, tasks: list[Task]) -> LineCounts:
    return count_batch(job, tasks)


def imported_prefect() -> bool:
    """For tests: whether this process has imported Prefect."""
    import sys

    return "prefect" in sys.modules
