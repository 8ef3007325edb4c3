"""Finding inputs, mapping them to outputs, reading them safely, writing atomically.

Discovery streams: one directory is listed at a time (sorted, so every run sees
the same order) and files are yielded as found, so a corpus of millions of files
is never held in memory as a list.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from cleaners.compressed import Corrupt as CorruptInput
from cleaners.compressed import TooLarge as InputTooLarge
from cleaners.compressed import gunzip, is_gzip

from .outputs import TEXT, diff_for, display

SUFFIXES = (".txt", ".html", ".htm")
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Item:
    """One input file: its path relative to the raw folder, and where its outputs go."""

    source: str  # POSIX path relative to the raw folder (undecodable name bytes as surrogates)
    output: str  # POSIX path of the .txt relative to the output folder; always valid UTF-8
    format: str  # text | html | auto (from the suffix; "auto" when the suffix says nothing)
    problem: str | None = None  # why it is refused before reading (a symbolic link, ...)


def output_for(source: str) -> str:
    """raw/a/b.html.gz -> a/b.txt (the clean text; the diff log is a/b.diff). String
    operations, not pathlib, which interns every name it parses (see `discover`)."""
    folder, _, name = source.rpartition("/")
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{folder}/{stem}{TEXT}" if folder else f"{stem}{TEXT}"


def format_for(source: str) -> str:
    name = source.lower().removesuffix(".gz")
    if name.endswith((".html", ".htm")):
        return "html"
    return "text" if name.endswith(".txt") else "auto"


def accepted(name: str) -> bool:
    lower = name.lower().removesuffix(".gz")
    return lower.endswith(SUFFIXES)


def input_root(raw: str | Path) -> Path | str:
    """Where the raw files are: a local folder (also given as a file:// URL) as a Path,
    any other fsspec URL (memory://, s3://, ...) as the URL itself."""
    text = str(raw)
    if "://" not in text:
        return Path(text)
    if text.startswith("file://"):
        return Path(text.removeprefix("file://") or "/")
    return text.rstrip("/")


def output_root(out: str | Path) -> Path:
    """The output folder: a local or shared (NFS, ...) folder, also as a file:// URL. Other
    filesystems are refused: the journal is appended to, and every output is renamed
    into place, which object stores cannot do atomically."""
    text = str(out)
    if text.startswith("file://"):
        return Path(text.removeprefix("file://") or "/")
    if "://" in text:
        raise ValueError(
            f"output {text}: outputs go to a local or shared folder (or a file:// URL); inputs may be any fsspec URL"
        )
    return Path(text)


def per_process(root: Path | str) -> bool:
    """Inputs only this process can see (fsspec's memory://): no worker processes."""
    return isinstance(root, str) and root.startswith("memory://")


def input_path(raw_dir: str, source: str) -> Path | str:
    root = input_root(raw_dir)
    if not isinstance(root, Path):
        return f"{root}/{source}"
    if root.name == source and root.is_file():  # RAW is one file
        return root
    return root / source


def input_problem(raw_dir: str | Path) -> str | None:
    """Why `raw_dir` cannot be read as the input of a run: a folder, or one file of an
    accepted kind (a user cleaning one article should not need a folder for it)."""
    root = input_root(raw_dir)
    if not isinstance(root, Path):
        import fsspec

        fs, path = fsspec.core.url_to_fs(root)
        return None if fs.isdir(path) else f"input folder {root} does not exist"
    if root.is_dir():
        return None
    if root.is_file():
        if accepted(root.name):
            return None
        return f"{root} is not a .txt, .html or .htm file (optionally .gz); give one, or a folder"
    return f"input {root} does not exist"


def paths_problem(raw: Path | str, out: Path) -> str | None:
    """Why a run from `raw` into `out` must not start: a missing input, or outputs that
    would land among the inputs (OUT inside RAW) or overwrite the one input file."""
    problem = input_problem(raw)
    if problem or not isinstance(raw, Path):
        return problem
    raw_abs, out_abs = raw.resolve(), out.resolve()
    if raw_abs.is_file():
        output = output_for(display(os.fsdecode(raw.name)))
        if raw_abs in (out_abs / output, out_abs / diff_for(output)):
            return f"the output of {raw} would overwrite it; choose another --out"
        return None
    if out_abs == raw_abs or raw_abs in out_abs.parents:
        return f"output folder {out} must not be inside the input folder {raw}"
    return None


def output_problem(out: Path) -> str | None:
    """Why a run could not write into `out`, found before any work starts and without
    leaving a trace: a file is made and removed in `out`, or, when it does not exist yet,
    a folder in its nearest existing parent (where the run would make it)."""
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder"
    try:
        if existing == out:
            fd, probe = tempfile.mkstemp(dir=out, prefix=".boilerstrip-probe-")
            os.close(fd)
            os.unlink(probe)
        else:
            os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".boilerstrip-probe-"))
    except OSError as err:
        return err.strerror or str(err)
    return None


