"""What a run writes: the names of its files, and the manifest record with its statuses.

Every module that writes or reads a run's output folder takes the names from here, and
builds or reads a manifest record as a `ManifestRecord`. A record stays a plain dict
(a `TypedDict`, not a class): it is written as JSON with sorted keys, read back from
manifests of earlier versions (keys missing or unknown) and passed on unchanged when
its file is skipped, and a dict does all of that as it is. This module imports nothing
of `flows`, so any of them may import it.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from boilerstrip.cleaners import Cleaned

MANIFEST = "manifest.jsonl"
JOURNAL = "manifest.journal.jsonl"  # the manifest of a run in progress, batch by batch
RESUMED = "manifest.resumed.jsonl"  # a killed run's journal, read by the next run
SUMMARY = "run-summary.md"
SETTINGS = "effective-config.toml"
STATISTICS = "repeated-lines.json"  # with --repeated-lines
REPORT = "report.html"
PAGES = "report"  # the report's pages (another name when an input folder takes this one)

TEXT = ".txt"
DIFF = ".diff"
EDIT_LOG = ".edits.jsonl"
NAME_MAX = 255  # bytes of one file name (ext4, XFS, Btrfs, tmpfs, ...): the same limit everywhere, for the same outputs
"""Per document, beside each other: `a/b.txt` (clean text), `a/b.diff` (diff log) and
`a/b.edits.jsonl` (the edits as data, `cleaners.editlog`). A clean text's name always
ends in `.txt` and an input's in `.txt`, `.html` or `.htm` (or `.gz`), so an edit log
can never take the name of another input's outputs."""


RUN_FILES = frozenset({MANIFEST, JOURNAL, RESUMED, MANIFEST + ".new", SUMMARY, SETTINGS, STATISTICS, REPORT})
"""The run's own files at the top of OUT (its hidden ones, `.boilerstrip-tmp` and the lock,
cannot collide: hidden inputs are skipped; the report's pages pick a free folder)."""
ESCAPE = "~"
SHORT = 200  # bytes kept of a name too long to be one, before "~" and its hash
STEM_MAX = NAME_MAX - len(".diff")  # the longest sibling that is always written


def safe_output(path: str) -> str:
    """An input's output path, made safe to write: a top-level folder named like a run file
    gets a "~" (`manifest.jsonl/a.txt` -> `manifest.jsonl~/a.txt`; one more "~" on a name
    that already ends so, which keeps the mapping one-to-one), and a name too long for the
    file system (non-UTF-8 bytes shown as \\xNN take 4 each) is cut, with a hash of the
    whole name so that it stays distinct. The same input always gets the same name."""
    *folders, name = path.split("/")
    if folders and folders[0].rstrip(ESCAPE).lower() in RUN_FILES:
        folders[0] += ESCAPE
    stem = _fit(name.removesuffix(TEXT), STEM_MAX)
    return "/".join([*(_fit(folder, NAME_MAX) for folder in folders), stem + TEXT])


def _fit(name: str, limit: int) -> str:
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) <= limit:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    return encoded[:SHORT].decode("utf-8", "ignore") + ESCAPE + digest


def diff_for(output: str) -> str:
    """The diff log beside a clean text: a/b.txt -> a/b.diff."""
    return output.removesuffix(TEXT) + DIFF


def edit_log_for(output: str) -> str | None:
    """The edit log beside a clean text: a/b.txt -> a/b.edits.jsonl; None when that name
    would be longer than a file name may be (a `.txt` name of 248 bytes or more)."""
    path = output.removesuffix(TEXT) + EDIT_LOG
    return path if len(path.rpartition("/")[2].encode("utf-8", "surrogateescape")) <= NAME_MAX else None


class Status(StrEnum):
    """A record's status; a `str`, so it is written (and compared) as its value."""

    CLEANED = "cleaned"
    SKIPPED = "skipped-unchanged"
    EMPTY = "skipped-empty"
    """An empty or whitespace-only input: nothing to clean, and not an error of the run (a
    scraper saving an empty page is common); no output is written and the exit status stays 0."""
    FAILED = "failed"


