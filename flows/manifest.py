"""The manifest (`manifest.jsonl`, one record per input) and the run summary.

While a run goes, each finished batch is appended to `manifest.journal.jsonl`;
at the end the journal becomes the new manifest in one atomic rename, and is
removed when the run's summary and report are written too. A run that is killed
leaves the journal behind; the next run moves it to
`manifest.resumed.jsonl` and reads it as well as the old manifest, so finished
work is not redone (and is reported as done by this run).
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .files import temporary, write_atomic
from .outputs import JOURNAL, MANIFEST, RESUMED, SUMMARY, ManifestRecord, Status, record_line


class Previous:
    """What earlier runs recorded, by source, without holding the records in memory:
    each source maps to where its line is (file, offset), read back when needed. Lines
    from a journal are work an interrupted run already did *for this run*: they keep
    their status, so a resumed run ends with the manifest an uninterrupted one writes."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._where: dict[str, tuple[str, int]] = {}
        self._archives: dict[str, list[str]] = {}  # a web archive -> the sources of its documents
        _keep_interrupted_work(out_dir)
        for name in (MANIFEST, RESUMED):
            path = out_dir / name
            if not path.exists():
                continue
            with open(path, "rb") as handle:
                offset = 0
                for line in handle:
                    try:
                        record = json.loads(line)
                        source, status, archive = record["source"], record.get("status"), record.get("archive")
                    except (ValueError, KeyError, TypeError, AttributeError):
                        source, status, archive = None, None, None  # a line cut short by a crash
                    if source is not None and status != Status.FAILED:
                        if source not in self._where and isinstance(archive, str):
                            self._archives.setdefault(archive, []).append(source)
                        self._where[source] = (name, offset)
                    offset += len(line)

    def __len__(self) -> int:
        return len(self._where)

    def get(self, source: str) -> ManifestRecord | None:
        where = self._where.get(source)
        return None if where is None else recorded(self.out_dir, where)

    def documents(self, archive: str) -> dict[str, tuple[str, int]]:
        """Where the records of a web archive's documents are, by source (`recorded` reads
        one): the places, not the records, travel with the archive's task."""
        return {source: self._where[source] for source in self._archives.get(archive, ())}


def recorded(out_dir: Path, where: tuple[str, int]) -> ManifestRecord:
    """The record at `where` (a manifest file of `out_dir` and an offset), as `Previous` found it."""
    name, offset = where
    with open(out_dir / name, "rb") as handle:
        handle.seek(offset)
        record = json.loads(handle.readline())
    record["_resumed"] = name == RESUMED
    return record


def _keep_interrupted_work(out_dir: Path) -> None:
    """Append a killed run's journal to the resumed records (streaming), then drop it:
    the new run's journal starts empty."""
    journal = out_dir / JOURNAL
    if not journal.exists():
        return
    with open(journal, "rb") as source, open(out_dir / RESUMED, "ab") as target:
        for line in source:
            if line.endswith(b"\n"):  # a line cut short by the kill is not kept
                target.write(line)
        target.flush()
        os.fsync(target.fileno())
    journal.unlink()


class Journal:
    def __init__(self, out_dir: Path) -> None:
        """Start a journal; call after `Previous` has read the last one."""
        self.out_dir = out_dir
        self.path = out_dir / JOURNAL
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)  # (--force) may be a hard link to the manifest: never truncate that
        self.handle = open(self.path, "w", encoding="utf-8")

    def append(self, lines: str, spool: str | None = None) -> None:
        """A batch's manifest lines, then those it spooled to a file (`Outcome.of`), in one
        fsync; the spool file is removed once they are safe."""
        self.handle.write(lines)
        if spool is not None:
            self.handle.flush()
            with open(spool, encoding="utf-8") as rest:
                shutil.copyfileobj(rest, self.handle, 1 << 20)
        self.handle.flush()
        os.fsync(self.handle.fileno())
        if spool is not None:
            os.unlink(spool)

    def finish(self) -> Path:
        """Publish the journal as the new manifest. The journal stays until `close`:
        a run killed after this (writing its summary or report) is resumed as one
        that did all its work, so the next run ends as an uninterrupted one would."""
        self.handle.close()
        manifest = self.out_dir / MANIFEST
        staged = self.out_dir / (MANIFEST + ".new")
        staged.unlink(missing_ok=True)
        try:
            os.link(self.path, staged)
        except OSError:  # a filesystem without hard links
            shutil.copyfile(self.path, staged)
        os.replace(staged, manifest)
        return manifest

    def close(self) -> None:
        """The run is over: nothing is left to resume."""
        self.path.unlink(missing_ok=True)
        (self.out_dir / RESUMED).unlink(missing_ok=True)


