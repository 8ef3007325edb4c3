"""Shared test set-up: the golden-file switch and the fixture cases."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite fixtures/*/*/expected.* from the current code (review every changed line before committing)",
    )


FAST_SCHEDULER = {
    # Prefect's own settings: the scheduler looks for due deployments every 2 s (60 s by
    # default) and for just-created ones every second, so a schedule fires within seconds.
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
}


SLOW_FIXTURES = {"prefect_server"}
"""Tests that use these are `slow` (a real Prefect server, its runs, subprocesses)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory):
    """One real Prefect server for the whole session, on 127.0.0.1, in a temporary
    Prefect home; this process and every subprocess (CLI, worker) talk to it. Stopped by
    its PID at the end. Each pytest-xdist worker has its own: one server shared by two
    busy workers spends its time waiting on SQLite's lock (a test took 72 s, not 2)."""
    from boilerstrip.flows import localserver

    home = tmp_path_factory.mktemp("prefect-home")
    saved = {k: os.environ.get(k) for k in ("PREFECT_HOME", "PREFECT_API_URL")}
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.pop("PREFECT_API_URL", None)
    for key, value in {**localserver.QUIET_ENV, **FAST_SCHEDULER}.items():
        os.environ.setdefault(key, value)
    state = localserver.start(port=localserver.free_port(), timeout=180)
    os.environ["PREFECT_API_URL"] = state["api_url"]
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_HOME,
        temporary_settings,
    )

    try:
        with temporary_settings(
            {PREFECT_API_URL: state["api_url"], PREFECT_HOME: str(home), PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
        ):
            yield state
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            # send buffered logs and events while the server still listens, or the
            # process spends its exit retrying a closed port
            APILogWorker.drain_all(timeout=10)
            EventsWorker.drain_all(timeout=10)
    finally:
        localserver.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Say loudly when the run report's browser tests did not run (no Chromium or no
    Playwright): a green run would otherwise hide that the report went unchecked."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "test_report_browser.py" in r.nodeid]
    if not skipped:
        return
    longrepr = skipped[0].longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    terminalreporter.write_sep(
        "!", f"{len(skipped)} browser tests SKIPPED: {reason.removeprefix('Skipped: ')}", yellow=True, bold=True
    )
