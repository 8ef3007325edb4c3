"""Corpus statistics for `remove_repeated_lines`, as a map and a reduce.

Map (per batch, on any worker): for each document, the hashes of its candidate lines
(`cleaners.pipeline.repeated_line_hashes`), counted once per document, per site.
Reduce (in the flow): add the batches' counts. Memory grows with the number of distinct
candidate lines per site, never with the number of documents; the batches travel as
counters of 64-bit hashes. The thresholds and the verdict are the cleaner's
(`cleaners.repeated.select`); this module only counts.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from boilerstrip.cleaners.model import SiteRepeats
from boilerstrip.cleaners.pipeline import repeated_line_hashes
from boilerstrip.cleaners.steps.repeated import select

from .archives import Damaged, Tally
from .files import write_atomic
from .outputs import STATISTICS
from .work import Job, Task, archive_documents, format_of, group_of, refusal


@dataclass
class LineCounts:
    """Per site: how many documents, and in how many of them each line hash occurs."""

    documents: Counter = field(default_factory=Counter)
    lines: dict[str, Counter] = field(default_factory=dict)

    def add(self, site: str, hashes: set[int]) -> None:
        self.documents[site] += 1
        self.lines.setdefault(site, Counter()).update(hashes)

    def merge(self, other: LineCounts) -> None:
        self.documents.update(other.documents)
        for site, counts in other.lines.items():
            self.lines.setdefault(site, Counter()).update(counts)

    def distinct(self) -> int:
        return sum(len(counts) for counts in self.lines.values())

    def select(self, config) -> dict[str, SiteRepeats]:
        return {
            site: select(site, documents, self.lines.get(site, Counter()).items(), config)
            for site, documents in sorted(self.documents.items())
        }


def count_batch(job: Job, tasks: list[Task]) -> LineCounts:
    """The map step for one batch. A file that cannot be read is left out here; the
    cleaning pass records why. A web archive's documents count each under its url's site."""
    counts = LineCounts()
    for task in tasks:
        item = task.item
        if item.problem:
            continue
        if item.format == "archive":
            _count_archive(job, task, counts)
            continue
        try:
            raw = job.raw.read(item.source, job.max_input_bytes)
        except (OSError, ValueError, EOFError):
            continue
        _count(job, task, raw, format_of(job, item), counts)
    return counts


def _count_archive(job: Job, task: Task, counts: LineCounts) -> None:
    try:
        for member_task, member in archive_documents(job, task, Tally()):
            if member.body is not None:
                _count(job, member_task, member.body, member.format, counts)
    except (Damaged, OSError, ValueError, EOFError):  # the documents before the damage are counted
        pass


def _count(job: Job, task: Task, raw: bytes, format: str, counts: LineCounts) -> None:
    if refusal(raw):
        return
    try:
        hashes = repeated_line_hashes(raw, config=job.config, format=format)
    except Exception:  # cleaning will fail on it too, and say why
        return
    counts.add(group_of(task, job.site_depth), hashes)


def write_statistics(out: Path, counts: LineCounts, table: dict[str, SiteRepeats], tmp: Path) -> None:
    """What the statistics decided, per site, for people auditing a run: documents,
    distinct candidate lines counted, and the repeated lines (hash -> documents)."""
    data = {
        site: {
            "documents": repeats.documents,
            "distinct_lines": len(counts.lines.get(site, ())),
            "repeated": {f"{h:016x}": n for h, n in repeats.lines.items()},
        }
        for site, repeats in table.items()
    }
    write_atomic(out / STATISTICS, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"), tmp)
