"""`clean_many`: many documents from Python, in input order, on one or more processes.

    >>> from boilerstrip import clean_many
    >>> [r.cleaned.text for r in clean_many([b"Story.\\n\\nBe the first to comment\\n", "Other.\\n"])]
    ['Story.\\n', 'Other.\\n']

Lazy both ways: it takes items from the iterable only as results are wanted (at most
`prefetch` ahead per worker), so an endless generator or a stream larger than memory
works, and a consumer that stops early stops the work.

Items are raw data (bytes or str), `(id, data)` pairs, or records (dicts with "id",
"text" or "html", and any other keys). One item that cannot be cleaned becomes a
`Result` with an `error`, never an exception that ends the iteration.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any, TypeAlias

from .config import Config, phrase_book
from .model import Cleaned
from .pipeline import clean

Item: TypeAlias = bytes | str | tuple[Any, bytes | str] | Mapping[str, Any]
PREFETCH = 16
"""Items sent ahead per worker: enough to keep every worker busy, few enough that memory
does not depend on the stream's length."""


@dataclass(frozen=True, slots=True)
class Result:
    """One item's outcome. `id` is the item's own id, or its position (from 0) for bare data;
    `record` is the item itself when it was a dict (its other keys, for passing through)."""

    id: Any
    cleaned: Cleaned | None
    error: str | None = None
    record: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class _Job:
    """What a worker cleans: picklable, and without the caller's record (which stays here)."""

    data: bytes | str | None
    format: str
    problem: str | None = None


def _job(position: int, item: Item, format: str) -> tuple[Any, _Job, Mapping[str, Any] | None]:
    """The id, the work and the record of one item; a record without usable text is a problem, not an error."""
    if isinstance(item, bytes | str):
        return position, _Job(item, format), None
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes | str):
        return item[0], _Job(item[1], format), None
    if isinstance(item, Mapping):
        key = "html" if item.get("html") is not None else "text"
        data = item.get(key)
        if not isinstance(data, str):
            problem = f'"{key}" must be a string' if key in item else 'the record has no "text" or "html"'
            return item.get("id"), _Job(None, format, problem), item
        return item.get("id"), _Job(data, "html" if key == "html" else format), item
    raise TypeError(
        f"clean_many: item {position} is a {type(item).__name__}; expected bytes, str, (id, data) or a dict"
    )


_config = Config()


def _start_worker(config: Config) -> None:
    """Once per worker process: the config, and its phrase book compiled now rather than per item."""
    global _config
    _config = config
    phrase_book(config)


def _run(job: _Job, config: Config | None = None) -> tuple[Cleaned | None, str | None]:
    """Clean one item; any failure is its message (one bad document must not end the stream)."""
    if job.problem is not None or job.data is None:
        return None, job.problem or "nothing to clean"
    try:
        return clean(job.data, config=config or _config, format=job.format), None
    except Exception as err:  # as the flow does: a document that fails is recorded, the rest go on
        return None, f"cleaning failed: {type(err).__name__}: {err}"


def clean_many(
    items: Iterable[Item],
    *,
    workers: int = 1,
    config: Config | None = None,
    format: str = "auto",
    prefetch: int = PREFETCH,
) -> Iterator[Result]:
    """Clean every item and yield one `Result` per item, in input order.

    `workers=1` cleans in this process; more use that many processes (0: one per core),
    started with "forkserver", so a caller's threads or open handles are not copied into
    them (as with any multiprocessing, a script must then call this under
    `if __name__ == "__main__":`; a worker that dies raises `BrokenProcessPool`).
    `format` applies to bare data and "text" records; "html" records are HTML.
    """
    if format not in ("auto", "text", "html"):
        raise ValueError(f'format must be "auto", "text" or "html", not {format!r}')
    if workers < 0 or prefetch < 1:
        raise ValueError("workers must be 0 (one per core) or more, prefetch 1 or more")
    config = config or Config()
    count = workers or os.cpu_count() or 1
    if count == 1:
        return _here(items, config, format)
    return _pooled(items, config, format, count, prefetch)


def _here(items: Iterable[Item], config: Config, format: str) -> Iterator[Result]:
    for position, item in enumerate(items):
        id, job, record = _job(position, item, format)
        cleaned, error = _run(job, config)
        yield Result(id, cleaned, error, record)


def warm_context(*preload: str) -> BaseContext:
    """How worker processes start: forked from a server process that has imported the
    library, compiled the shipped phrase book and loaded the language profiles once
    (`cleaners.warm`, and the modules in `preload`), so that no worker repeats that second
    or two, and a caller's threads and open files are not copied. Spawned where there
    is no forkserver. The flow's worker processes start the same way."""
    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(["boilerstrip.cleaners.warm", *preload])
    return context


def _run_all(jobs: list[_Job]) -> list[tuple[Cleaned | None, str | None]]:
    return [_run(job) for job in jobs]


def _pooled(items: Iterable[Item], config: Config, format: str, workers: int, prefetch: int) -> Iterator[Result]:
    """Items go to the workers in chunks (one document per task cost more in messages than
    the second worker gained), two chunks per worker in flight."""
    context = warm_context()
    size = max(1, prefetch // 2)
    pending: deque[tuple[list[tuple[Any, Mapping[str, Any] | None]], Future[list[tuple[Cleaned | None, str | None]]]]]
    pending = deque()
    source = enumerate(items)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(config,)) as pool:
        try:
            while True:
                # a finished chunk goes out before more input is read: a slow producer's records are not held back
                while len(pending) < workers * 2 and not (pending and pending[0][1].done()):
                    chunk = [_job(position, item, format) for position, item in islice(source, size)]
                    if not chunk:
                        break
                    keys = [(id, record) for id, _, record in chunk]
                    pending.append((keys, pool.submit(_run_all, [job for _, job, _ in chunk])))
                if not pending:
                    return
                keys, future = pending.popleft()
                for (id, record), (cleaned, error) in zip(keys, future.result(), strict=True):
                    yield Result(id, cleaned, error, record)
        finally:  # a consumer that stops early (or an error) leaves nothing running
            for _, future in pending:
                future.cancel()
