"""The Prefect flow: discover files, clean them in batches, write manifest and summary.

One Prefect task per *batch* of files, not per file: each task run costs Prefect
tens of milliseconds of bookkeeping (more on the server), so 100,000 single-file
tasks would spend more time on bookkeeping than on cleaning.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from .files import Item, discover, display, reset_tmp, write_atomic
from .manifest import SETTINGS, Journal, Previous, Summary
from .report import report_section
from .settings import load_settings
from .work import STATUS_FAILED, Job, Task, failure, run_batch

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
def clean_batch(job: Job, tasks: list[Task]) -> list[dict]:
    """Clean a batch of files; returns one small manifest record per file (no texts)."""
    records = run_batch(job, tasks)
    failed = [r for r in records if r["status"] == STATUS_FAILED]
    logger = get_run_logger()
    logger.info("batch of %d: %d failed", len(records), len(failed))
    for record in failed:
        logger.warning("%s: %s", record["source"], record["error"])
    return records


def _batches(raw: Path, out: Path, previous: Previous | None, size: int) -> Iterator[tuple[list[Task], list[dict]]]:
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


@flow(name="boilerstrip-clean", log_prints=False)
def clean_corpus(
    raw_dir: str,
    out_dir: str,
    config: str | None = None,
    batch_size: int | None = None,
    force: bool = False,
    format: str | None = None,
) -> dict[str, int]:
    """Clean every .txt/.html/.htm (optionally .gz) file under `raw_dir` into `out_dir`.

    Writes `<name>.txt` and `<name>.diff` per input (mirroring the input tree),
    `manifest.jsonl`, `run-summary.md` and `effective-config.toml`; publishes the
    summary as Prefect markdown and table artifacts. Re-runs skip files whose bytes,
    settings and cleaner versions are unchanged, unless `force`.
    """
    started = time.monotonic()
    logger = get_run_logger()
    settings = load_settings(config).with_run(batch_size=batch_size, format=format)
    raw, out = Path(raw_dir), Path(out_dir)
    if not raw.is_dir():
        raise FileNotFoundError(f"input folder {raw} does not exist")
    if out.resolve() == raw.resolve() or raw.resolve() in out.resolve().parents:
        raise ValueError(f"output folder {out} must not be inside the input folder {raw}")
    job = Job(
        raw_dir=str(raw),
        out_dir=str(out),
        config=settings.cleaners,
        fingerprint=settings.cleaners.fingerprint(),
        format=settings.run.format,
        write_diff=settings.run.write_diff,
        max_input_bytes=settings.run.max_input_bytes,
        force=force,
    )
    previous = None if force else Previous(out)
    tmp = reset_tmp(out)
    write_atomic(out / SETTINGS, settings.to_toml().encode("utf-8"), tmp)
    journal = Journal(out)
    summary = Summary()
    for tasks, refused in _batches(raw, out, previous, settings.run.batch_size):
        records = list(refused)
        if tasks:
            state = clean_batch(job, tasks, return_state=True)
            if state.is_completed():
                records += state.result()
            else:
                reason = f"batch failed after retries: {state.message}"
                records += [failure(t.item, reason) for t in tasks]
        journal.append(records)
        summary.add(records)
        for hook in progress_hooks:
            hook(summary.files, dict(summary.status))
    journal.finish()
    text = summary.write(out, str(raw), time.monotonic() - started, tmp)
    if settings.run.report:
        text += report_section(out, logger)
    create_markdown_artifact(key="boilerstrip-run-summary", markdown=text, description=f"boilerstrip {raw} -> {out}")
    create_table_artifact(key="boilerstrip-edits-per-cleaner", table=summary.table() or [{"cleaner": "-", "edits": 0}])
    journal.close()
    logger.info("%d files: %s", summary.files, dict(summary.status))
    return {"files": summary.files, **summary.status, "flagged": len(summary.flagged)}


def count_inputs(raw_dir: str | Path) -> int:
    """How many files a run will see (for a progress bar); streams, stores nothing."""
    return sum(1 for _ in discover(Path(raw_dir)))


__all__ = ["Item", "clean_batch", "clean_corpus", "count_inputs", "progress_hooks"]
