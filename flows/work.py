"""The work of one batch, without Prefect: read, clean, write, and describe each file.

Kept free of Prefect so it can be tested directly and run by any task runner; the
flow wraps `run_batch` in a task. A file that cannot be read or cleaned becomes a
`failed` record and the batch goes on; an error *writing* outputs propagates, so
the task is retried (outputs are atomic and the work is idempotent).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from boilerstrip.cleaners import Cleaned, Config, clean
from boilerstrip.cleaners.input.decode import sniff_binary
from boilerstrip.cleaners.model import SiteRepeats
from boilerstrip.cleaners.output import editlog
from boilerstrip.cleaners.output.difflog import render

from . import archives, outputs
from .files import DISK_ERRORS, TMP_DIR, AtomicWriter, OutsideOutput, contained
from .inputs import InputRoot, Item
from .manifest import recorded
from .outputs import ManifestRecord, Status, display
from .sites import site_of_url


@dataclass(frozen=True)
class Job:
    """What every batch of one run shares (small and picklable: it travels to workers)."""

    raw: InputRoot
    out_dir: str
    config: Config
    fingerprint: str
    format: str = "auto"
    write_diff: bool = True
    max_input_bytes: int = 200 * 1024 * 1024
    force: bool = False
    site_depth: int = 1  # leading folders of a source that name its site (repeated-line statistics)


@dataclass(frozen=True, slots=True)
class Task:
    """One file to do, with what the last run recorded for it (None: never done)."""

    item: Item
    previous: ManifestRecord | None = None
    url: str | None = None  # the document's address as the user (or an archive's record) gives it
    url_from: str = "map"  # where `url` came from: "map" (the user's sidecar) or "warc" (the record)
    earlier: dict[str, tuple[str, int]] | None = None  # a web archive: where its documents' last records are


def format_of(job: Job, item: Item) -> str:
    if job.format != "auto":
        return job.format
    return item.format


def site_of(source: str, depth: int) -> str:
    """The site a source belongs to: its first `depth` folders ("." for a file above them,
    "" for every file when depth is 0)."""
    if depth == 0:
        return ""
    folders = source.split("/")[:-1]
    return "/".join(folders[:depth]) if len(folders) >= depth else "."


def group_of(task: Task, depth: int) -> str:
    """The site whose repeated lines a document shares: the registered domain of its url when
    one is known before cleaning (a sidecar), else its folders (`site_of`)."""
    site = site_of_url(task.url) if task.url and depth else None
    return site or site_of(task.item.source, depth)


def fingerprint(job: Job, repeats: SiteRepeats | None) -> str:
    """The job's fingerprint, and the site's repeated lines when they can change the output:
    a document is cleaned again when its site's statistics change."""
    if repeats is None or not repeats.lines:
        return job.fingerprint
    digest = hashlib.sha256(job.fingerprint.encode())
    digest.update(json.dumps([repeats.site, repeats.documents, sorted(repeats.lines.items())]).encode())
    return digest.hexdigest()[:16]


def _unchanged(job: Job, task: Task, digest: str, fingerprint: str) -> bool:
    prev = task.previous
    if job.force or not prev or prev.get("status") == Status.FAILED:
        return False
    if prev.get("sha256") != digest or prev.get("fingerprint") != fingerprint:
        return False
    if not _same_address(task, prev):
        return False
    out_dir = Path(job.out_dir)
    logs = [outputs.diff_for(task.item.output), outputs.edit_log_for(task.item.output)] if job.write_diff else []
    written = [task.item.output, *logs]
    return all((out_dir / name).is_file() for name in written if name is not None)


def _same_address(task: Task, prev: ManifestRecord) -> bool:
    """The url the record holds is still the one this run would give: the same mapped url,
    or none mapped then and now (a page's own url is in its unchanged bytes). A page
    recorded before urls were kept is cleaned again to learn its url."""
    if task.url is not None:
        return prev.get("url_from") == task.url_from and prev.get("url") == task.url
    if prev.get("url_from") == "map":
        return False
    return "url" in prev or prev.get("format") != "html"