class ManifestRecord(TypedDict, total=False):
    """One line of `manifest.jsonl`: one input file. A failed or empty file has only
    the names, `status`, `error` or `reason`, and what was known when it stopped."""

    source: str  # the input's path relative to RAW (undecodable bytes as \\xNN)
    source_bytes: str  # hex of the name's bytes, when they are not UTF-8
    output: str | None  # the clean text, relative to OUT
    diff: str | None  # the diff log (None: `[run] write_diff = false`)
    edit_log: str | None  # the edits as data, written with the diff log (no key: an older run; None
    # with a diff: the name would be too long)
    sha256: str  # of the raw bytes
    bytes: int
    format: str
    encoding: str
    language: str
    language_prob: float
    chars_before: int
    chars_after: int
    lines_before: int
    lines_after: int
    words_before: int
    words_removed: int
    edits: dict[str, int]  # edits per cleaner
    removals: int
    needs_review: bool
    review_reason: str
    extraction: dict | None
    url: str | None  # the page's address: mapped by the user (a sidecar), else the page's canonical link or og:url
    site: str | None  # the url's registered domain (public suffix list)
    url_from: str | None  # "map" (the sidecar), "page" (the HTML's own) or "warc" (the archive record's target URI)
    archive: str  # a document of a web archive: the archive's source (its own is `archive#record`)
    record: int  # ... its record number in the archive, counting every record from 1
    warc_record_id: str | None  # ... its WARC-Record-ID
    warc_date: str | None  # ... its WARC-Date (when it was fetched)
    records_read: int  # a damaged web archive's failure: records read whole before the damage
    fingerprint: str
    status: Status
    error: str | None
    reason: str  # why a file was skipped as empty
    _resumed: bool  # in memory only: read back from a killed run's journal


def removed_share(removed: int, before: int) -> float:
    """The share of a document's words that cleaning removed, as the pipe and the export give it."""
    return round(removed / before, 4) if before else 0.0


def display(name: str) -> str:
    """A file name as people and JSON can read it: bytes that are not UTF-8 shown as
    \\xNN (the name on disk stays as it is)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def names(source: str) -> ManifestRecord:
    """How a record names its file: readable, and exact when the name is not UTF-8."""
    shown = ManifestRecord(source=display(source))
    if shown["source"] != source:
        shown["source_bytes"] = source.encode("utf-8", "surrogateescape").hex()
    return shown


def failed(source: str, message: str, **extra) -> ManifestRecord:
    return {**names(source), "output": None, "status": Status.FAILED, "error": message, **extra}


def skipped_empty(source: str, reason: str, raw: bytes) -> ManifestRecord:
    return {
        **names(source),
        "output": None,
        "status": Status.EMPTY,
        "reason": reason,
        "error": None,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "bytes": len(raw),
    }


def cleaned(
    source: str, output: str, result: Cleaned, *, sha256: str, size: int, fingerprint: str, logs: bool
) -> ManifestRecord:
    """The record of a file cleaned now; `logs`: its diff and edit logs were written."""
    meta = result.meta
    return {
        **names(source),
        "output": output,
        "diff": diff_for(output) if logs else None,
        "edit_log": edit_log_for(output) if logs else None,
        "sha256": sha256,
        "bytes": size,
        "format": meta.format,
        "encoding": meta.encoding,
        "language": meta.language,
        "language_prob": meta.language_prob,
        "chars_before": meta.chars_before,
        "chars_after": meta.chars_after,
        "lines_before": meta.lines_before,
        "lines_after": meta.lines_after,
        "words_before": meta.words_before,
        "words_removed": meta.words_removed,
        "edits": result.edits_by_cleaner(),
        "removals": sum(1 for e in result.edits if e.kind == "removal"),
        "needs_review": meta.needs_review,
        "review_reason": meta.review_reason,
        "extraction": meta.extraction,
        "fingerprint": fingerprint,
        "status": Status.CLEANED,
        "error": None,
    }


def record_line(record: ManifestRecord) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
