"""The scheduled path for real: deployments on a local server, run by a real
`boilerstrip worker` and a real `boilerstrip serve` process, outputs checked on disk.

The schedules fire by themselves: nothing here triggers a scheduled deployment by
hand. The session's server runs Prefect's scheduler every second or two (its own
settings, see conftest), and the serve and worker processes poll every 2 s, so a
20-second interval produces a run within seconds. On a server whose scheduler is
broken (SQLAlchemy 2.1 under Prefect 3.8.8) no run is ever created and these tests
fail, showing the server log. Every process started here is stopped by its PID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from golden import ROOT

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
EXPECTED_004 = (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()
POLL = {"PREFECT_RUNNER_POLL_FREQUENCY": "2", "PREFECT_WORKER_QUERY_SECONDS": "2"}
"""Prefect's own settings for how often serve and a worker ask for due runs (10 s by default)."""


def as_a_background_job() -> None:
    """What a non-interactive shell does to `command &`: SIGINT is ignored in the job."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def background(args: list[str], log: Path, ready: str, timeout: float = 120) -> Iterator[subprocess.Popen]:
    """Start a long-running command as a script's background job (its own process group,
    SIGINT ignored); wait for `ready` in its output."""
    handle = open(log, "wb")
    process = subprocess.Popen(
        args,
        stdout=handle,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        preexec_fn=as_a_background_job,
        env={**os.environ, **POLL},
    )
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


def stops_on_one_term(process: subprocess.Popen, log: Path, within: float = 30) -> str:
    """`kill -TERM PID`, once, as the README says; the process must be gone within `within` s."""
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {within:.0f} s after one SIGTERM:\n{log.read_text(errors='replace')[-3000:]}")
    text = log.read_text(errors="replace")
    assert "never awaited" not in text and "Traceback" not in text, text
    return text


def server_log(state: dict) -> str:
    path = Path(state["home"]) / "boilerstrip-server.log"
    return path.read_text(errors="replace")[-4000:] if path.exists() else "(no server log)"


def wait_for_scheduled_run(state: dict, deployment: str, timeout: float = 150) -> list:
    """Wait until the scheduler has created a run of `deployment` and it completed; return
    the deployment's runs. Fails with the server log when none completes in time."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        wanted = DeploymentFilter(id=DeploymentFilterId(any_=[client.read_deployment_by_name(deployment).id]))
        while True:
            runs = client.read_flow_runs(deployment_filter=wanted)
            if any(r.auto_scheduled and r.state and r.state.is_completed() for r in runs):
                return runs
            if time.monotonic() > deadline:
                seen = [(r.name, r.auto_scheduled, r.state_name, str(r.expected_start_time)) for r in runs]
                pytest.fail(
                    f"no scheduled run of {deployment} completed within {timeout:.0f} s; runs: {seen}\n"
                    f"server log:\n{server_log(state)}"
                )
            time.sleep(1)


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


def test_serve_runs_on_its_schedule_by_itself(prefect_server, tmp_path: Path) -> None:
    out = tmp_path / "served"
    command = [str(BIN / "boilerstrip"), "serve", str(ROOT / "raw"), "--out", str(out), "--interval", "20"]
    log = tmp_path / "serve.log"
    with background(command, log, ready="is being served") as process:
        runs = wait_for_scheduled_run(prefect_server, "boilerstrip-clean/boilerstrip-serve")
        assert "stopped serving" in stops_on_one_term(process, log)
        assert process.returncode == 0
    assert all(r.auto_scheduled for r in runs), "every run came from the schedule"
    assert (out / "004_b7bbc19097b3fd85.txt").read_bytes() == EXPECTED_004
    assert (out / "manifest.jsonl").exists() and (out / "run-summary.md").exists()


def test_worker_runs_deployments_on_schedule_and_from_prefect_yaml(prefect_server, tmp_path: Path) -> None:
    """`boilerstrip deploy` with a 20-second interval, and `prefect deploy` with this
    repository's prefect.yaml (its cron is 03:00 daily, so that one run is triggered by
    hand), both on pool `boilerstrip`; one `boilerstrip worker`, started as a script's
    background job, runs both, then stops on one TERM."""
    deployed_out, yaml_out = tmp_path / "deployed", tmp_path / "by-yaml"
    deploy = ["deploy", str(ROOT / "raw"), "--out", str(deployed_out), "--pool", "boilerstrip", "--interval", "20"]
    deployed = subprocess.run(
        [str(BIN / "boilerstrip"), *deploy],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert deployed.returncode == 0, deployed.stderr
    assert "boilerstrip worker --pool boilerstrip" in deployed.stdout
    from_yaml = subprocess.run(
        [
            str(BIN / "prefect"),
            "--no-prompt",
            "deploy",
            "--name",
            "boilerstrip-nightly",
            "--param",
            f"out_dir={yaml_out}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PWD": str(ROOT)},
    )
    assert from_yaml.returncode == 0, from_yaml.stdout + from_yaml.stderr
    log = tmp_path / "worker.log"
    with background([str(BIN / "boilerstrip"), "worker", "--pool", "boilerstrip"], log, ready="started") as process:
        runs = wait_for_scheduled_run(prefect_server, "boilerstrip-clean/boilerstrip-deploy")
        run_and_wait("boilerstrip-clean/boilerstrip-nightly")
        assert "stopped!" in stops_on_one_term(process, log)
    assert all(r.auto_scheduled for r in runs)
    for out in (deployed_out, yaml_out):
        assert (out / "004_b7bbc19097b3fd85.txt").read_bytes() == EXPECTED_004
        assert (out / "manifest.jsonl").exists() and (out / "run-summary.md").exists()