@dataclass
class Summary:
    """Totals of one run, built batch by batch (never all records at once)."""

    files: int = 0
    status: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    edits: Counter = field(default_factory=Counter)
    chars_before: int = 0
    chars_after: int = 0
    words_removed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    empty: list[tuple[str, str]] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)
    archives: Counter = field(default_factory=Counter)  # web archives read: records, documents, skipped by kind

    def add(self, records: Iterable[ManifestRecord]) -> None:
        for r in records:
            self.files += 1
            self.status[r["status"]] += 1
            if r["status"] == Status.FAILED:
                self.failed.append((r["source"], r.get("error") or ""))
                continue
            if r["status"] == Status.EMPTY:
                self.empty.append((r["source"], r.get("reason") or ""))
                continue
            self.languages[r.get("language", "unknown")] += 1
            self.chars_before += r.get("chars_before", 0)
            self.chars_after += r.get("chars_after", 0)
            self.words_removed += r.get("words_removed", 0)
            if r["status"] == Status.CLEANED:
                self.edits.update(r.get("edits", {}))
            if r.get("needs_review"):
                self.flagged.append((r["source"], r.get("review_reason", "")))

    def merge(self, other: Summary) -> None:
        """Add the totals of a later batch (lists keep the batches' order)."""
        self.files += other.files
        self.status.update(other.status)
        self.languages.update(other.languages)
        self.edits.update(other.edits)
        self.chars_before += other.chars_before
        self.chars_after += other.chars_after
        self.words_removed += other.words_removed
        self.failed += other.failed
        self.empty += other.empty
        self.flagged += other.flagged
        self.archives.update(other.archives)

    def table(self) -> list[dict]:
        """Edits per cleaner in this run, for a Prefect table artifact."""
        return [{"cleaner": name, "edits": count} for name, count in sorted(self.edits.items())]

    def markdown(self, raw_dir: str, out_dir: str, seconds: float) -> str:
        s = self.status
        lines = [
            "# boilerstrip run summary",
            "",
            f"`{raw_dir}` → `{out_dir}` in {seconds:.1f} s",
            "",
            "| files | cleaned | skipped (unchanged) | skipped (empty) | failed | flagged for review |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {self.files} | {s[Status.CLEANED]} | {s[Status.SKIPPED]} | {s[Status.EMPTY]} | {s[Status.FAILED]} "
            f"| {len(self.flagged)} |",
            "",
            f"Characters {self.chars_before:,} → {self.chars_after:,}; words removed: {self.words_removed:,}.",
            "",
            "## Edits per cleaner (files cleaned in this run)",
            "",
            "| cleaner | edits |",
            "|---|---:|",
            *[f"| `{name}` | {count} |" for name, count in sorted(self.edits.items())],
            "",
            "## Languages",
            "",
            "| language | files |",
            "|---|---:|",
            *[f"| {lang} | {count} |" for lang, count in sorted(self.languages.items())],
        ]
        lines += self._archive_lines()
        if self.failed:
            lines += ["", "## Failed", "", "| file | error |", "|---|---|"]
            lines += [f"| `{_cell(src)}` | {_cell(err)} |" for src, err in self.failed]
        if self.empty:
            lines += ["", "## Skipped: empty", "", "| file | why |", "|---|---|"]
            lines += [f"| `{_cell(src)}` | {_cell(why)} |" for src, why in self.empty]
        if self.flagged:
            lines += ["", "## Flagged for review", "", "| file | reason |", "|---|---|"]
            lines += [f"| `{_cell(src)}` | {_cell(why)} |" for src, why in self.flagged]
        return "\n".join(lines) + "\n"

    def _archive_lines(self) -> list[str]:
        """What the web archives held: documents are counted above with the files."""
        a = self.archives
        if not a:
            return []
        skipped = sorted((kind.removeprefix("skipped: "), n) for kind, n in a.items() if kind.startswith("skipped: "))
        lines = [
            "",
            "## Web archives",
            "",
            f"{_count(a['archives'], 'archive')}, {_count(a['records'], 'record')} read whole: "
            f"{_count(a['documents'], 'document')} (counted above), "
            f"{_count(sum(n for _, n in skipped), 'record')} skipped.",
        ]
        if skipped:
            lines += ["", "| records skipped | count |", "|---|---:|"]
            lines += [f"| {_cell(kind)} | {n:,} |" for kind, n in skipped]
        return lines

    def write(self, out_dir: Path, raw_dir: str, seconds: float, tmp_dir: Path | None = None) -> str:
        text = self.markdown(raw_dir, str(out_dir), seconds)
        write_atomic(out_dir / SUMMARY, text.encode("utf-8"), tmp_dir)
        return text


KEEP = 2000
"""Manifest lines an `Outcome` holds in memory; a batch with more (a web archive's
documents) spools the rest to a file beside the outputs."""


@dataclass
class Outcome:
    """What a batch sends back to the flow: its manifest lines and its totals. Small on
    purpose (no texts): it travels from a worker process or a Dask worker. Lines past
    `KEEP` are in the file `spool` (in the output folder, which every worker writes to),
    after `lines`: a web archive of 100,000 documents must not travel as 150 MB."""

    lines: str = ""
    summary: Summary = field(default_factory=Summary)
    spool: str | None = None

    @classmethod
    def of(cls, records: Iterable[ManifestRecord], spool_dir: Path | None = None) -> Outcome:
        """From records as they come, each dropped once counted; past `KEEP` lines, the rest
        go to a new file in `spool_dir` (when given)."""
        summary = Summary()
        lines: list[str] = []
        spool, spooled = None, None
        try:
            for record in records:
                summary.add((record,))
                if spool is not None:
                    spool.write(record_line(record))
                    continue
                lines.append(record_line(record))
                if len(lines) >= KEEP and spool_dir is not None:
                    fd, spooled = temporary(spool_dir)
                    spool = os.fdopen(fd, "w", encoding="utf-8")
        finally:
            if spool is not None:
                spool.close()
        return cls("".join(lines), summary, spooled)

    def then(self, later: Outcome) -> Outcome:
        """This outcome's lines, then `later`'s (only the later one may have spooled)."""
        if self.spool is not None:
            raise ValueError("an outcome that spooled its lines must come last")
        merged = Summary()
        merged.merge(self.summary)
        merged.merge(later.summary)
        return Outcome(self.lines + later.lines, merged, later.spool)


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
