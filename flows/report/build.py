"""Writing the report: every manifest record's view (in parallel when given a pool), a
chunk of documents to a data file, then the index over them all."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from ..files import write_atomic
from ..outputs import MANIFEST, REPORT, ManifestRecord
from .document import document_data, edit_log
from .folder import CHUNK, ReportError, chunk_path, pages_dir, publish, stage, sweep, top_folders
from .html import script_json
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


def _render_chunk(out: Path, staging: Path, number: int, records: list[ManifestRecord]) -> list[Counter]:
    """Write the views of a chunk of documents to its data file (in a worker process, or
    here); return what the index needs of each: its edits per (cleaner, rule, kind)."""
    views, rules = [], []
    root = out.resolve()
    for record in records:
        output = inside(out, record["output"], root) if record.get("output") else None
        clean = _read(output) if output is not None else None
        log, missing = edit_log(out, record, root) if clean is not None else (None, "")
        views.append(document_data(record, clean, log, missing))
        rules.append(Counter((e.cleaner, e.rule, e.kind) for e in log.edits) if log else Counter())
    (staging / chunk_path(number)).write_bytes(f"reportChunk({number},{script_json(views)});\n".encode())
    return rules


def _rendered(out: Path, staging: Path, records: Iterable[ManifestRecord], pool) -> Iterator:
    """(record, its edits per rule) in manifest order; chunks rendered by `pool` (an
    Executor), at most two chunks per worker ahead, when there is one."""
    chunks = iter(lambda: list(islice(records, CHUNK)), [])
    if pool is None:
        for number, chunk in enumerate(chunks):
            yield from zip(chunk, _render_chunk(out, staging, number, chunk), strict=True)
        return
    from collections import deque

    pending: deque = deque()
    ahead = 2 * max(1, getattr(pool, "_max_workers", 1))
    numbered = enumerate(chunks)
    while True:
        item = next(numbered, None)
        if item is not None:
            pending.append((item[1], pool.submit(_render_chunk, out, staging, *item)))
        if pending and (len(pending) >= ahead or item is None):
            chunk, future = pending.popleft()
            yield from zip(chunk, future.result(), strict=True)
        if item is None and not pending:
            return


def write_report(out_dir: str | Path, pool=None) -> Path:
    """Write OUT/report.html, and under OUT/report/ the page that shows a document and
    the data files of the documents' views. The same folder gives the same report, byte
    for byte (no dates, no absolute paths), whether `pool` (a process pool that renders
    views in parallel) is given or not."""
    out = Path(out_dir)
    if not (out / MANIFEST).is_file():
        raise ReportError(f"{out / MANIFEST} does not exist: run `boilerstrip clean` first")
    sweep(out)
    staging = stage(out)
    index = Index()
    taken: set[str] = set()
    try:
        for record, rules in _rendered(out, staging, manifest_records(out), pool):
            index.add(record, rules)
            taken |= top_folders(record)
        pages = pages_dir(out, taken)
        publish(out, staging, pages)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    path = out / REPORT
    write_atomic(path, index.render(pages).encode("utf-8"))
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
