"""One run at a time per output folder: a second run on a busy OUT is refused at once
with the other run's PID (or waits, when asked), whatever starts it; the lock dies with
its process, so a SIGKILLed run leaves none behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.lock import LOCK, OutputBusy, OutputLock, probe
from boilerstrip.flows.plan import Plan
from boilerstrip.flows.settings import load_settings
from golden import ROOT

from .test_kill_resume import make_corpus

BIN = Path(sys.executable).with_name("boilerstrip")
HOLD = "import sys, time; from pathlib import Path; from boilerstrip.flows.lock import OutputLock\n" + (
    "OutputLock(Path(sys.argv[1])).acquire(); print('locked', flush=True); time.sleep(300)"
)


def boilerstrip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300)


def refused(done: subprocess.CompletedProcess, out: Path, pid: int) -> None:
    """What a user sees: exit status 75 and one line naming the folder and the other run."""
    assert done.returncode == 75, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"boilerstrip: error: output folder {out} is in use by another boilerstrip run")
    assert f"(pid {pid} on " in done.stderr and "--wait-for-lock SECONDS" in done.stderr


def holder(out: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "locked\n"
    return process


def test_a_busy_output_folder_is_refused_at_once_and_a_killed_holder_frees_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = holder(out)
    try:
        for extra in ([], ["--dask"]):
            refused(boilerstrip("clean", str(ROOT / "raw"), "--out", str(out), *extra), out, process.pid)
        refused(boilerstrip("report", str(out)), out, process.pid)  # it would read a half-written manifest
        # the flow itself (serve, a worker, Dask: they all make a Plan) refuses too
        with pytest.raises(OutputBusy, match=f"in use by another boilerstrip run \\(pid {process.pid} on "):
            Plan.make(InputRoot.of(ROOT / "raw"), out, load_settings(None))
        with pytest.raises(OutputBusy, match=r"waited 0\.5 s"):
            Plan.make(InputRoot.of(ROOT / "raw"), out, load_settings(None), wait_for_lock=0.5)
        assert sorted(p.name for p in out.iterdir()) == [LOCK]  # nothing of the other run was touched
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert probe(out) is None  # no stale lock
    lock = OutputLock(out)
    lock.acquire()
    lock.release()


def wait_for_holder(out: Path, process: subprocess.Popen) -> None:
    """Until `process` (a run) holds the output folder."""
    deadline = time.monotonic() + 120
    while probe(out) != f"another boilerstrip run (pid {process.pid} on {os.uname().nodename})":
        assert process.poll() is None and time.monotonic() < deadline, "the run never took its output folder"
        time.sleep(0.05)


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]


def test_two_runs_on_one_output_folder(prefect_server, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make_corpus(raw, copies=40)
    files = len(list(raw.rglob("*.txt")))
    command = [str(BIN), "clean", str(raw), "--out", str(out), "--batch-size", "10", "--workers", "1"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiter = None
    try:
        wait_for_holder(out, first)
        refused(boilerstrip(*command[1:]), out, first.pid)
        assert first.poll() is None, "the first run ended before the second was refused"
        waiter = subprocess.Popen([*command, "--wait-for-lock", "300"], stdout=subprocess.PIPE, text=True)
        first_out, first_err = first.communicate(timeout=300)
        assert first.returncode == 0, first_err
        assert f"| {files} | {files} | 0 | 0 | 0 | 0 |" in first_out  # its summary counts what it wrote
        waited, _ = waiter.communicate(timeout=300)
        assert waiter.returncode == 0
        assert f"| {files} | 0 | {files} | 0 | 0 | 0 |" in waited  # after the first: all unchanged
    finally:
        for process in (first, waiter):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
    assert [r["status"] for r in records(out)] == ["skipped-unchanged"] * files
    assert not (out / "manifest.journal.jsonl").exists()


def test_a_sigkilled_run_leaves_no_stale_lock(prefect_server, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make_corpus(raw, copies=20)
    command = [str(BIN), "clean", str(raw), "--out", str(out), "--batch-size", "10"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_holder(out, run)
        os.kill(run.pid, signal.SIGKILL)  # the run only: its worker processes may outlive it for a moment
        run.wait()
        again = boilerstrip(*command[1:])
        assert again.returncode == 0, again.stderr
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)  # what is left of the killed run's group
        except ProcessLookupError:
            pass
    assert {r["status"] for r in records(out)} <= {"cleaned", "skipped-unchanged"}
    assert len(records(out)) == len(list(raw.rglob("*.txt")))


def test_a_run_that_ends_leaves_an_empty_lock_file(tmp_path: Path) -> None:
    """Two runs of the same input leave the same output folder, byte for byte."""
    lock = OutputLock(tmp_path)
    lock.acquire()
    assert (tmp_path / LOCK).read_text().startswith(f"pid {os.getpid()} on ")
    lock.release()
    assert (tmp_path / LOCK).read_bytes() == b""
