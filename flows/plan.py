"""One run's plan and books: the job its batches share, the batches in discovery order,
and the journal, totals and progress kept as their results come back.

Nothing here imports Prefect: the flow (`flows.flow`) makes the Prefect calls; this
module is what a run *is*, so it can be read, and tested, apart from them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .files import disk_error, reset_tmp, stopped, write_atomic
from .inputs import InputRoot, Item
from .lock import OutputLock
from .manifest import Journal, Outcome, Previous, Summary
from .outputs import SETTINGS, display
from .settings import Settings
from .sites import read_urls, sidecar_for
from .work import Job, Task, failure

Progress = Callable[[int, dict[str, int]], None]
"""Told after every batch: (inputs done, documents per status); the command line draws it.
An input is a file or a web archive, as `InputRoot.discover` finds them."""


@dataclass
class Plan:
    raw: InputRoot
    out: Path
    settings: Settings
    job: Job
    previous: Previous | None
    tmp: Path
    journal: Journal
    summary: Summary = field(default_factory=Summary)
    progress: Progress | None = None
    started: float = field(default_factory=time.monotonic)
    lock: OutputLock | None = None
    urls: dict[str, str] = field(default_factory=dict)  # source -> url, from the run's url sidecar
    inputs_done: int = 0  # files and web archives done (an archive's documents are counted in `summary`)

    @classmethod
    def make(
        cls,
        raw: InputRoot,
        out: Path,
        settings: Settings,
        *,
        force: bool = False,
        progress: Progress | None = None,
        wait_for_lock: float = 0,
        waiting: Callable[[str], object] | None = None,
        urls: str | None = None,
    ) -> Plan:
        """Check the paths, take the output folder (`OutputBusy` when another run has it
        after `wait_for_lock` seconds), read what the last run left, and open this run's
        journal; the effective settings are written first, so a run can always be audited.
        `release` (or `close`) lets the folder go. `urls`: the url sidecar (default: RAW's
        `urls.tsv`, if any)."""
        problem = raw.problem() or raw.overlap(out)
        if problem:
            raise ValueError(problem)
        sidecar = sidecar_for(raw.location, raw.local, urls)
        mapped = read_urls(sidecar) if sidecar is not None else {}
        lock = OutputLock(out)
        lock.acquire(wait_for_lock, waiting)
        try:
            plan = cls._make(raw, out, settings, force, progress, lock)
            plan.urls = mapped
            return plan
        except BaseException as err:
            lock.release()
            full = disk_error(err)
            if full is None:
                raise
            raise stopped(out, full, 0) from None

    @classmethod
    def _make(
        cls, raw: InputRoot, out: Path, settings: Settings, force: bool, progress: Progress | None, lock: OutputLock
    ) -> Plan:
        run = settings.run
        job = Job(
            raw=raw,
            out_dir=str(out),
            config=settings.cleaners,
            fingerprint=settings.cleaners.fingerprint(),
            format=run.format,
            write_diff=run.write_diff,
            max_input_bytes=run.max_input_bytes,
            force=force,
            site_depth=run.site_depth,
        )
        previous = None if force else Previous(out)
        tmp = reset_tmp(out)
        write_atomic(out / SETTINGS, settings.to_toml().encode("utf-8"), tmp)
        return cls(raw, out, settings, job, previous, tmp, Journal(out), progress=progress, lock=lock)

    def batches(self) -> Iterator[tuple[list[Task], list[dict]]]:
        """Batches of work in discovery order, and the collision failures found while
        filling them (two inputs that map to one output: the second is refused). A web
        archive is a batch of its own: it is the unit of work, as a crawl's segment is
        spread over a cluster archive by archive."""
        size = self.settings.run.batch_size
        seen: dict[str, str] = {}
        batch: list[Task] = []
        refused: list[dict] = []
        for item in self.raw.discover():
            first = seen.get(item.output)
            if first is not None:
                refused.append(failure(item, f"output {item.output} would overwrite the output of {display(first)}"))
                continue
            seen[item.output] = item.source
            task = self._task(item, self.previous)
            if task.item.format == "archive":
                if batch or refused:
                    yield batch, refused
                yield [task], []
                batch, refused = [], []
                continue
            batch.append(task)
            if len(batch) >= size:
                yield batch, refused
                batch, refused = [], []
        if batch or refused:
            yield batch, refused

    def chunks(self) -> Iterator[list[Task]]:
        """Every input in batches (an archive alone), for the repeated-line statistics."""
        size = self.settings.run.batch_size
        batch: list[Task] = []
        for item in self.raw.discover():
            if item.format == "archive":
                if batch:
                    yield batch
                yield [self._task(item, None)]
                batch = []
                continue
            batch.append(self._task(item, None))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _task(self, item: Item, previous: Previous | None) -> Task:
        """An input's task, with what `previous` recorded for it (a web archive: for its documents)."""
        name = display(item.source)
        if item.format == "archive":
            return Task(item, earlier=previous.documents(name) if previous is not None else None)
        return Task(item, previous.get(name) if previous is not None else None, self.urls.get(name))

    def record(self, tasks: list[Task], refused: list[dict], state) -> None:
        """A batch is back: journal it. `state` is its task's final state (a Prefect
        `State`: completed with an `Outcome`, or failed after its retries), or None when
        the batch held only refused files."""
        done = Outcome.of(refused)
        if state is not None and state.is_completed():
            done = done.then(state.result())
        elif state is not None:
            full = disk_error(state.result(raise_on_failure=False))
            if full is not None:  # every later batch would fail too; its files are left to the rerun
                raise stopped(self.out, full, self.summary.files)
            reason = f"batch failed after retries: {state.message}"
            done = done.then(Outcome.of([failure(t.item, reason) for t in tasks]))
        try:
            self.journal.append(done.lines, done.spool)
        except OSError as err:
            full = disk_error(err)
            if full is None:
                raise
            raise stopped(self.out, full, self.summary.files) from None
        self.summary.merge(done.summary)
        self.inputs_done += len(tasks) + len(refused)
        if self.progress is not None:
            self.progress(self.inputs_done, dict(self.summary.status))

    def finish(self) -> str:
        """Publish the manifest and write the summary; returns the summary's Markdown."""
        self.journal.finish()
        return self.summary.write(self.out, str(self.raw), time.monotonic() - self.started, self.tmp)

    def close(self) -> None:
        """The run is done: nothing is left to resume, and the folder is free."""
        self.journal.close()
        self.release()

    def release(self) -> None:
        """Stop using the output folder, done or not (a failed run's journal stays, to be
        resumed): a long-lived process (serve, a worker) must not keep it locked."""
        try:
            self.journal.handle.close()
        except OSError:  # the last lines could not be flushed (a full disk): a cut line is not resumed
            pass
        if self.lock is not None:
            self.lock.release()

    def counts(self) -> dict[str, int]:
        return {"files": self.summary.files, **self.summary.status, "flagged": len(self.summary.flagged)}
