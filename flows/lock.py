"""One run at a time per output folder: an OS lock on `OUT/.boilerstrip.lock`.

Two runs on one folder would append to one journal, delete each other's files and
empty each other's temporary folder. `flock` is held by the open file, so the kernel
drops it when the run's process ends, however it ends (a SIGKILL leaves no stale lock);
the file itself stays, holding its holder's PID while held, for the message of a run
that finds the folder busy, and is emptied when a run ends. Worker processes never
hold it: they are spawned, and the file is closed on exec. The file is hidden, so an
input folder cannot hold one of that name.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from boilerstrip.cleaners.errors import BoilerstripError

LOCK = ".boilerstrip.lock"
POLL = 0.2  # seconds between tries while waiting


class OutputBusy(BoilerstripError, RuntimeError):
    """Another run holds the output folder."""


class OutputLock:
    """The lock of one output folder, held by this process from `acquire` to `release`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / LOCK
        self.fd: int | None = None

    def acquire(self, wait: float = 0, waiting: Callable[[str], object] | None = None) -> None:
        """Take the lock, or raise `OutputBusy`: at once (`wait` 0), or after `wait`
        seconds; `waiting` is told once that this run waits, and for whom."""
        self.out.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        deadline = time.monotonic() + wait
        told = False
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise OutputBusy(busy_message(self.out, holder(fd), wait))
                if waiting is not None and not told:
                    waiting(f"output folder {self.out} is in use by {holder(fd)}; waiting up to {wait:g} s")
                    told = True
                time.sleep(POLL)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd

    def release(self) -> None:
        """Let the next run in (closing the file drops the lock). The PID is cleared first:
        a run that ends leaves the same (empty) file as any other."""
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            except OSError:
                pass  # the lock goes with the file all the same
            os.close(self.fd)
            self.fd = None


def busy_message(out: Path, who: str, wait: float = 0) -> str:
    waited = f"waited {wait:g} s; " if wait > 0 else ""
    return (
        f"output folder {out} is in use by {who}; {waited}let it finish, or give --wait-for-lock SECONDS to wait for it"
    )


def probe(out: Path) -> str | None:
    """Who holds `out`'s lock now, without taking it for long or making anything; None:
    nobody (a run can start)."""
    try:
        fd = os.open(out / LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None  # no lock file (or none readable): no run has it
    try:
        return None if _try_lock(fd, fcntl.LOCK_SH) else holder(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int, kind: int = fcntl.LOCK_EX) -> bool:
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def holder(fd: int) -> str:
    """The run that holds the lock, as it wrote itself down ("pid 123 on host")."""
    text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    return f"another boilerstrip run ({text})" if text.startswith("pid ") else "another boilerstrip run"
