"""Where the report's pages go: a name per page, a folder of their own, and a new set of
pages swapped in whole (a report killed half-way leaves the old one in place)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from boilerstrip.cleaners.errors import BoilerstripError

from ..outputs import PAGES, ManifestRecord
from .html import CSS, SURROGATE

MARKER = ".boilerstrip-report"
STAGING, OLD = ".report-staging-", ".report-old-"  # + pid: pages being written, pages being replaced
STYLE = "report.css"  # in the pages folder, shared by the pages (no page is named *.css)


class ReportError(BoilerstripError):
    """The output folder cannot be reported on (no manifest, ...)."""


def page_path(source: str, used: set[str]) -> str:
    """report/<source>.html, unless the name cannot be one (too long, not UTF-8, taken)."""
    name = source + ".html"
    parts = name.split("/")
    ok = (
        not SURROGATE.search(name)
        and all(p not in ("", ".", "..") and len(p.encode()) <= 255 for p in parts)
        and name not in used
        and not any("/".join(parts[:i]) in used for i in range(1, len(parts)))
    )
    if not ok:
        name = "_/" + hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()[:20] + ".html"
    used.add(name)
    for i in range(1, len(parts)):
        used.add("/".join(parts[:i]) + "/")  # folders: a later page may not be a file of that name
    return name


def pages_dir(out: Path, records: Iterable[ManifestRecord]) -> str:
    """A folder of our own for the pages: never one that holds the run's outputs."""
    keys = ("output", "diff", "edit_log")
    taken = {r[key].split("/", 1)[0] for r in records for key in keys if r.get(key) and "/" in r[key]}
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
        if any(not (f.endswith(".html") or f in (MARKER, STYLE)) for f in files):
            return False
    return True


def stage(out: Path) -> Path:
    """A new, empty folder of pages (with the stylesheet they share), beside the outputs."""
    staging = out / f"{STAGING}{os.getpid()}"
    staging.mkdir()
    (staging / MARKER).write_text("boilerstrip report pages: this folder is replaced by every report\n")
    (staging / STYLE).write_text(CSS, encoding="utf-8")
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