def address(url: str | None, source: str | None) -> ManifestRecord:
    """The url fields of a record: the url, its site, and where the url came from."""
    return {"url": url, "site": site_of_url(url) if url else None, "url_from": source if url else None}


def failure(item: Item, message: str, **extra) -> ManifestRecord:
    return outputs.failed(item.source, message, **extra)


def emptiness(raw: bytes) -> str | None:
    """Why a file holds nothing to clean, if it does not."""
    if not raw:
        return "empty file"
    if not raw.strip():
        return "file holds only whitespace"
    return None


def refusal(raw: bytes) -> str | None:
    """Why a file's bytes are not text worth cleaning, in words a person understands."""
    kind = sniff_binary(raw)
    return f"not text or HTML: {kind}" if kind else None


def no_text(result: Cleaned) -> str | None:
    """Why a cleaned document is a failure all the same: a page the extractor found no text in."""
    if result.meta.format == "html" and not result.text.strip():
        return "no article text found in the page (the extractor returned nothing)"
    return None


def run_one(job: Job, task: Task, repeats: dict[str, SiteRepeats] | None = None) -> ManifestRecord:
    """Clean one file; `repeats` are the corpus statistics by site, when gathered."""
    writer = AtomicWriter(Path(job.out_dir) / TMP_DIR)
    try:
        return _run_one(job, task, writer, repeats)
    finally:
        writer.close()


def _run_one(job: Job, task: Task, writer: AtomicWriter, repeats: dict[str, SiteRepeats] | None) -> ManifestRecord:
    """The record is final once `writer` is closed: its outputs are then in place."""
    item = task.item
    if item.problem:
        return failure(item, item.problem)
    try:
        raw = job.raw.read(item.source, job.max_input_bytes)
    except (OSError, ValueError, EOFError) as err:
        return failure(item, f"cannot read: {_why(err)}")
    return _clean_raw(job, task, raw, writer, repeats)


def _why(err: BaseException) -> object:
    return getattr(err, "strerror", None) or err


def _clean_raw(
    job: Job, task: Task, raw: bytes, writer: AtomicWriter, repeats: dict[str, SiteRepeats] | None
) -> ManifestRecord:
    """Clean a document's bytes and write its outputs (a file's, or an archive record's)."""
    item = task.item
    site = repeats.get(group_of(task, job.site_depth)) if repeats is not None else None
    current = fingerprint(job, site)
    empty = emptiness(raw)
    if empty:
        return outputs.skipped_empty(item.source, empty, raw)
    digest = hashlib.sha256(raw).hexdigest()
    refused = refusal(raw)
    if refused:
        return failure(item, refused, sha256=digest)
    if _unchanged(job, task, digest, current):
        previous = dict(task.previous)
        resumed = previous.pop("_resumed", False)  # done by an interrupted run: as if now
        return previous if resumed else {**previous, "status": Status.SKIPPED}
    try:
        result = clean(raw, config=job.config, source=display(item.source), format=format_of(job, item), repeats=site)
    except Exception as err:  # one bad file must not stop the run: record it
        return failure(item, f"cleaning failed: {type(err).__name__}: {err}", sha256=digest)
    meta = result.meta
    empty = no_text(result)
    if empty:
        return failure(item, empty, sha256=digest)
    out_dir = Path(job.out_dir)
    try:
        out = contained(out_dir, out_dir / item.output, writer.verdicts)
        diff = contained(out_dir, out_dir / outputs.diff_for(item.output), writer.verdicts)
        edit_log_name = outputs.edit_log_for(item.output)
        edit_log = contained(out_dir, out_dir / edit_log_name, writer.verdicts) if edit_log_name else None
        writer.folder(out.parent)
    except OutsideOutput as err:
        return failure(item, str(err), sha256=digest)
    except OSError as err:  # a name the file system refuses (a file where a folder must be, ...): this file only
        if err.errno in DISK_ERRORS:
            raise
        why = "a file stands where its folder must be" if isinstance(err, FileExistsError) else err.strerror or err
        return failure(item, f"cannot write {item.output}: {why}", sha256=digest)
    text = result.text if result.text.endswith("\n") or not result.text else result.text + "\n"
    writer.write(out, text.encode("utf-8"))
    if job.write_diff:
        log = render(result, f"raw/{display(item.source)}", f"clean/{item.output}")
        writer.write(diff, log.encode("utf-8", "surrogateescape"))
        if edit_log is not None:
            data = editlog.dumps(result.edits, meta.byte_fixes)
            writer.write(edit_log, data.encode("utf-8", "surrogateescape"))
    record = outputs.cleaned(
        item.source, item.output, result, sha256=digest, size=len(raw), fingerprint=current, logs=job.write_diff
    )
    record.update(address(task.url, task.url_from) if task.url else address(meta.url, "page"))
    return record


