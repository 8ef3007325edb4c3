"""Where the report's pages go: a folder of their own (the document page, its stylesheet,
the documents' data files), and a new set swapped in whole (a report killed half-way
leaves the old one in place)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from boilerstrip.cleaners.errors import BoilerstripError

from ..outputs import PAGES, ManifestRecord
from .html import CSS, document_page

MARKER = ".boilerstrip-report"
STAGING, OLD = ".report-staging-", ".report-old-"  # + pid: pages being written, pages being replaced
STYLE = "report.css"  # in the pages folder: the document page's stylesheet
SHELL = "document.html"  # in the pages folder: the page that shows any document (`?n=` its place in the manifest)
DATA = "data"  # in the pages folder: the documents' views, CHUNK to a file (`chunk_path`)
CHUNK = 100  # documents a data file holds: a page loads one; a worker process renders one at a time


class ReportError(BoilerstripError):
    """The output folder cannot be reported on (no manifest, ...)."""


def chunk_path(number: int) -> str:
    """The data file of the chunk `number` of documents (in manifest order), in the pages folder."""
    return f"{DATA}/{number}.js"


def top_folders(record: ManifestRecord) -> set[str]:
    """The folders at the top of OUT that hold the record's outputs (not for the pages)."""
    return {record[key].split("/", 1)[0] for key in ("output", "diff", "edit_log") if "/" in (record.get(key) or "")}


def pages_dir(out: Path, taken: set[str]) -> str:
    """A folder of our own for the pages: never one that holds the run's outputs (`taken`:
    the records' `top_folders`)."""
    for name in (PAGES, *(f"{PAGES}-pages-{n}" for n in range(1, 100))):
        if name in taken:
            continue
        path = out / name
        if not path.exists() or (not path.is_symlink() and (path / MARKER).is_file()):
            return name
    raise ReportError(f"no free folder name for the report pages in {out}")


def sweep(out: Path) -> None:
    """Remove what a report killed half-way left behind (its staging or old pages)."""
    for entry in out.iterdir():
        if entry.name.startswith((STAGING, OLD)) and entry.is_dir() and not entry.is_symlink() and ours(entry):
            shutil.rmtree(entry)


def ours(folder: Path) -> bool:
    """Only a folder of report pages (and nothing else) may be replaced."""
    for _, _, files in os.walk(folder):
        if any(not (f.endswith((".html", ".js")) or f in (MARKER, STYLE)) for f in files):
            return False
    return True


def stage(out: Path) -> Path:
    """A new folder of pages: the document page and its stylesheet, an empty data folder."""
    staging = out / f"{STAGING}{os.getpid()}"
    staging.mkdir()
    (staging / MARKER).write_text("boilerstrip report pages: this folder is replaced by every report\n")
    (staging / STYLE).write_text(CSS, encoding="utf-8")
    (staging / SHELL).write_text(document_page(CHUNK), encoding="utf-8")
    (staging / DATA).mkdir()
    return staging


def publish(out: Path, staging: Path, pages: str) -> None:
    """Put the staged pages in place of the old ones (never in place of anything else)."""
    old = out / f"{OLD}{os.getpid()}"
    final = out / pages
    if final.exists():
        if not ours(final):
            raise ReportError(f"{final} holds files that are not report pages; not replacing it")
        os.replace(final, old)
    os.replace(staging, final)
    if old.exists():
        shutil.rmtree(old)
