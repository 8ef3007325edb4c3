"""The Prefect flow: discover files, clean them in batches, write manifest and summary.

One Prefect task per *batch* of files, not per file: each task run costs Prefect
tens of milliseconds of bookkeeping (more on the server), so 100,000 single-file
tasks would spend more time on bookkeeping than on cleaning.

Batches run side by side in local worker processes (the default: one per core;
`workers = 1` runs them one after another in the flow process), or on Dask when the
flow is started with prefect-dask's DaskTaskRunner. Whatever the runner, results are taken in discovery
order, so the manifest, and everything made from it, is the same byte for byte; at
most a few batches per worker are in flight, so memory does not grow with the corpus.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from itertools import chain, islice
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture

from cleaners.repeated import SiteRepeats

from . import runners
from .corpus import LineCounts, write_statistics
from .files import Item, discover, display, input_root, output_root, paths_problem, per_process, reset_tmp, write_atomic
from .manifest import Journal, Outcome, Previous, Summary
from .outputs import SETTINGS, Status
from .report import report_section
from .settings import load_settings
from .work import Job, Task, failure, site_of

ProgressHook = Callable[[int, dict[str, int]], None]
progress_hooks: list[ProgressHook] = []
"""Filled by the command line to draw progress: (files done, counts per status).
A plain list, not a ContextVar: `serve` pickles the flow with its globals."""


def _is_transient(exc: BaseException) -> bool:
    """I/O trouble writing outputs (a full disk, a network filesystem hiccup) may pass."""
    return isinstance(exc, OSError)


def _retry_on_io(task, task_run, state) -> bool:  # Prefect's retry_condition_fn signature
    try:
        state.result()
    except Exception as exc:
        return _is_transient(exc)
    return False


@task(name="clean-batch", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_io, cache_policy=NO_CACHE)
def clean_batch(job: Job, tasks: list[Task], repeats: dict[str, SiteRepeats] | None = None) -> Outcome:
    """Clean a batch of files; returns its manifest lines and totals (no texts)."""
    outcome = runners.compute(runners.clean_work, job, tasks, repeats)
    logger = get_run_logger()
    logger.info("batch of %d: %d failed", outcome.summary.files, outcome.summary.status[Status.FAILED])
    for source, error in outcome.summary.failed:
        logger.warning("%s: %s", source, error)
    return outcome


@task(name="count-lines", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_io, cache_policy=NO_CACHE)
def count_lines(job: Job, tasks: list[Task]) -> LineCounts:
    """The map step of the repeated-line statistics for a batch: line-hash counts per site."""
    return runners.compute(runners.count_work, job, tasks)


def _batches(
    raw: Path | str, out: Path, previous: Previous | None, size: int
) -> Iterator[tuple[list[Task], list[dict]]]:
    """Batches of work, and the collision failures found while filling them."""
    seen: dict[str, str] = {}
    batch: list[Task] = []
    refused: list[dict] = []
    for item in discover(raw):
        first = seen.get(item.output)
        if first is not None:
            refused.append(failure(item, f"output {item.output} would overwrite the output of {display(first)}"))
            continue
        seen[item.output] = item.source
        batch.append(Task(item, previous.get(display(item.source)) if previous is not None else None))
        if len(batch) >= size:
            yield batch, refused
            batch, refused = [], []
    if batch or refused:
        yield batch, refused


def _chunks(raw: Path | str, size: int) -> Iterator[list[Task]]:
    batch: list[Task] = []
    for item in discover(raw):
        batch.append(Task(item))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _in_order(items: Iterable[Any], start: Callable[[Any], Any], window: int) -> Iterator[tuple[Any, Any]]:
    """Start each item's work, at most `window` at a time; yield (item, final state) in the
    items' order, whichever finishes first."""
    pending: deque = deque()

    def settle():
        item, handle = pending.popleft()
        if isinstance(handle, PrefectFuture):
            handle.wait()
            handle = handle.state
        return item, handle

    for item in items:
        pending.append((item, start(item)))
        if len(pending) >= window:
            yield settle()
    while pending:
        yield settle()


def _dask_threads() -> int | None:
    """Worker threads of the Dask cluster this flow runs on; None when it is not on Dask."""
    runner = FlowRunContext.get().task_runner
    if type(runner).__name__ != "DaskTaskRunner":
        return None
    return max(1, sum(runner.client.nthreads().values()))


class _DaskPages:
    """The Dask cluster as the report's page renderer (it wants `submit` and a size, as a
    process pool has): pages are rendered where the batches were cleaned."""

    def __init__(self, threads: int) -> None:
        self.client = FlowRunContext.get().task_runner.client
        self._max_workers = threads

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)


class Parallel:
    """How this run executes its batches, and how many it keeps in flight."""

    def __init__(self, workers: int, dask_threads: int | None) -> None:
        self.dask = dask_threads is not None
        self.processes = 0 if self.dask else runners.workers_for(workers)
        self.window = 2 * dask_threads if self.dask else (1 if self.processes <= 1 else 2 * self.processes)

    @property
    def name(self) -> str:
        if self.dask:
            return f"dask ({self.window // 2} worker threads)"
        return f"{self.processes} worker processes" if self.processes > 1 else "the flow process"

    def start(self, fn, *args):
        """Run the task now (one at a time) or submit it to the task runner."""
        if self.window == 1:
            return fn(*args, return_state=True)
        return fn.submit(*args)


