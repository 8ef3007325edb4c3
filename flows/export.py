"""`boilerstrip export`: a run's clean texts and what the manifest knows of them, as one
corpus file for downstream tools (JSON Lines, gzipped or not, or Parquet).

One record per document, sorted by source, with the fields of `FIELDS` (docs/downstream-corpus.md
is the table). Failed and empty inputs are left out unless asked for. The file is written
under a temporary name and renamed, and its bytes depend only on the run's outputs (gzip
without a time stamp), so a rerun that changed nothing gives the same file; it is not even
rewritten: a digest of what went into it is kept beside it (`.NAME.boilerstrip-export`).
Memory stays small on any corpus: one text at a time, and Parquet in row groups.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from boilerstrip.cleaners.errors import BoilerstripError

from .files import atomic_file, write_atomic
from .outputs import MANIFEST, Status, removed_share
from .report.folder import ReportError
from .report.records import check, inside

VERSION = 2  # of the export's fields; part of the digest, so a new version rewrites old exports

FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", "string", "first 16 hex digits of the sha256 of `source`: stable across runs"),
    ("source", "string", "the input's path relative to RAW, as the manifest writes it"),
    (
        "url",
        "string?",
        "a web archive's record: its target URI; else mapped by the user (urls.tsv, --urls), "
        "else the page's canonical link or og:url",
    ),
    ("site", "string?", "the url's registered domain (public suffix list), e.g. bbc.co.uk"),
    ("warc_record_id", "string?", "a web archive's document: its WARC-Record-ID (null for a file)"),
    ("warc_date", "string?", "a web archive's document: its WARC-Date, when it was fetched"),
    ("title", "string?", "HTML: og:title, else <title>, else the first h1"),
    ("author", "string?", "HTML: meta author or article:author"),
    ("date", "string?", "HTML: the publication date as the page writes it"),
    ("language", "string", "detected language code (`unknown` when undecided)"),
    ("language_prob", "float64", "the detector's probability for it"),
    ("text", "string?", "the clean text, exactly the bytes of its .txt (null for a failed input)"),
    ("chars", "int64", "characters of the clean text (the manifest's chars_after)"),
    ("words", "int64", "words kept: words_before - words_removed"),
    ("removed_share", "float64", "share of the input's words removed by cleaning (0 to 1)"),
    ("needs_review", "bool", "flagged for a person to check (review_reason in the manifest says why)"),
    ("sha256", "string?", "sha256 of the raw input bytes (null: a failed input that could not be read)"),
    ("text_sha256", "string?", "sha256 of the clean text's bytes (UTF-8)"),
    (
        "fingerprint",
        "string?",
        "settings and cleaner versions that made the text (the run fingerprint; null if failed)",
    ),
    ("error", "string?", "with --include-failed only: why the input failed or was empty; null otherwise"),
)
SUFFIXES = {".jsonl.gz": "jsonl.gz", ".jsonl": "jsonl", ".parquet": "parquet"}
ROW_GROUP = 1000  # documents per Parquet row group (and at most GROUP_BYTES of text)
GROUP_BYTES = 64 << 20
CHUNK = 1 << 20  # characters of JSON Lines written at once
KEPT = (Status.CLEANED, Status.SKIPPED)


class ExportError(BoilerstripError, RuntimeError):
    """The export could not be written; the message names the file (and line)."""


class ExportUsage(ExportError, ValueError):
    """The export was asked for wrongly (a name of no known format, an OUT without a run)."""


def export_format(target: Path) -> str:
    """The format a file name asks for, by its ending; `ExportUsage` for any other."""
    for suffix, kind in SUFFIXES.items():
        if target.name.lower().endswith(suffix) and len(target.name) > len(suffix):
            return kind
    raise ExportUsage(f"export {target}: name it *.jsonl.gz, *.jsonl or *.parquet (the ending picks the format)")


def check_format(target: Path) -> str:
    """`export_format`, and for Parquet the library that writes it."""
    kind = export_format(target)
    if kind == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ExportUsage(
                f"export {target}: Parquet needs pyarrow: pip install 'boilerstrip[parquet]' (or use *.jsonl.gz)"
            ) from None
    return kind


def export(out: Path, target: Path, include_failed: bool = False) -> bool:
    """Write the corpus of the run in `out` to `target`; False when the file already holds
    exactly that (nothing written)."""
    kind = check_format(target)
    manifest = out / MANIFEST
    if not manifest.is_file():
        raise ExportUsage(f"{out} holds no {MANIFEST}: not the output folder of a run (boilerstrip clean --out)")
    order, digest = _index(manifest, kind, include_failed)
    stamp = target.with_name(f".{target.name}.boilerstrip-export")
    if _current(target, stamp, digest):
        return False
    with atomic_file(target) as handle:
        rows = _rows(out, manifest, order)
        _write_parquet(handle, rows) if kind == "parquet" else _write_jsonl(handle, rows, kind == "jsonl.gz")
    size, mtime = _stat(target)
    write_atomic(stamp, json.dumps({"inputs": digest, "size": size, "mtime_ns": mtime}).encode())
    return True


def _index(manifest: Path, kind: str, include_failed: bool) -> tuple[list[tuple[str, int]], str]:
    """Where each exported record is (source, offset), sorted by source (a web archive's
    documents by their record number, in the archive's place), and a digest of
    everything the export is made of. A record's status does not count (a rerun turns
    "cleaned" into "skipped-unchanged"), the rest of it does (sha256, fingerprint, url...)."""
    digest = hashlib.sha256(json.dumps([VERSION, kind, include_failed]).encode())
    order: list[tuple[tuple[str, int], str, int]] = []
    offset = 0
    with open(manifest, "rb") as handle:
        for number, line in enumerate(handle, 1):
            record = _parse(line, f"{manifest}:{number}")
            status = record.get("status")
            if status in KEPT or include_failed:
                archive, number = record.get("archive"), record.get("record")
                place = (
                    (archive, number) if isinstance(archive, str) and isinstance(number, int) else (record["source"], 0)
                )
                order.append((place, record["source"], offset))
                kept = {k: v for k, v in record.items() if k != "status"}
                kept["ok"] = status in KEPT
                digest.update(json.dumps(kept, sort_keys=True).encode("utf-8", "surrogateescape") + b"\n")
            offset += len(line)
    order.sort()
    return [(source, at) for _, source, at in order], digest.hexdigest()


def _parse(line: bytes, where: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
        return dict(check(record, where))
    except ValueError as err:
        raise ExportError(f"{where}: not JSON: {err}") from None
    except ReportError as err:
        raise ExportError(str(err)) from None


def _stat(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def _current(target: Path, stamp: Path, digest: str) -> bool:
    """The target is the file an export of these inputs wrote, untouched since."""
    try:
        kept = json.loads(stamp.read_bytes())
        return bool(kept == {"inputs": digest, "size": _stat(target)[0], "mtime_ns": _stat(target)[1]})
    except (OSError, ValueError):
        return False


def _rows(out: Path, manifest: Path, order: list[tuple[str, int]]) -> Iterator[dict[str, Any]]:
    with open(manifest, "rb") as handle:
        for _source, offset in order:
            handle.seek(offset)
            record = json.loads(handle.readline())
            yield _row(out, manifest, record)


def _row(out: Path, manifest: Path, record: dict[str, Any]) -> dict[str, Any]:
    """One export record from a manifest record and its clean text."""
    source = record["source"]
    ok = record.get("status") in KEPT
    text: str | None = None
    text_sha = None
    if ok:
        path = inside(out, record.get("output") or "")
        try:
            if path is None:
                raise FileNotFoundError
            data = path.read_bytes()
        except OSError:
            raise ExportError(
                f"{manifest}: the clean text of {source} ({record.get('output')}) is missing from {out}; "
                "run boilerstrip clean again"
            ) from None
        try:
            text, text_sha = data.decode("utf-8"), hashlib.sha256(data).hexdigest()
        except UnicodeDecodeError as err:  # a run writes UTF-8: the file was changed since
            raise ExportError(
                f"{path}: the clean text of {source} is not UTF-8 (byte {err.start}); clean it again"
            ) from None
    extraction = record.get("extraction") or {}
    before, removed = record.get("words_before") or 0, record.get("words_removed") or 0
    return {
        "id": hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()[:16],
        "source": source,
        "url": record.get("url"),
        "site": record.get("site"),
        "warc_record_id": record.get("warc_record_id"),
        "warc_date": record.get("warc_date"),
        "title": _text(extraction.get("title")),
        "author": _text(extraction.get("author")),
        "date": _text(extraction.get("date")),
        "language": record.get("language") or "unknown",
        "language_prob": float(record.get("language_prob") or 0.0),
        "text": text,
        "chars": record.get("chars_after") or 0,
        "words": before - removed,
        "removed_share": removed_share(removed, before),
        "needs_review": bool(record.get("needs_review")),
        "sha256": record.get("sha256"),
        "text_sha256": text_sha,
        "fingerprint": record.get("fingerprint"),
        "error": None if ok else (record.get("error") or record.get("reason") or record.get("status")),
    }


def _text(value: object) -> str | None:
    """A page's title, author or date as the export types it (a string, or null)."""
    return value if isinstance(value, str) else None


