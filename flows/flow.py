"""The Prefect flow: discover files, clean them in batches, write manifest and summary.

One Prefect task per *batch* of files, not per file: each task run costs Prefect
tens of milliseconds of bookkeeping (more on the server), so 100,000 single-file
tasks would spend more time on bookkeeping than on cleaning. What a run is (its
checks, batches, journal and totals) lives in `flows.plan`; where batches run, in
`flows.execution`; this module is the page of Prefect calls.
"""

# No `from __future__ import annotations` here: Prefect builds a pydantic model of the
# flow's parameters from these annotations, and in a process that loads the flow from its
# entrypoint (serve, a worker) string annotations such as "Settings | None" were not
# resolved ("Clean_CorpusModel is not fully defined"), so every scheduled run failed.
from concurrent.futures import Executor
from contextlib import closing
from itertools import chain, islice
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from boilerstrip.cleaners.model import SiteRepeats

# Absolute imports: Prefect loads this file by its path for deployments (`flows/flow.py:
# clean_corpus`), as a module of its own; everything else must still come from the one
# installed `boilerstrip.flows`, or a second copy of each module would load beside it.
from boilerstrip.flows import runners
from boilerstrip.flows.corpus import LineCounts, write_statistics
from boilerstrip.flows.execution import Execution
from boilerstrip.flows.export import export as write_export
from boilerstrip.flows.files import disk_error, output_root, stopped
from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.manifest import Outcome
from boilerstrip.flows.outputs import Status
from boilerstrip.flows.plan import Plan, Progress
from boilerstrip.flows.report import report_section
from boilerstrip.flows.settings import Settings, load_settings
from boilerstrip.flows.work import Job, Task, group_of


def _retry_on_io(task, task_run, state) -> bool:  # Prefect's retry_condition_fn signature
    """I/O trouble writing outputs (a network filesystem hiccup) may pass; a full or
    read-only disk does not in a second (the run stops instead, see `Plan.record`)."""
    try:
        state.result()
    except Exception as exc:
        return isinstance(exc, OSError) and disk_error(exc) is None
    return False


@task(name="clean-batch", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_io, cache_policy=NO_CACHE)
def clean_batch(
    job: Job, tasks: list[Task], repeats: dict[str, SiteRepeats] | None = None, pool: Executor | None = None
) -> Outcome:
    """Clean a batch of files (in `pool`, the run's worker processes, when given); returns
    its manifest lines and totals (no texts)."""
    outcome = runners.compute(pool, runners.clean_work, job, tasks, repeats)
    logger = get_run_logger()
    logger.info("batch of %d: %d failed", outcome.summary.files, outcome.summary.status[Status.FAILED])
    for source, error in outcome.summary.failed:
        logger.warning("%s: %s", source, error)
    return outcome


@task(name="count-lines", retries=2, retry_delay_seconds=1, retry_condition_fn=_retry_on_io, cache_policy=NO_CACHE)
def count_lines(job: Job, tasks: list[Task], pool: Executor | None = None) -> LineCounts:
    """The map step of the repeated-line statistics for a batch: line-hash counts per site."""
    return runners.compute(pool, runners.count_work, job, tasks)


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
    settings: Settings | None = None,
    progress: Progress | None = None,
    wait_for_lock: float = 0,
    urls: str | None = None,
    export: str | None = None,
    include_failed: bool = False,
) -> dict[str, int]:
    """Clean every .txt/.html/.htm (optionally .gz) file under `raw_dir` into `out_dir`.

    Writes `<name>.txt`, `<name>.diff` and `<name>.edits.jsonl` per input (mirroring the input tree),
    `manifest.jsonl`, `run-summary.md` and `effective-config.toml`; publishes the
    summary as Prefect markdown and table artifacts. Re-runs skip files whose bytes,
    settings and cleaner versions are unchanged, unless `force`. `settings` are the
    ones the command line already loaded (deployments pass the `config` file instead);
    the other arguments override them. `workers` local processes clean (0: one per
    core; 1: the flow process itself); `repeated_lines` gathers the corpus statistics
    for `remove_repeated_lines` first; `dask` records that the caller started this flow
    on Dask; `progress` is told after every batch. One run at a time writes into
    `out_dir`: another run's lock on it fails this one (`OutputBusy`), at once or after
    `wait_for_lock` seconds. `urls` maps sources to their urls (a `.tsv` or `.jsonl` file;
    default: RAW's `urls.tsv`, if any). `export`: a corpus file written once the manifest is
    final (`flows.export`; failed inputs listed too with `include_failed`).
    """
    logger = get_run_logger()
    settings = (settings or load_settings(config)).with_run(
        batch_size=batch_size, format=format, workers=workers, repeated_lines=repeated_lines, dask=dask
    )
    plan = Plan.make(
        InputRoot.of(raw_dir),
        output_root(out_dir),
        settings,
        force=force,
        progress=progress,
        wait_for_lock=wait_for_lock,
        waiting=logger.warning,
        urls=urls,
    )
    try:
        return _run(plan, settings, export, include_failed)
    except OSError as err:  # writing the manifest or summary, or the statistics
        full = disk_error(err)
        if full is None:
            raise
        raise stopped(plan.out, full, plan.summary.files) from None
    finally:
        plan.release()