def discover(root: Path | str) -> Iterator[Item]:
    """Every accepted file under `root`, depth first, names sorted within a folder.

    Symbolic links are not followed (a link could lead out of the input folder or into
    a loop) but reported, as are folders that cannot be listed. Hidden files and
    folders (".git", editor swap files) are skipped.
    """
    root = input_root(root)
    if isinstance(root, str):
        yield from _discover_url(root)
        return
    if root.is_file():  # one file given as the input
        if accepted(root.name):
            name = os.fsdecode(root.name)
            yield Item(name, output_for(display(name)), format_for(name))
        return
    # Plain strings, not Path objects, per entry: CPython 3.11's pathlib interns every name
    # it parses, so the interpreter's table of interned strings (and its resizes) would
    # grow with the corpus; slicing off the root's prefix is also several times faster.
    top = str(root)
    prefix = os.path.join(top, "")
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                names = sorted(entries, key=lambda e: e.name)
        except OSError as err:
            rel = _posix(folder[len(prefix) :]) if folder != top else "."
            yield Item(rel, rel, "auto", problem=f"cannot list folder: {err.strerror or err}")
            continue
        subfolders = []
        for entry in names:
            if entry.name.startswith("."):
                continue
            rel = _posix(entry.path[len(prefix) :])
            if entry.is_symlink():
                if entry.is_dir() or accepted(entry.name):
                    yield Item(rel, output_for(display(rel)), format_for(rel), problem="symbolic link: not followed")
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append(entry.path)
            elif entry.is_file(follow_symlinks=False) and accepted(entry.name):
                yield Item(rel, output_for(display(rel)), format_for(rel))
        stack.extend(reversed(subfolders))


def _posix(relative: str) -> str:
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def _discover_url(url: str) -> Iterator[Item]:
    """`discover` on an fsspec filesystem: the same order and rules (object stores have
    no symbolic links)."""
    import fsspec

    fs, top = fsspec.core.url_to_fs(url)
    top = top.rstrip("/")
    stack = [top]
    while stack:
        folder = stack.pop()
        rel_folder = folder[len(top) :].strip("/")
        try:
            entries = fs.ls(folder, detail=True)
        except OSError as err:
            yield Item(rel_folder, rel_folder, "auto", problem=f"cannot list folder: {err.strerror or err}")
            continue
        subfolders = []
        for entry in sorted(entries, key=lambda e: e["name"].rstrip("/").rsplit("/", 1)[-1]):
            name = entry["name"].rstrip("/").rsplit("/", 1)[-1]
            if name.startswith(".") or entry["name"].rstrip("/") == folder:
                continue
            rel = f"{rel_folder}/{name}" if rel_folder else name
            if entry["type"] == "directory":
                subfolders.append(f"{folder}/{name}")
            elif accepted(name):
                yield Item(rel, output_for(rel), format_for(rel))
        stack.extend(reversed(subfolders))


