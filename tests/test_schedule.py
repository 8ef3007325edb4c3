"""The scheduled path for real: deployments on a local server, run by a real
`prefect worker` and a real `boilerstrip serve` process, outputs checked on disk.
Every process started here is stopped by its PID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from golden import ROOT

BIN = Path(sys.executable).parent
EXPECTED_004 = (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()


@contextmanager
def background(args: list[str], log: Path, ready: str, timeout: float = 120) -> Iterator[subprocess.Popen]:
    """Start a long-running command in its own process group; wait for `ready` in its output."""
    handle = open(log, "wb")
    process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while ready not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, f"not ready after {timeout} s:\n{log.read_text(errors='replace')}"
            time.sleep(0.25)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        handle.close()


def run_and_wait(deployment: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(BIN / "prefect"), "deployment", "run", deployment, "--watch", "--watch-timeout", "240"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0 and "Completed" in done.stdout, done.stdout + done.stderr
    return done


def test_worker_runs_deployments_from_boilerstrip_deploy_and_prefect_yaml(prefect_server, tmp_path: Path) -> None:
    by_command, by_yaml = tmp_path / "by-command", tmp_path / "by-yaml"
    deployed = subprocess.run(
        [
            str(BIN / "boilerstrip"),
            "deploy",
            str(ROOT / "raw"),
            "--out",
            str(by_command),
            "--pool",
            "boilerstrip",
            "--interval",
            "86400",
            "--name",
            "test-command",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deployed.returncode == 0, deployed.stderr
    assert "prefect worker start --pool boilerstrip" in deployed.stdout
    from_yaml = subprocess.run(
        [
            str(BIN / "prefect"),
            "--no-prompt",
            "deploy",
            "--name",
            "boilerstrip-nightly",
            "--param",
            f"out_dir={by_yaml}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PWD": str(ROOT)},
    )
    assert from_yaml.returncode == 0, from_yaml.stdout + from_yaml.stderr
    with background(
        [str(BIN / "prefect"), "worker", "start", "--pool", "boilerstrip"], tmp_path / "worker.log", ready="started"
    ):
        run_and_wait("boilerstrip-clean/test-command")
        run_and_wait("boilerstrip-clean/boilerstrip-nightly")
    for out in (by_command, by_yaml):
        assert (out / "004_b7bbc19097b3fd85.txt").read_bytes() == EXPECTED_004
        assert (out / "manifest.jsonl").exists() and (out / "run-summary.md").exists()


def test_serve_process_runs_a_triggered_run(prefect_server, tmp_path: Path) -> None:
    out = tmp_path / "served"
    command = [
        str(BIN / "boilerstrip"),
        "serve",
        str(ROOT / "raw"),
        "--out",
        str(out),
        "--interval",
        "86400",
        "--name",
        "test-serve",
    ]
    with background(command, tmp_path / "serve.log", ready="is being served"):
        run_and_wait("boilerstrip-clean/test-serve")
    assert (out / "004_b7bbc19097b3fd85.txt").read_bytes() == EXPECTED_004