def _line_statistics(job: Job, raw: Path | str, size: int, parallel: Parallel, config) -> tuple[LineCounts, dict]:
    counts = LineCounts()
    for _tasks, state in _in_order(_chunks(raw, size), lambda t: parallel.start(count_lines, job, t), parallel.window):
        if not state.is_completed():
            raise RuntimeError(f"repeated-line statistics: a batch failed after retries: {state.message}")
        counts.merge(state.result())
    return counts, counts.select(config)


@flow(name="boilerstrip-clean", log_prints=False)
def clean_corpus(
    raw_dir: str,
    out_dir: str,
    config: str | None = None,
    batch_size: int | None = None,
    force: bool = False,
    format: str | None = None,
    workers: int | None = None,
    repeated_lines: bool | None = None,
    dask: str | None = None,
) -> dict[str, int]:
    """Clean every .txt/.html/.htm (optionally .gz) file under `raw_dir` into `out_dir`.

    Writes `<name>.txt`, `<name>.diff` and `<name>.edits.jsonl` per input (mirroring the input tree),
    `manifest.jsonl`, `run-summary.md` and `effective-config.toml`; publishes the
    summary as Prefect markdown and table artifacts. Re-runs skip files whose bytes,
    settings and cleaner versions are unchanged, unless `force`. `workers` local
    processes clean (0, the default: one per core; 1: the flow process itself);
    `repeated_lines` gathers the corpus statistics for `remove_repeated_lines` first.
    `dask` records the Dask cluster the caller started this flow on (its task runner).
    """
    started = time.monotonic()
    logger = get_run_logger()
    settings = load_settings(config).with_run(
        batch_size=batch_size, format=format, workers=workers, repeated_lines=repeated_lines, dask=dask
    )
    raw, out = input_root(raw_dir), output_root(out_dir)
    problem = paths_problem(raw, out)
    if problem:
        raise ValueError(problem)
    dask_threads = _dask_threads()
    if per_process(raw) and dask_threads is not None:
        raise ValueError(f"{raw}: fsspec's memory:// lives in one process; Dask workers cannot read it")
    if settings.run.dask and dask_threads is None:
        raise ValueError(
            f"[run] dask = {settings.run.dask!r}, but this run was not started on Dask: "
            "use `boilerstrip clean --config ...` (it starts the flow on Dask), or set workers instead"
        )
    job = Job(
        raw_dir=str(raw),
        out_dir=str(out),
        config=settings.cleaners,
        fingerprint=settings.cleaners.fingerprint(),
        format=settings.run.format,
        write_diff=settings.run.write_diff,
        max_input_bytes=settings.run.max_input_bytes,
        force=force,
        site_depth=settings.run.site_depth,
    )
    previous = None if force else Previous(out)
    tmp = reset_tmp(out)
    write_atomic(out / SETTINGS, settings.to_toml().encode("utf-8"), tmp)
    journal = Journal(out)
    summary = Summary()
    batches = _batches(raw, out, previous, settings.run.batch_size)
    first = list(islice(batches, 2))  # one batch: worker processes would only cost their start
    # memory:// inputs are only in this process
    parallel = Parallel(settings.run.workers if len(first) > 1 and not per_process(raw) else 1, dask_threads)
    logger.info("batches of %d run in %s", settings.run.batch_size, parallel.name)
    with runners.local_pool(parallel.processes) if parallel.processes > 1 else nullcontext() as pool:
        table = None
        if settings.run.repeated_lines:
            counts, table = _line_statistics(job, raw, settings.run.batch_size, parallel, settings.cleaners)
            write_statistics(out, counts, table, tmp)
            logger.info("repeated-line statistics: %d sites, %d distinct lines", len(table), counts.distinct())

        def start(batch: tuple[list[Task], list[dict]]):
            tasks, _refused = batch
            if not tasks:
                return None
            if table is None:
                return parallel.start(clean_batch, job, tasks)
            sites = {site_of(t.item.source, job.site_depth) for t in tasks}
            return parallel.start(clean_batch, job, tasks, {s: table[s] for s in sites if s in table})

        for (tasks, refused), state in _in_order(chain(first, batches), start, parallel.window):
            outcome = Outcome.of(refused)
            if state is not None and state.is_completed():
                outcome = outcome.then(state.result())
            elif state is not None:
                reason = f"batch failed after retries: {state.message}"
                outcome = outcome.then(Outcome.of([failure(t.item, reason) for t in tasks]))
            journal.append(outcome.lines)
            summary.merge(outcome.summary)
            for hook in progress_hooks:
                hook(summary.files, dict(summary.status))
        journal.finish()
        text = summary.write(out, str(raw), time.monotonic() - started, tmp)
        if settings.run.report:
            pages = pool if pool is not None else _DaskPages(dask_threads) if dask_threads is not None else None
            text += report_section(out, logger, pages)
    create_markdown_artifact(key="boilerstrip-run-summary", markdown=text, description=f"boilerstrip {raw} -> {out}")
    create_table_artifact(key="boilerstrip-edits-per-cleaner", table=summary.table() or [{"cleaner": "-", "edits": 0}])
    journal.close()
    logger.info("%d files: %s", summary.files, dict(summary.status))
    return {"files": summary.files, **summary.status, "flagged": len(summary.flagged)}


def count_inputs(raw_dir: str | Path) -> int:
    """How many files a run will see (for a progress bar); streams, stores nothing."""
    return sum(1 for _ in discover(input_root(raw_dir)))


__all__ = ["Item", "clean_batch", "clean_corpus", "count_inputs", "progress_hooks"]