def read_input(path: Path | str, limit: int) -> bytes:
    """The file's bytes, decompressed when they are gzip (by their magic bytes, whatever
    the name; every member of a multi-member file); refuse anything beyond `limit`
    bytes before it is all in memory (a gzip bomb stops at the limit). A `.gz` name on
    bytes that are not gzip is an error, not text. `path` may be an fsspec URL."""
    if isinstance(path, str):
        import fsspec

        with fsspec.open(path, "rb") as handle:
            return _read_limited(handle, path.lower().endswith(".gz"), limit)
    with open(path, "rb") as handle:
        return _read_limited(handle, path.name.lower().endswith(".gz"), limit)


def _read_limited(handle, named_gz: bool, limit: int) -> bytes:
    head = handle.read(min(CHUNK, limit + 1))
    if is_gzip(head):
        return gunzip(chain([head], iter(lambda: handle.read(CHUNK), b"")), limit)
    if named_gz and head:
        raise CorruptInput("not gzip data, though the name ends in .gz")
    data = head + handle.read(limit + 1 - len(head)) if len(head) <= limit else head
    if len(data) > limit:
        raise InputTooLarge(f"file is larger than the {limit // (1024 * 1024)} MB limit")
    return data


TMP_DIR = ".boilerstrip-tmp"
"""Temporary files live here, inside the output folder (so the final rename is atomic,
on one filesystem) but never beside the outputs: a run killed mid-write leaves no
stray file among them, and the next run empties this folder first."""


def reset_tmp(out_dir: Path) -> Path:
    tmp = out_dir / TMP_DIR
    if tmp.is_dir() and not tmp.is_symlink():
        for leftover in tmp.iterdir():
            leftover.unlink(missing_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    return tmp


class OutsideOutput(ValueError):
    """A path that would land outside the output folder (a symlink inside it, ...)."""


def contained(out_dir: Path, path: Path, cache: dict | None = None) -> Path:
    """`path`, after checking that writing it cannot leave `out_dir`: its folder,
    symlinks resolved, must be the output folder or inside it. `cache` (one per batch)
    keeps the verdict per folder: resolving costs a system call per path component."""
    verdict = cache.get(path.parent) if cache is not None else None
    if verdict is None:
        root = out_dir.resolve()
        folder = path.parent.resolve()
        verdict = folder == root or root in folder.parents
        if cache is not None:
            cache[path.parent] = verdict
    if not verdict:
        raise OutsideOutput(f"{display(str(path))} would be written outside {out_dir}")
    if path.is_symlink():
        raise OutsideOutput(f"{display(str(path))} is a symbolic link; not overwritten")
    return path


def write_atomic(path: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    """Write to a temporary file, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    where = tmp_dir if tmp_dir is not None else path.parent
    fd, tmp = tempfile.mkstemp(dir=where, prefix=".part.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AtomicWriter:
    """`write_atomic` for the many files of a batch, with the waits for the disk taken off
    the cleaning: each file is written under a temporary name at once, then a thread
    syncs it and renames it into place while the next document is cleaned. `close()`
    waits for every file and raises the first error (the batch then fails and is
    retried). The guarantee is write_atomic's: a final name only ever holds a whole file."""

    def __init__(self, tmp_dir: Path, threads: int = 2) -> None:
        self.tmp_dir = tmp_dir
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="boilerstrip-sync")
        self.pending: list[Future] = []
        self.made: set[Path] = set()  # folders made for this batch
        self.verdicts: dict = {}  # contained()'s verdicts, for this batch

    def write(self, path: Path, data: bytes) -> None:
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        fd, tmp = tempfile.mkstemp(dir=self.tmp_dir, prefix=".part.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
        except BaseException:
            os.close(fd)
            Path(tmp).unlink(missing_ok=True)
            raise
        self.pending.append(self.pool.submit(_sync_and_rename, fd, tmp, path))

    def close(self) -> None:
        try:
            for future in self.pending:
                future.result()
        finally:
            self.pool.shutdown(wait=True)
            self.pending = []


def _sync_and_rename(fd: int, tmp: str, path: Path) -> None:
    try:
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd != -1:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
