"""The input of a run: one folder (local, shared, or an fsspec URL) or one file.

`InputRoot` is the one type for it, made once from what the user typed and passed
everywhere (the flow, its batches, worker processes, Dask workers): it discovers the
files, says where each one is and reads it.

Discovery streams: one directory is listed at a time (sorted, so every run sees the
same order) and files are yielded as found, so a corpus of millions of files is never
held in memory as a list. It works on plain strings: CPython 3.11's pathlib interns
every name it parses, which made memory grow with the corpus.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from boilerstrip.cleaners.input.compressed import Corrupt as CorruptInput
from boilerstrip.cleaners.input.compressed import TooLarge as InputTooLarge
from boilerstrip.cleaners.input.compressed import gunzip, is_gzip

from . import archives
from .outputs import TEXT, display, safe_output

SUFFIXES = (".txt", ".html", ".htm")
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Item:
    """One input file: its path relative to the raw folder, and where its outputs go."""

    source: str  # POSIX path relative to the raw folder (undecodable name bytes as surrogates)
    output: str  # POSIX path of the .txt relative to the output folder; always valid UTF-8
    format: str  # text | html | auto (from the suffix; "auto" when the suffix says nothing) | archive
    problem: str | None = None  # why it is refused before reading (a symbolic link, ...)


def output_for(source: str) -> str:
    """raw/a/b.html.gz -> a/b.txt (the clean text; the diff log is a/b.diff), made safe
    by `safe_output`; a web archive's is the folder its documents go to (raw/a/c.warc.gz ->
    a/c.warc). String operations, not pathlib, which interns every name it parses (see `discover`)."""
    if archives.is_archive(source):
        return safe_output(source.removesuffix(".gz").removesuffix(".GZ")).removesuffix(TEXT)
    folder, _, name = source.rpartition("/")
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return safe_output(f"{folder}/{stem}{TEXT}" if folder else f"{stem}{TEXT}")


def format_for(source: str) -> str:
    if archives.is_archive(source):
        return "archive"
    name = source.lower().removesuffix(".gz")
    if name.endswith((".html", ".htm")):
        return "html"
    return "text" if name.endswith(".txt") else "auto"


def accepted(name: str) -> bool:
    lower = name.lower().removesuffix(".gz")
    return lower.endswith(SUFFIXES) or archives.is_archive(lower)


@dataclass(frozen=True, slots=True)
class InputRoot:
    """Where the raw files are: a local folder or file (`location` is its path), or any
    other fsspec URL (`memory://`, `s3://`, ...; `location` is the URL). Small and
    picklable: it travels with every batch."""

    location: str
    local: bool

    @classmethod
    def of(cls, raw: str | Path | InputRoot) -> InputRoot:
        """From what a user typed: a path, a `file://` URL (a local path), or another URL."""
        if isinstance(raw, InputRoot):
            return raw
        text = str(raw)
        if "://" not in text:
            return cls(text, True)
        if text.startswith("file://"):
            return cls(text.removeprefix("file://") or "/", True)
        return cls(text.rstrip("/"), False)

    def __str__(self) -> str:
        return self.location

    @property
    def path(self) -> Path:
        """The local path (only for local inputs)."""
        if not self.local:
            raise ValueError(f"{self.location} is a URL, not a local path")
        return Path(self.location)

    @property
    def per_process(self) -> bool:
        """Inputs only this process can see (fsspec's memory://): no worker processes."""
        return self.location.startswith("memory://")

    def problem(self) -> str | None:
        """Why this cannot be the input of a run: it must be a folder, or one file of an
        accepted kind (a user cleaning one article should not need a folder for it)."""
        if not self.local:
            import fsspec

            fs, path = fsspec.core.url_to_fs(self.location)
            return None if fs.isdir(path) else f"input folder {self.location} does not exist"
        root = self.path
        if root.is_dir():
            return None
        if root.is_file():
            if accepted(root.name):
                return None
            return f"{root} is not a .txt, .html, .htm, .warc or .wet file (optionally .gz); give one, or a folder"
        return f"input {root} does not exist"

    def path_of(self, source: str) -> Path | str:
        """Where the file `source` (as discovered) is: a local path, or a URL."""
        if not self.local:
            return f"{self.location}/{source}"
        root = self.path
        if root.name == source and root.is_file():  # the input is one file
            return root
        return root / source

    def read(self, source: str, limit: int) -> bytes:
        """The file's bytes (`read_input`). Below a local input folder no symbolic link is
        followed, in the file's name or in any folder on its way: discovery refused links,
        and one that replaced a file or folder since must not lead out of the folder."""
        path = self.path_of(source)
        if isinstance(path, str):
            return read_input(path, limit)
        if path == self.path:  # the one file the user named: its own name may be a link
            return read_input(path.resolve(), limit)
        return read_input(path, limit, below=self.path)

    def open(self, source: str) -> BinaryIO:
        """The file open for reading, as it is stored (a web archive is read as a stream),
        with the care `read` takes."""
        path = self.path_of(source)
        if isinstance(path, str):
            import fsspec

            return fsspec.open(path, "rb").open()
        if path == self.path:  # the one file the user named: its own name may be a link
            return os.fdopen(_open_regular(path.resolve(), None), "rb")
        return os.fdopen(_open_regular(path, self.path), "rb")

    def discover(self) -> Iterator[Item]:
        """Every accepted file, depth first, names sorted within a folder.

        Symbolic links are not followed (a link could lead out of the input folder or
        into a loop) but reported, as are folders that cannot be listed. Hidden files
        and folders (".git", editor swap files) are skipped."""
        if not self.local:
            yield from _discover_url(self.location)
        elif os.path.isfile(self.location):  # one file given as the input
            name = os.path.basename(self.location)
            if accepted(name):
                yield Item(name, output_for(display(name)), format_for(name))
        else:
            yield from _discover_local(self.location)

    def overlap(self, out: Path) -> str | None:
        """Why writing into `out` would touch the input: the folders overlap either way
        round (OUT inside RAW puts outputs among the inputs; RAW inside OUT lets outputs,
        the report or a later run overwrite the inputs), symbolic links resolved; or the
        one input file lies inside the output folder."""
        if not self.local:
            return None
        raw_abs, out_abs = self.path.resolve(), out.resolve()
        if raw_abs.is_file():
            if out_abs in raw_abs.parents:
                return f"input file {self.location} is inside the output folder {out}; choose another --out"
            return None
        if out_abs == raw_abs:
            return f"output folder {out} is the input folder {self.location}; choose another --out"
        if raw_abs in out_abs.parents:
            return f"output folder {out} must not be inside the input folder {self.location}"
        if out_abs in raw_abs.parents:
            return f"input folder {self.location} must not be inside the output folder {out}"
        return None


def _discover_local(top: str) -> Iterator[Item]:
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


def read_input(path: Path | str, limit: int, *, below: Path | None = None) -> bytes:
    """The file's bytes, decompressed when they are gzip (by their magic bytes, whatever
    the name; every member of a multi-member file); refuse anything beyond `limit`
    bytes before it is all in memory (a gzip bomb stops at the limit). A `.gz` name on
    bytes that are not gzip is an error, not text. `path` may be an fsspec URL.

    A local file is opened without following a symbolic link (nor one in a folder of
    its path under `below`) and without blocking, and read only if it is a regular
    file: a file replaced by a link or a named pipe since discovery fails, with the
    reason, instead of copying a file from elsewhere or waiting forever."""
    if isinstance(path, str):
        import fsspec

        with fsspec.open(path, "rb") as handle:
            return _read_limited(handle, path.lower().endswith(".gz"), limit)
    with os.fdopen(_open_regular(path, below), "rb") as handle:
        return _read_limited(handle, path.name.lower().endswith(".gz"), limit)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


def _open_regular(path: Path, below: Path | None) -> int:
    """A descriptor of `path`, opened as `read_input` says; OSError with the reason if not."""
    flags = os.O_RDONLY | os.O_NONBLOCK | _CLOEXEC | _NOFOLLOW
    if below is None:
        fd = _open(path, flags, None, "symbolic link: not followed")
    else:
        *folders, name = path.relative_to(below).parts
        folder = os.open(below, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
        try:
            for part in folders:
                inner = _open(part, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC | _NOFOLLOW, folder, _LINKED_FOLDER)
                os.close(folder)
                folder = inner
            fd = _open(name, flags, folder, "symbolic link: not followed")
        finally:
            os.close(folder)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a file")
            raise OSError(errno.EINVAL, f"not a regular file but {kind}")
    except BaseException:
        os.close(fd)
        raise
    return fd


_LINKED_FOLDER = "a folder on its path is a symbolic link: not followed"


def _open(name: str | Path, flags: int, folder: int | None, linked: str) -> int:
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as err:
        if err.errno == errno.ELOOP or (err.errno == errno.ENOTDIR and _is_link(name, folder)):
            raise OSError(errno.ELOOP, linked) from None  # Linux: ENOTDIR for O_DIRECTORY on a link
        raise


def _is_link(name: str | Path, folder: int | None) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


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
