"""A full, read-only or unwritable output folder: refused before Prefect starts when it
can be seen then; met mid-run, the run stops with one line, keeps what it wrote and
recorded, and the next run resumes from there."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden import ROOT

from .test_kill_resume import make_corpus

BIN = Path(sys.executable).with_name("boilerstrip")
FULL_AFTER = """
import errno, os
from pathlib import Path
from boilerstrip.flows import files

limit, out = int(os.environ["FAKE_FULL_AFTER"]), Path(os.environ["FAKE_FULL_OUT"])
real = files.temporary

def temporary(folder):
    if Path(folder).is_relative_to(out) and sum(1 for _ in out.rglob("*.txt")) >= limit:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real(folder)

files.temporary = temporary
"""


def clean(raw: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [str(BIN), "clean", str(raw), "--out", str(out), "--batch-size", "10", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def stopped_line(done: subprocess.CompletedProcess, out: Path, why: str) -> int:
    """The one line a user sees; returns how many files it says were recorded."""
    assert done.returncode == 74, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr and lines[-1].startswith("boilerstrip: error: "), done.stderr
    assert [line for line in lines if not line.startswith(("boilerstrip: ", "cleaned "))] == [], done.stderr
    prefix = f"boilerstrip: error: run stopped: output folder {out}: {why}; "
    assert lines[-1].startswith(prefix) and lines[-1].endswith("run again to resume"), lines[-1]
    return int(lines[-1].removeprefix(prefix).split(" ", 1)[0])


def rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]


def test_a_disk_that_fills_mid_run_stops_it_cleanly_and_the_rerun_resumes(prefect_server, tmp_path: Path) -> None:
    raw, out, hook = tmp_path / "raw", tmp_path / "out", tmp_path / "hook"
    make_corpus(raw, copies=30)
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FULL_AFTER)
    env = {**os.environ, "PYTHONPATH": str(hook), "FAKE_FULL_AFTER": "45", "FAKE_FULL_OUT": str(out)}
    done = stopped_line(clean(raw, out, env=env), out, os.strerror(errno.ENOSPC))
    assert done >= 10 and not (out / "manifest.jsonl").exists()  # batches recorded before the disk filled
    journal = [json.loads(line) for line in (out / "manifest.journal.jsonl").read_text("utf-8").splitlines()]
    assert len(journal) == done and {r["status"] for r in journal} == {"cleaned"}
    kept = {r["output"]: (out / r["output"]).stat().st_mtime_ns for r in journal}

    again = clean(raw, out)
    assert again.returncode == 0, again.stderr
    files = len(list(raw.rglob("*.txt")))
    assert [r["status"] for r in rows(out)] == ["cleaned"] * files  # as one uninterrupted run
    assert {name: (out / name).stat().st_mtime_ns for name in kept} == kept  # not written twice


def mount_tmpfs(folder: Path, options: str) -> None:
    """A small file system of our own (root only; skipped where mounting is not allowed)."""
    folder.mkdir(exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)]
    if subprocess.run(command, capture_output=True).returncode != 0:
        pytest.skip("no permission to mount a tmpfs here")


@pytest.fixture
def mounts():
    mounted: list[Path] = []
    yield mounted
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_really_full_disk_mid_run(prefect_server, tmp_path: Path, mounts: list[Path]) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make_corpus(raw, copies=40)
    mount_tmpfs(out, "size=600k")
    mounts.append(out)
    stopped_line(clean(raw, out), out, os.strerror(errno.ENOSPC))
    subprocess.run(["mount", "-o", "remount,size=8m", str(out)], check=True)  # room made
    again = clean(raw, out)
    assert again.returncode == 0, again.stderr
    assert [r["status"] for r in rows(out)] == ["cleaned"] * len(list(raw.rglob("*.txt")))


def test_a_full_or_read_only_output_folder_is_refused_before_prefect_starts(tmp_path: Path, mounts) -> None:
    full, read_only = tmp_path / "full", tmp_path / "read-only"
    for folder, options in ((full, "size=64k"), (read_only, "size=64k,ro")):
        mount_tmpfs(folder, options)
        mounts.append(folder)
    try:
        with open(full / "filler", "wb") as filler:
            while True:
                filler.write(bytes(4096))
                filler.flush()
    except OSError as err:
        assert err.errno == errno.ENOSPC
    for folder, why in ((full, "No space left on device"), (read_only, "Read-only file system")):
        done = clean(ROOT / "raw", folder)
        assert done.returncode == 2, done.stderr
        assert done.stderr == f"boilerstrip: error: cannot write to output folder {folder}: {why}\n"


def test_a_disk_full_before_the_first_batch_stops_the_flow_with_the_same_line(tmp_path: Path, monkeypatch) -> None:
    """serve and workers make no pre-flight check: the flow's own start says it as well."""
    from boilerstrip.flows import files, plan
    from boilerstrip.flows.inputs import InputRoot
    from boilerstrip.flows.lock import probe
    from boilerstrip.flows.settings import load_settings

    def full(*_args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(plan, "write_atomic", full)
    out = tmp_path / "out"
    with pytest.raises(files.OutputFull, match=r"run stopped: .*No space left on device; 0 file"):
        plan.Plan.make(InputRoot.of(ROOT / "raw"), out, load_settings(None))
    assert probe(out) is None  # the folder is free again


def test_the_output_check_never_leaves_a_file_in_the_output_folder(tmp_path: Path, monkeypatch) -> None:
    """The free-space probe is written to an unnamed file (O_TMPFILE): a run killed while
    it probes (the kill-and-resume test once caught one) leaves nothing in OUT."""
    from boilerstrip.flows import files

    out = tmp_path / "out"
    out.mkdir()
    seen: list[list[str]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # the moment a kill would leave the probe behind
        seen.append(sorted(p.name for p in out.iterdir()))
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    assert files.output_problem(out) is None
    assert seen == [[]] and list(out.iterdir()) == []
