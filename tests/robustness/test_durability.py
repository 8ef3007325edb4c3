"""Durability of a batch's outputs: each file is renamed into place whole at once, and
the batch is synced to disk once, after its last output and before its records are
final (the flow journals them only then). A failed sync fails the batch."""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path

import pytest

from boilerstrip.cleaners import Config
from boilerstrip.flows import files
from boilerstrip.flows.files import AtomicWriter, reset_tmp, sync_file_system
from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.work import Job, Task, batch_records

ARTICLE = (
    "The council approved the budget on Tuesday after a long debate about schools and roads.\n\n"
    "“We had to make hard choices,” the mayor said, adding that libraries would get more money.\n"
)


def batch(tmp_path: Path, n: int = 3) -> tuple[Job, list[Task], Path]:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for i in range(n):
        (raw / f"{i}.txt").write_text(f"Story {i}\n\n{ARTICLE}", encoding="utf-8")
    reset_tmp(out)
    job = Job(InputRoot.of(raw), str(out), Config(), "fp")
    return job, [Task(item) for item in InputRoot.of(raw).discover()], out


def test_a_batch_is_synced_once_after_its_last_output_and_before_its_records_are_final(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    job, tasks, out = batch(tmp_path)
    synced: list[list[str]] = []
    monkeypatch.setattr(files, "sync_file_system", lambda folder: synced.append(sorted(os.listdir(out))))
    records = batch_records(job, tasks)
    first = [next(records) for _ in tasks]  # every document done and renamed into place ...
    assert synced == [] and all((out / r["output"]).is_file() for r in first)
    assert list(records) == []  # ... and the batch synced when its records are final
    outputs = sorted(name for r in first for name in (r["output"], r["diff"], r["edit_log"]))
    assert synced == [sorted([*outputs, files.TMP_DIR])]
    assert os.listdir(out / files.TMP_DIR) == []  # no temporary file left behind


def test_a_failed_sync_fails_the_batch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The batch's task then fails (and is retried): its records never reach the journal."""
    job, tasks, _out = batch(tmp_path)

    def syncfs(fd: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(files, "_SYNCFS", syncfs)
    with pytest.raises(OSError) as caught:
        list(batch_records(job, tasks))
    assert caught.value.errno == errno.EIO and caught.value.filename == str(Path(job.out_dir) / files.TMP_DIR)


def test_sync_file_system_syncs(tmp_path: Path) -> None:
    """The real system call (syncfs on Linux) succeeds on a folder and refuses a missing one."""
    sync_file_system(tmp_path)
    with pytest.raises(FileNotFoundError):
        sync_file_system(tmp_path / "missing")


def test_the_writer_holds_no_descriptor_between_files(tmp_path: Path) -> None:
    """An archive of 100,000 documents is one batch: its writer must not keep a file open
    per output until the batch ends."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("counts descriptors through /proc")
    writer = AtomicWriter(tmp_path)
    before = len(os.listdir("/proc/self/fd"))
    most = before
    for i in range(300):
        writer.write(tmp_path / f"{i}.txt", b"x")
        most = max(most, len(os.listdir("/proc/self/fd")))
    writer.close()
    assert most == before and len(list(tmp_path.glob("*.txt"))) == 300
