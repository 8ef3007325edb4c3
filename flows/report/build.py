"""Writing the report: every manifest record's page (in parallel when given a pool),
then the index over them all."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomic
from ..outputs import MANIFEST, REPORT, ManifestRecord
from .document import edit_log, render_document
from .folder import ReportError, page_path, pages_dir, publish, stage, sweep
from .index import Index
from .records import inside, read_manifest


def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
            return handle.read()
    except OSError:
        return None


def manifest_records(out: Path) -> Iterator[ManifestRecord]:
    """The manifest's records, one at a time (a run's manifest can be large), each
    checked (`records`): a broken line is a ReportError that names it."""
    return read_manifest(out / MANIFEST)


CHUNK = 200  # documents a worker process renders at a time


@dataclass(slots=True)
class _Rendered:
    """What the index needs of a rendered page (small: it comes back from a worker)."""

    rules: Counter  # (cleaner, rule, kind) -> edits, from the edit log


def _render_pages(out: Path, staging: Path, work: list[tuple[ManifestRecord, str]]) -> list[_Rendered]:
    """Render and write the pages of some documents (in a worker process, or here)."""
    done = []
    for record, name in work:
        output = inside(out, record["output"]) if record.get("output") else None
        clean = _read(output) if output is not None else None
        log, missing = edit_log(out, record) if clean is not None else (None, "")
        page = render_document(record, clean, log, name.count("/") + 1, missing)
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.encode("utf-8"))
        done.append(_Rendered(Counter((e.cleaner, e.rule, e.kind) for e in log.edits) if log else Counter()))
    return done


def _rendered(out: Path, staging: Path, records: Iterator[ManifestRecord], used: set[str], pool) -> Iterator:
    """(record, page name, rendered) in manifest order; pages rendered by `pool` (an
    Executor) a chunk at a time, at most two chunks per worker ahead, when there is one."""
    named = ((record, page_path(str(record.get("source", "")), used)) for record in records)
    if pool is None:
        for record, name in named:
            yield record, name, _render_pages(out, staging, [(record, name)])[0]
        return
    from collections import deque
    from itertools import islice

    pending: deque = deque()
    ahead = 2 * max(1, getattr(pool, "_max_workers", 1))
    while True:
        chunk = list(islice(named, CHUNK))
        if chunk:
            pending.append((chunk, pool.submit(_render_pages, out, staging, chunk)))
        if pending and (len(pending) >= ahead or not chunk):
            chunk_done, future = pending.popleft()
            for (record, name), rendered in zip(chunk_done, future.result(), strict=True):
                yield record, name, rendered
        if not chunk and not pending:
            return


def write_report(out_dir: str | Path, pool=None) -> Path:
    """Write OUT/report.html and OUT/report/<source>.html for every manifest record.
    The same folder gives the same report, byte for byte (no dates, no absolute paths),
    whether `pool` (a process pool that renders pages in parallel) is given or not."""
    out = Path(out_dir)
    if not (out / MANIFEST).is_file():
        raise ReportError(f"{out / MANIFEST} does not exist: run `boilerstrip clean` first")
    pages = pages_dir(out, manifest_records(out))
    sweep(out)
    staging = stage(out)
    index = Index(pages)
    used: set[str] = set()
    try:
        for record, name, rendered in _rendered(out, staging, manifest_records(out), used, pool):
            index.add(record, name, rendered.rules)
        publish(out, staging, pages)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    path = out / REPORT
    write_atomic(path, index.render().encode("utf-8"))
    return path


def report_section(out_dir: str | Path, logger=None, pool=None) -> str:
    """Write the report at the end of a run; markdown that links it, for the run's
    Prefect artifact. A report that cannot be written is logged, not fatal: the
    cleaning is done and recorded by then."""
    try:
        path = write_report(out_dir, pool)
    except Exception as err:  # the run's outputs stand without it
        if logger is not None:
            logger.error("run report not written: %s: %s", type(err).__name__, err)
        return f"\nThe run report could not be written: {type(err).__name__}: {err}\n"
    uri = path.resolve().as_uri()
    return (
        f"\n## Run report\n\n[{path.name}]({uri}): `{uri}`\n\n"
        "A browser opens it from disk (browsers do not follow file:// links from a web page: copy the address).\n"
    )