def _write_jsonl(handle: IO[bytes], rows: Iterator[dict[str, Any]], compress: bool) -> None:
    # mtime=0 and no file name in the header: the same records give the same bytes. Level 3:
    # on 20k documents 5 s instead of level 6's 9 s (2% of the run, not 4%), files ~7% larger.
    sink = gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0, compresslevel=3) if compress else handle
    chunk: list[str] = []
    size = 0
    for row in rows:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        chunk.append(line)
        size += len(line)
        if size >= CHUNK:
            sink.write("".join(chunk).encode("utf-8"))
            chunk, size = [], 0
    sink.write("".join(chunk).encode("utf-8"))
    if compress:
        sink.close()  # writes the gzip trailer; `handle` stays open


def arrow_schema() -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "float64": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}
    fields = [pa.field(name, types[kind.rstrip("?")], nullable=kind.endswith("?")) for name, kind, _ in FIELDS]
    return pa.schema(fields, metadata={"boilerstrip.export": str(VERSION)})


def _write_parquet(handle: IO[bytes], rows: Iterator[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    with pq.ParquetWriter(handle, schema, compression="zstd") as writer:
        group: list[dict[str, Any]] = []
        size = 0
        for row in rows:
            group.append(row)
            size += len(row["text"] or "")
            if len(group) >= ROW_GROUP or size >= GROUP_BYTES:
                writer.write_table(pa.Table.from_pylist(group, schema=schema))
                group, size = [], 0
        if group:
            writer.write_table(pa.Table.from_pylist(group, schema=schema))
