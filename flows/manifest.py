"""The manifest (`manifest.jsonl`, one record per input) and the run summary.

While a run goes, each finished batch is appended to `manifest.journal.jsonl`;
at the end the journal becomes the new manifest in one atomic rename. A run that
is killed leaves the journal behind, and the next run reads it as well as the old
manifest, so finished work is not redone.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .files import write_atomic
from .work import STATUS_CLEANED, STATUS_FAILED, STATUS_SKIPPED, record_line

MANIFEST = "manifest.jsonl"
JOURNAL = "manifest.journal.jsonl"
SUMMARY = "run-summary.md"
SETTINGS = "effective-config.toml"


def load_previous(out_dir: Path) -> dict[str, dict]:
    """source -> last known record, from the manifest and then any unfinished journal."""
    known: dict[str, dict] = {}
    for name in (MANIFEST, JOURNAL):
        path = out_dir / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
                if record.get("status") != STATUS_FAILED:
                    known[record["source"]] = record
    return known


class Journal:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir / JOURNAL
        out_dir.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "w", encoding="utf-8")

    def append(self, records: list[dict]) -> None:
        self.handle.write("".join(record_line(r) for r in records))
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def finish(self) -> Path:
        self.handle.close()
        manifest = self.out_dir / MANIFEST
        os.replace(self.path, manifest)
        return manifest


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
    flagged: list[tuple[str, str]] = field(default_factory=list)

    def add(self, records: list[dict]) -> None:
        for r in records:
            self.files += 1
            self.status[r["status"]] += 1
            if r["status"] == STATUS_FAILED:
                self.failed.append((r["source"], r.get("error") or ""))
                continue
            self.languages[r.get("language", "unknown")] += 1
            self.chars_before += r.get("chars_before", 0)
            self.chars_after += r.get("chars_after", 0)
            self.words_removed += r.get("words_removed", 0)
            if r["status"] == STATUS_CLEANED:
                self.edits.update(r.get("edits", {}))
            if r.get("needs_review"):
                self.flagged.append((r["source"], r.get("review_reason", "")))

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
            "| files | cleaned | skipped (unchanged) | failed | flagged for review |",
            "|---:|---:|---:|---:|---:|",
            f"| {self.files} | {s[STATUS_CLEANED]} | {s[STATUS_SKIPPED]} | {s[STATUS_FAILED]} | {len(self.flagged)} |",
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
        if self.flagged:
            lines += ["", "## Flagged for review", "", "| file | reason |", "|---|---|"]
            lines += [f"| `{_cell(src)}` | {_cell(why)} |" for src, why in self.flagged]
        return "\n".join(lines) + "\n"

    def write(self, out_dir: Path, raw_dir: str, seconds: float) -> str:
        text = self.markdown(raw_dir, str(out_dir), seconds)
        write_atomic(out_dir / SUMMARY, text.encode("utf-8"))
        return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
