"""How a run executes its batches, and in what order it takes their results.

Batches run one after another in the flow process, side by side on local worker
processes (the default: one per core), or on Dask when the flow was started with
prefect-dask's DaskTaskRunner. Whatever runs them, results are taken in discovery
order, so the manifest, and everything made from it, is the same byte for byte; at
most a few batches per worker are in flight, so memory does not grow with the corpus.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prefect.futures import PrefectFuture

from . import on_dask, runners


class Execution:
    """Where this run's batch tasks run, how many are in flight, and the local pool they
    hand their CPU work to (passed to each task: no process-wide state)."""

    def __init__(self, workers: int, *, batches: int, per_process: bool) -> None:
        self.dask_threads = on_dask.current_threads()
        self.dask = self.dask_threads is not None
        # one batch: worker processes would only cost their start; memory:// lives in this process
        local = 1 if batches <= 1 or per_process else runners.workers_for(workers)
        self.processes = 0 if self.dask else local
        if self.dask:
            self.window = 2 * self.dask_threads
        else:
            self.window = 1 if self.processes <= 1 else 2 * self.processes
        self.pool = None

    @property
    def name(self) -> str:
        if self.dask:
            return f"dask ({self.dask_threads} worker threads)"
        return f"{self.processes} worker processes" if self.processes > 1 else "the flow process"

    @contextmanager
    def open(self) -> Iterator[Execution]:
        """Start the local worker processes for the run (if it uses them); stop them after."""
        if self.processes <= 1:
            yield self
            return
        with runners.local_pool(self.processes) as pool:
            self.pool = pool
            try:
                yield self
            finally:
                self.pool = None

    def start(self, task, *args):
        """Run the task now (one at a time) or submit it to the task runner."""
        if self.window == 1:
            return task(*args, pool=self.pool, return_state=True)
        return task.submit(*args, pool=self.pool)

    def in_order(self, items: Iterable[Any], start: Callable[[Any], Any]) -> Iterator[tuple[Any, Any]]:
        return in_order(items, start, self.window)

    @property
    def pages(self):
        """What renders the report's pages: the worker processes, the Dask cluster, or
        nobody (the report renders them itself)."""
        if self.pool is not None:
            return self.pool
        return on_dask.Pages(self.dask_threads) if self.dask else None


def in_order(items: Iterable[Any], start: Callable[[Any], Any], window: int) -> Iterator[tuple[Any, Any]]:
    """Start each item's work, at most `window` at a time; yield (item, final state) in the
    items' order, whichever finishes first. Closed early (the run stops), it waits for the
    work already started: none of it may outlive the worker pool it runs on."""
    pending: deque = deque()

    def settle():
        item, handle = pending.popleft()
        if isinstance(handle, PrefectFuture):
            handle.wait()
            handle = handle.state
        return item, handle

    try:
        for item in items:
            pending.append((item, start(item)))
            if len(pending) >= window:
                yield settle()
        while pending:
            yield settle()
    finally:
        for _item, handle in pending:
            if isinstance(handle, PrefectFuture):
                handle.wait()
