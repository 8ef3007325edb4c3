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
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_atomic
from .outputs import JOURNAL, MANIFEST, RESUMED, SUMMARY, ManifestRecord, Status, record_line


class Previous:
    """What earlier runs recorded, by source, without holding the records in memory:
    each source maps to where its line is (file, offset), read back when needed. Lines
    from a journal are work an interrupted run already did *for this run*: they keep
    their status, so a resumed run ends with the manifest an uninterrupted one writes."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._where: dict[str, tuple[str, int]] = {}
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
                        source, status = record["source"], record.get("status")
                    except (ValueError, KeyError, TypeError):
                        source, status = None, None  # a line cut short by a crash
                    if source is not None and status != Status.FAILED:
                        self._where[source] = (name, offset)
                    offset += len(line)

    def __len__(self) -> int:
        return len(self._where)

    def get(self, source: str) -> ManifestRecord | None:
        where = self._where.get(source)
        if where is None:
            return None
        name, offset = where
        with open(self.out_dir / name, "rb") as handle:
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

    def append(self, lines: str) -> None:
        """A batch's manifest lines, in one write (and one fsync)."""
        self.handle.write(lines)
        self.handle.flush()
        os.fsync(self.handle.fileno())

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

    def add(self, records: list[ManifestRecord]) -> None:
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

    def write(self, out_dir: Path, raw_dir: str, seconds: float, tmp_dir: Path | None = None) -> str:
        text = self.markdown(raw_dir, str(out_dir), seconds)
        write_atomic(out_dir / SUMMARY, text.encode("utf-8"), tmp_dir)
        return text


@dataclass
class Outcome:
    """What a batch sends back to the flow: its manifest lines and its totals. Small on
    purpose (no texts): it travels from a worker process or a Dask worker."""

    lines: str = ""
    summary: Summary = field(default_factory=Summary)

    @classmethod
    def of(cls, records: list[ManifestRecord]) -> Outcome:
        summary = Summary()
        summary.add(records)
        return cls("".join(record_line(r) for r in records), summary)

    def then(self, later: Outcome) -> Outcome:
        merged = Summary()
        merged.merge(self.summary)
        merged.merge(later.summary)
        return Outcome(self.lines + later.lines, merged)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
