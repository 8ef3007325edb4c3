"""`boilerstrip doctor`: will scheduled runs fire? One line per check, then a verdict.

A broken scheduler is silent: runs triggered by hand work, the server answers its
health check, and only its log (or the absence of runs) tells. So beyond versions
and reachability, the doctor asks the scheduler itself: it creates a probe
deployment with an hourly schedule, waits for the scheduler to create its runs,
and deletes it again.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from importlib import metadata

from . import localserver

PROBE_FLOW = "boilerstrip-doctor"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _release(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split(".")[:3]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def check_packages() -> Check:
    """Known-bad combinations on this package index (see pyproject.toml)."""
    prefect, sqlalchemy, fastapi = _version("prefect"), _version("sqlalchemy"), _version("fastapi")
    found = f"prefect {prefect}, SQLAlchemy {sqlalchemy}, fastapi {fastapi}"
    problems = []
    if prefect and sqlalchemy and _release(prefect) < (3, 9) and _release(sqlalchemy) >= (2, 1):
        problems.append(
            f"SQLAlchemy {sqlalchemy} breaks Prefect {prefect}'s scheduler (no scheduled run is ever created): "
            "pip install 'sqlalchemy<2.1'"
        )
    if prefect and fastapi and _release(prefect) < (3, 9) and _release(fastapi) >= (0, 151):
        problems.append(f"fastapi {fastapi} breaks Prefect {prefect}'s server: pip install 'fastapi<0.151'")
    return Check("packages", not problems, "; ".join(problems) or found)


def check_server() -> tuple[Check, str | None]:
    """The API scheduled runs would use, and whether it answers."""
    for key, value in localserver.QUIET_ENV.items():
        os.environ.setdefault(key, value)
    api = os.environ.get("PREFECT_API_URL")
    if api:
        where = f"PREFECT_API_URL={api}"
    else:
        state = localserver.running()
        if state is None:
            return (
                Check(
                    "server",
                    False,
                    "no Prefect server: schedules need one that stays up; run `boilerstrip server start`",
                ),
                None,
            )
        api = os.environ["PREFECT_API_URL"] = state["api_url"]
        where = f"boilerstrip server {state['ui_url']} (pid {state['pid']})"
    if not localserver.healthy(api, timeout=5):
        return Check("server", False, f"{where} does not answer"), None
    return Check("server", True, f"{where} answers"), api


def check_server_log() -> Check | None:
    """Errors in the log of the server `boilerstrip server start` runs (since it started)."""
    state = localserver.running()
    if state is None or os.environ.get("PREFECT_API_URL") != state["api_url"]:
        return None
    errors = localserver.log_errors(state)
    if not errors:
        return Check("server log", True, f"no errors in {localserver.log_path()}")
    return Check("server log", False, f"{len(errors)} error(s) in {localserver.log_path()}; last: {errors[-1]}")


def check_scheduler(wait: float) -> Check:
    """A probe deployment with an hourly schedule: the scheduler must create its runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.schedules import IntervalSchedule

    name = f"scheduler-probe-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name(PROBE_FLOW)
        schedule = DeploymentScheduleCreate(schedule=IntervalSchedule(interval=timedelta(hours=1)), active=True)
        deployment_id = client.create_deployment(flow_id=flow_id, name=name, schedules=[schedule], paused=False)
        try:
            wanted = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
            while True:
                runs = client.read_flow_runs(deployment_filter=wanted)
                elapsed = time.monotonic() - started
                if runs:
                    made = f"created {len(runs)} run(s) for a probe deployment in {elapsed:.1f} s"
                    return Check("scheduler", True, made)
                if elapsed > wait:
                    return Check(
                        "scheduler",
                        False,
                        f"created no run for a probe deployment in {wait:.0f} s: scheduled runs will not fire "
                        "(see the server log)",
                    )
                time.sleep(0.5)
        finally:
            client.delete_deployment(deployment_id)  # its runs go with it
            client.delete_flow(flow_id)


def run(probe: bool = True, wait: float = 30.0, print_fn=print) -> int:
    """Print each check as it completes; exit status 0 when schedules will fire, else 1."""
    checks: list[Check] = []

    def report(check: Check | None) -> None:
        if check is not None:
            checks.append(check)
            print_fn(check.line())

    report(check_packages())
    server, api = check_server()
    report(server)
    if api is not None:
        if probe:
            report(check_scheduler(wait))
        report(check_server_log())  # after the probe: a failing scheduler logs while it is probed
    failed = [c for c in checks if not c.ok]
    if failed:
        print_fn(f"boilerstrip doctor: {len(failed)} problem(s): {', '.join(c.name for c in failed)}")
        return 1
    print_fn("boilerstrip doctor: scheduled runs will fire" if probe else "boilerstrip doctor: no problem found")
    return 0


__all__ = ["Check", "run"]
