"""`boilerstrip doctor` and `boilerstrip server`: a broken scheduler is found and named,
the server keeps a stable port, and its log's errors are shown where a user looks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from boilerstrip.flows import doctor, localserver
from golden import FIXTURES

BIN = Path(sys.executable).with_name("boilerstrip")
BROKEN_LOG = FIXTURES / "logs/scheduler-sqlalchemy-2.1.log"
"""What Prefect 3.8.8's server logged with SQLAlchemy 2.1.9 (paths shortened)."""


def boilerstrip(*args: str, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_log_errors_names_the_exception_of_each_error_since_the_server_started(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    old = b"10:00:00.000 | ERROR   | prefect.server - an error of an earlier server\n"
    localserver.log_path().write_bytes(old + BROKEN_LOG.read_bytes())
    errors = localserver.log_errors({"log_offset": len(old)})
    assert errors == [
        "sqlalchemy.exc.InvalidRequestError: Can't evaluate bulk DML statement; please supply a bulk_dml "
        "decorated function"
    ]
    assert len(localserver.log_errors({"log_offset": 0})) == 2
    assert localserver.log_errors({"log_offset": 0})[0].endswith("an error of an earlier server")


def test_known_bad_package_versions_are_named_with_the_fix(monkeypatch) -> None:
    versions = {"prefect": "3.8.8", "sqlalchemy": "2.1.9", "fastapi": "0.165.0"}
    monkeypatch.setattr(doctor, "_version", versions.get)
    check = doctor.check_packages()
    assert not check.ok
    assert "SQLAlchemy 2.1.9 breaks Prefect 3.8.8's scheduler" in check.detail
    assert "pip install 'sqlalchemy<2.1'" in check.detail and "pip install 'fastapi<0.151'" in check.detail
    versions.update(sqlalchemy="2.0.58", fastapi="0.150.0")
    found = "prefect 3.8.8, SQLAlchemy 2.0.58, fastapi 0.150.0"
    assert doctor.check_packages() == doctor.Check("packages", True, found)


def test_installed_packages_pass_the_doctor() -> None:
    """The project's own pins (pyproject.toml) must give a combination that schedules."""
    assert doctor.check_packages().ok, doctor.check_packages().detail


def test_server_port_is_stable_and_falls_back_only_when_taken(monkeypatch) -> None:
    port = localserver.free_port()
    monkeypatch.setattr(localserver, "DEFAULT_PORT", port)
    assert localserver.choose_port(None) == (port, None)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        other, note = localserver.choose_port(None)
        assert (
            other != port
            and note == f"port {port} is taken (another program, or another Prefect server); using {other} instead"
        )
        with pytest.raises(RuntimeError, match=f"port {port} on 127.0.0.1 is taken; choose another with --port"):
            localserver.choose_port(port)


def test_doctor_without_a_server_says_what_to_start(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path)
    done = boilerstrip("doctor", env=env)
    assert done.returncode == 1
    assert "FAIL  server: no Prefect server: schedules need one that stays up; run `boilerstrip server start`" in (
        done.stdout
    )
    assert done.stdout.splitlines()[-1] == "boilerstrip doctor: 1 problem(s): server"


@pytest.mark.slow
def test_doctor_says_a_healthy_scheduler_fires(prefect_server) -> None:
    done = boilerstrip("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    scheduler: created" in done.stdout
    assert done.stdout.splitlines()[-1] == "boilerstrip doctor: scheduled runs will fire"


@pytest.mark.slow
def test_a_server_whose_scheduler_creates_no_runs_fails_the_doctor(tmp_path) -> None:
    """`boilerstrip server start` on a taken default port, with Prefect's scheduler off
    (what a broken scheduler looks like from outside: no run is ever created)."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path), PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false")
    with socket.socket() as holder:
        try:
            holder.bind(("127.0.0.1", localserver.DEFAULT_PORT))
            holder.listen()
        except OSError:
            pass  # already taken by something else: the same case
        started = boilerstrip("server", "start", env=env)
    try:
        assert started.returncode == 0, started.stderr
        state = json.loads((tmp_path / localserver.STATE).read_text())
        assert f"port {localserver.DEFAULT_PORT} is taken" in started.stderr
        assert f"export PREFECT_API_URL={state['api_url']}" in started.stdout
        again = boilerstrip("server", "start", env=env)
        assert "already running" in again.stdout and str(state["pid"]) in again.stdout
        status = boilerstrip("server", "status", env=env)
        assert status.returncode == 0 and "no errors in its log" in status.stdout
        done = boilerstrip("doctor", "--wait", "8", env=env)
        assert done.returncode == 1, done.stdout
        assert "FAIL  scheduler: created no run for a probe deployment in 8 s: scheduled runs will not fire" in (
            done.stdout
        )
        assert done.stdout.splitlines()[-1] == "boilerstrip doctor: 1 problem(s): scheduler"
    finally:
        stopped = boilerstrip("server", "stop", env=env)
    assert stopped.stdout.strip() == "stopped"
    assert localserver.wait_gone(state["pid"], 10)


def test_server_status_shows_the_last_error_of_its_log(tmp_path, monkeypatch, capsys) -> None:
    from boilerstrip.flows import cli

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    localserver.log_path().write_bytes(BROKEN_LOG.read_bytes())
    state = {"pid": 4242, "api_url": "http://127.0.0.1:4200/api", "ui_url": "http://127.0.0.1:4200", "log_offset": 0}
    monkeypatch.setattr(localserver, "running", lambda: state)
    assert cli.main(["server", "status"]) == 1
    assert capsys.readouterr().out == (
        "running at http://127.0.0.1:4200 (pid 4242); 1 error(s) in its log, last: sqlalchemy.exc.InvalidRequestError: "
        f"Can't evaluate bulk DML statement; please supply a bulk_dml decorated function ({localserver.log_path()})\n"
    )


def test_serve_and_deploy_have_distinct_default_names() -> None:
    from boilerstrip.flows.cli import build_parser

    parser = build_parser()
    served = parser.parse_args(["serve", "raw", "--out", "o", "--interval", "60"]).name
    deployed = parser.parse_args(["deploy", "raw", "--out", "o", "--pool", "p"]).name
    assert (served, deployed) == ("boilerstrip-serve", "boilerstrip-deploy")
