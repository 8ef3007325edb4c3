"""The outputs of a run: the output folder, checked before work starts, and atomic
writes into it (a final name only ever holds a whole file)."""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from boilerstrip.cleaners.errors import BoilerstripError

from .outputs import display


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
            fd, probe = _probe_file(out)
            try:  # a block of data: a full disk or quota still lets an empty file be made
                os.write(fd, bytes(PROBE))
                os.fsync(fd)
            finally:
                os.close(fd)
                if probe is not None:
                    os.unlink(probe)
        else:
            os.rmdir(tempfile.mkdtemp(dir=existing, prefix=".boilerstrip-probe-"))
        space = os.statvfs(existing)
    except OSError as err:
        return err.strerror or str(err)
    if space.f_bavail == 0:
        return "no space left on device"
    return None


PROBE = 4096


def _probe_file(out: Path) -> tuple[int, str | None]:
    """A file to write the probe to: unnamed where Linux can make one (O_TMPFILE), so that a
    run killed while probing leaves nothing in OUT; else a named one, removed after."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag:
        try:
            return os.open(out, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600), None
        except OSError as err:
            if err.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
                raise
    return tempfile.mkstemp(dir=out, prefix=".boilerstrip-probe-")


DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
"""Errors of the output folder as a whole, not of one name: the run stops on them."""


class OutputFull(BoilerstripError, RuntimeError):
    """The output folder took no more writes (full, over quota, read-only): the run stopped;
    what it wrote is kept and journaled, and the next run resumes from there."""


def disk_error(err: BaseException | None) -> OSError | None:
    """`err`, or what caused it, when it is an error of the whole output folder."""
    while err is not None:
        if isinstance(err, OSError) and err.errno in DISK_ERRORS:
            return err
        err = err.__cause__ or err.__context__
    return None


def stopped(out: Path, err: OSError, done: int) -> OutputFull:
    return OutputFull(
        f"run stopped: output folder {out}: {err.strerror or err}; {done} file(s) were done and recorded, and what "
        "was written is kept: make room (or make it writable) and run again to resume"
    )


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


class OutsideOutput(BoilerstripError, ValueError):
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


def temporary(folder: Path) -> tuple[int, str]:
    """A new file for writing in `folder`, under a name no one else uses. Unlike
    `tempfile.mkstemp` (always 0600), it is created 0666 less the umask, as `open` would:
    outputs are for downstream tools and other users, and a rename keeps the mode."""
    while True:
        name = os.path.join(folder, f".part.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), name
        except FileExistsError:
            continue


@contextmanager
def atomic_file(path: Path, tmp_dir: Path | None = None) -> Iterator[BinaryIO]:
    """A file written under a temporary name, synced and renamed to `path` when the block
    ends, removed when it fails: readers never see half a file, however it is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _renamed(path, tmp_dir if tmp_dir is not None else path.parent, sync=True) as handle:
        yield handle


@contextmanager
def _renamed(path: Path, tmp_dir: Path, *, sync: bool) -> Iterator[BinaryIO]:
    """A new file in `tmp_dir`, renamed to `path` (synced first with `sync`) when the block
    ends, removed when it fails; `path`'s folder must exist."""
    fd, tmp = temporary(tmp_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    """Write to a temporary file, then rename: readers never see half a file."""
    with atomic_file(path, tmp_dir) as handle:
        handle.write(data)


class AtomicWriter:
    """`write_atomic` for the many files of a batch, made durable together. Each file is
    written under a temporary name and renamed into place at once, so a final name only
    ever holds a whole file, even in a run that is killed; `close()` then syncs the output
    folder's file system once (`sync_file_system`), and raises if that fails. The batch's
    records reach the journal only after `close()`, so a record never names an output
    that a power cut could still take back. One sync per batch in place of an fsync per
    file: see docs/benchmarks.md, "Durability"."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.made: set[Path] = set()  # folders made for this batch
        self.verdicts: dict = {}  # contained()'s verdicts, for this batch
        self.written = 0  # files since the last sync

    def folder(self, folder: Path) -> None:
        """Make an output's folder (once per batch)."""
        if folder not in self.made:
            folder.mkdir(parents=True, exist_ok=True)
            self.made.add(folder)

    def write(self, path: Path, data: bytes) -> None:
        self.folder(path.parent)
        with _renamed(path, self.tmp_dir, sync=False) as handle:  # the batch is synced at close()
            handle.write(data)
        self.written += 1

    def close(self) -> None:
        if self.written:
            sync_file_system(self.tmp_dir)
            self.written = 0


def _libc_syncfs():
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # not Linux
        return None


_SYNCFS = _libc_syncfs()


def sync_file_system(folder: Path) -> None:
    """Put everything written to `folder`'s file system on disk, and its renames: Linux's
    syncfs(2), one call however many files (elsewhere sync(2)). It also waits for other
    processes' writes to that file system, which an fsync on ext4 does as well."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if _SYNCFS is None:
            os.sync()
        elif _SYNCFS(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(folder))
    finally:
        os.close(fd)