def _run(plan: Plan, settings: Settings, export: str | None, include_failed: bool) -> dict[str, int]:
    logger = get_run_logger()
    batches = plan.batches()
    first = list(islice(batches, 2))
    execution = Execution(settings.run.workers, batches=len(first), per_process=plan.raw.per_process)
    _check_runner(plan, execution)
    logger.info("batches of %d run in %s", settings.run.batch_size, execution.name)
    with execution.open():
        table = _line_statistics(plan, execution) if settings.run.repeated_lines else None
        start = lambda batch: _start_batch(execution, plan.job, batch[0], table)  # noqa: E731
        with closing(execution.in_order(chain(first, batches), start)) as results:
            for (tasks, refused), state in results:
                plan.record(tasks, refused, state)
        text = plan.finish()
        if export:  # the manifest is final, and the folder still this run's
            written = write_export(plan.out, Path(export), include_failed)
            logger.info("corpus file %s: %s", export, "written" if written else "unchanged")
        if settings.run.report:
            text += report_section(plan.out, logger, execution.pages)
    summary = f"boilerstrip {plan.raw} -> {plan.out}"
    create_markdown_artifact(key="boilerstrip-run-summary", markdown=text, description=summary)
    create_table_artifact(
        key="boilerstrip-edits-per-cleaner", table=plan.summary.table() or [{"cleaner": "-", "edits": 0}]
    )
    plan.close()
    logger.info("%d files: %s", plan.summary.files, dict(plan.summary.status))
    return plan.counts()


def _check_runner(plan: Plan, execution: Execution) -> None:
    if plan.raw.per_process and execution.dask:
        raise ValueError(f"{plan.raw}: fsspec's memory:// lives in one process; Dask workers cannot read it")
    if plan.settings.run.dask and not execution.dask:
        raise ValueError(
            f"[run] dask = {plan.settings.run.dask!r}, but this run was not started on Dask: "
            "use `boilerstrip clean --config ...` (it starts the flow on Dask), or set workers instead"
        )


def _start_batch(execution: Execution, job: Job, tasks: list[Task], table: dict[str, SiteRepeats] | None):
    if not tasks:
        return None
    if table is None:
        return execution.start(clean_batch, job, tasks)
    if any(t.item.format == "archive" for t in tasks):  # its documents' sites are known once it is read
        return execution.start(clean_batch, job, tasks, table)
    sites = {group_of(t, job.site_depth) for t in tasks}
    return execution.start(clean_batch, job, tasks, {s: table[s] for s in sites if s in table})


def _line_statistics(plan: Plan, execution: Execution) -> dict[str, SiteRepeats]:
    """The reduce step: every batch's counts added, the verdict per site written."""
    counts = LineCounts()
    start = lambda tasks: execution.start(count_lines, plan.job, tasks)  # noqa: E731
    with closing(execution.in_order(plan.chunks(), start)) as results:
        for _tasks, state in results:
            if not state.is_completed():
                raise RuntimeError(f"repeated-line statistics: a batch failed after retries: {state.message}")
            counts.merge(state.result())
    table = counts.select(plan.settings.cleaners)
    write_statistics(plan.out, counts, table, plan.tmp)
    get_run_logger().info("repeated-line statistics: %d sites, %d distinct lines", len(table), counts.distinct())
    return table


def count_inputs(raw: str | Path | InputRoot) -> tuple[int, int]:
    """How many inputs a run will see, and how many of them are web archives (for a
    progress bar); streams, stores nothing."""
    inputs = archives = 0
    for item in InputRoot.of(raw).discover():
        inputs += 1
        archives += item.format == "archive"
    return inputs, archives


__all__ = ["clean_batch", "clean_corpus", "count_inputs"]
