"""Files that change under a running batch: deleted or truncated after discovery, or
unreadable. Each is recorded (failed with the reason, or cleaned from what was read)
and the files beside it come out as they would alone.

The batch's own work (`run_batch`) is what reads the files, whichever task runner
runs it, so the race is staged there: a reader that deletes or truncates a file just
before reading it. Permissions cannot stop root (CI runs as root), so the unreadable
file is staged the same way, with the error the operating system would raise."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from boilerstrip.cleaners import Config
from boilerstrip.flows import inputs
from boilerstrip.flows.files import reset_tmp
from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.outputs import Status
from boilerstrip.flows.work import Job, Task, run_batch

ARTICLE = (
    "The council approved the budget on Tuesday after a long debate about schools and roads.\n\n"
    "“We had to make hard choices,” the mayor said, adding that libraries would get more money.\n\n"
    "Critics said the plan relies on optimistic tax forecasts and will need revising next spring.\n"
)


def corpus(raw: Path) -> None:
    raw.mkdir()
    for name in ("a", "b", "deleted", "c", "truncated", "locked", "d"):
        (raw / f"{name}.txt").write_text(f"{name.title()} story\n\n{ARTICLE}", encoding="utf-8")


def outcome(out: Path, records: list[dict]) -> dict[str, tuple]:
    return {
        r["source"]: (r["status"], r["error"], (out / r["output"]).read_bytes() if r["output"] else None)
        for r in records
    }


def test_files_that_vanish_shrink_or_lock_mid_batch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    corpus(raw)
    tasks = [Task(item) for item in InputRoot.of(raw).discover()]  # discovered before anything changes
    alone = {}
    for task in tasks:  # each good file cleaned on its own first
        job = Job(InputRoot.of(raw), str(tmp_path / f"alone-{task.item.source}"), Config(), "fp")
        reset_tmp(Path(job.out_dir))
        alone[task.item.source] = outcome(Path(job.out_dir), run_batch(job, [task]))[task.item.source]

    real_read = inputs.read_input

    def racing_read(path: Path, limit: int, **kwargs) -> bytes:
        if path.name == "deleted.txt":
            path.unlink()
        elif path.name == "truncated.txt":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
        elif path.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_read(path, limit, **kwargs)

    monkeypatch.setattr(inputs, "read_input", racing_read)
    out = tmp_path / "clean"
    reset_tmp(out)
    job = Job(InputRoot.of(raw), str(out), Config(), "fp")
    got = outcome(out, run_batch(job, tasks))

    assert got["deleted.txt"] == (Status.FAILED, "cannot read: No such file or directory", None)
    assert got["locked.txt"] == (Status.FAILED, "cannot read: Permission denied", None)
    status, error, text = got["truncated.txt"]
    assert status == Status.CLEANED and error is None
    assert text.startswith(b"Truncated story\n") and len(text) < len(alone["truncated.txt"][2])
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        assert got[name] == alone[name]
    assert not list(out.rglob("*.tmp"))


def test_a_file_replaced_by_a_folder_fails_alone(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    corpus(raw)
    tasks = [Task(item) for item in InputRoot.of(raw).discover()]
    (raw / "c.txt").unlink()
    (raw / "c.txt").mkdir()  # same name, now a folder
    out = tmp_path / "clean"
    reset_tmp(out)
    records = {r["source"]: r for r in run_batch(Job(InputRoot.of(raw), str(out), Config(), "fp"), tasks)}
    assert records["c.txt"]["status"] == Status.FAILED
    assert records["c.txt"]["error"] == "cannot read: Is a directory"
    assert sum(r["status"] == Status.CLEANED for r in records.values()) == len(records) - 1
    assert json.dumps(records["c.txt"])  # a record like any other


def swapped_after_discovery(tmp_path: Path) -> tuple[Path, Path, list[Task]]:
    """The corpus, discovered; then a.txt is a named pipe, b.txt a link to a file outside
    the input folder, and sub/ (holding c.txt) a link to a folder outside it."""
    raw, outside = corpus_with_outside(tmp_path)
    tasks = [Task(item) for item in InputRoot.of(raw).discover()]
    swap(raw, outside)
    return raw, outside, tasks


def corpus_with_outside(tmp_path: Path) -> tuple[Path, Path]:
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    corpus(raw)
    (raw / "sub").mkdir()
    (raw / "sub" / "c.txt").write_text(ARTICLE, encoding="utf-8")
    outside.mkdir()
    (outside / "secret.txt").write_text("a secret outside the input folder\n", encoding="utf-8")
    (outside / "c.txt").write_text("another secret outside the input folder\n", encoding="utf-8")
    return raw, outside


def swap(raw: Path, outside: Path) -> None:
    (raw / "a.txt").unlink()
    os.mkfifo(raw / "a.txt")
    (raw / "b.txt").unlink()
    (raw / "b.txt").symlink_to(outside / "secret.txt")
    (raw / "sub" / "c.txt").unlink()
    (raw / "sub").rmdir()
    (raw / "sub").symlink_to(outside, target_is_directory=True)


SWAPPED = {
    "a.txt": "cannot read: not a regular file but a named pipe (FIFO)",
    "b.txt": "cannot read: symbolic link: not followed",
    "sub/c.txt": "cannot read: a folder on its path is a symbolic link: not followed",
}


def test_files_replaced_by_a_pipe_or_a_link_after_discovery_fail_alone(tmp_path: Path) -> None:
    """A named pipe would block the run forever; a link would copy a file from outside
    the input folder into the output, recorded as cleaned."""
    raw, _outside, tasks = swapped_after_discovery(tmp_path)
    out = tmp_path / "clean"
    reset_tmp(out)
    records = {r["source"]: r for r in run_batch(Job(InputRoot.of(raw), str(out), Config(), "fp"), tasks)}
    for source, error in SWAPPED.items():
        assert (records[source]["status"], records[source]["error"]) == (Status.FAILED, error)
    assert all(r["status"] == Status.CLEANED for s, r in records.items() if s not in SWAPPED)
    assert "secret" not in "".join(p.read_text() for p in out.rglob("*") if p.is_file())


def test_a_run_over_files_swapped_after_discovery_finishes(
    prefect_server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The whole flow: discovery ends, then the files change; the run still ends."""
    from boilerstrip.flows.flow import clean_corpus

    raw, outside = corpus_with_outside(tmp_path)
    discover = inputs._discover_local

    def discover_then_swap(top: str):
        yield from discover(top)
        if not (raw / "sub").is_symlink():
            swap(raw, outside)

    monkeypatch.setattr(inputs, "_discover_local", discover_then_swap)
    out = tmp_path / "clean"
    counts = clean_corpus(str(raw), str(out))
    records = {r["source"]: r for r in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert {s: r["error"] for s, r in records.items() if r["status"] == Status.FAILED} == SWAPPED
    assert counts["failed"] == len(SWAPPED) and counts["cleaned"] == len(records) - len(SWAPPED)
    assert "secret" not in "".join(p.read_text() for p in out.rglob("*.txt"))