def archive_documents(job: Job, task: Task, tally: archives.Tally) -> Iterator[tuple[Task, archives.Member]]:
    """A web archive's documents, each as a task of its own (named `archive#N`, written to
    the archive's folder, with the record's url); raises what `archives.members` raises."""
    archive = task.item
    with job.raw.open(archive.source) as handle:
        for member in archives.members(handle, job.max_input_bytes, tally):
            source = archives.member_source(archive.source, member.number)
            item = Item(source, archives.member_output(archive.output, member.number), member.format)
            where = task.earlier.get(display(source)) if task.earlier else None
            previous = recorded(Path(job.out_dir), where) if where is not None else None
            yield Task(item, previous, member.url, "warc"), member


def run_archive(
    job: Job, task: Task, writer: AtomicWriter, repeats: dict[str, SiteRepeats] | None, tally: archives.Tally
) -> Iterator[ManifestRecord]:
    """A record per document of the archive, in its order; a damaged archive ends with one
    failure for the archive itself, saying where."""
    if task.item.problem:
        yield failure(task.item, task.item.problem)
        return
    try:
        for member_task, member in archive_documents(job, task, tally):
            extra = {
                "archive": display(task.item.source),
                "record": member.number,
                "warc_record_id": member.record_id,
                "warc_date": member.date,
            }
            if member.body is None:
                record = failure(member_task.item, member.problem or "unreadable record", **address(member.url, "warc"))
            else:
                record = _clean_raw(job, member_task, member.body, writer, repeats)
            record.update(extra)
            yield record
    except archives.Damaged as err:
        tally.records = err.whole  # the damaged record was not read
        yield failure(task.item, str(err), records_read=err.whole)
    except (OSError, ValueError, EOFError) as err:
        yield failure(task.item, f"cannot read: {_why(err)}", records_read=tally.records)


def run_batch(job: Job, tasks: list[Task], repeats: dict[str, SiteRepeats] | None = None) -> list[ManifestRecord]:
    return list(batch_records(job, tasks, repeats))


def batch_records(
    job: Job, tasks: list[Task], repeats: dict[str, SiteRepeats] | None = None, archived: Counter | None = None
) -> Iterator[ManifestRecord]:
    """The batch's records, in order (a web archive's documents in place of the archive),
    as they are done: an archive's may be too many to hold. They are final once this is
    exhausted. `archived` counts the records of its archives (read, documents, skipped)."""
    writer = AtomicWriter(Path(job.out_dir) / TMP_DIR)
    try:
        for task in tasks:
            if task.item.format != "archive":
                yield _run_one(job, task, writer, repeats)
                continue
            tally = archives.Tally()
            yield from run_archive(job, task, writer, repeats, tally)
            if archived is not None:
                archived.update(tally.counts())
    finally:
        writer.close()
