"""A local Prefect server that `boilerstrip clean` finds and reuses.

Without an API URL every Prefect process starts its own temporary server (10-25 s
each time). `boilerstrip server start` runs one `prefect server start` on
127.0.0.1 in the background and records its address in the Prefect home; later
commands use it when `PREFECT_API_URL` is not set, and a run then starts in ~3 s.
Nothing here imports Prefect: it runs before Prefect is configured.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STATE = "boilerstrip-server.json"

QUIET_ENV = {
    # offline machines: no telemetry errors, no analytics calls waiting on a network
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # a fresh database can take longer than Prefect's default 20 s to come up
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def state_path() -> Path:
    return prefect_home() / STATE


def healthy(api_url: str, timeout: float = 0.5) -> bool:
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def running() -> dict | None:
    """The recorded server, if it still answers."""
    try:
        state = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return None
    return state if healthy(state.get("api_url", "")) else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int | None = None, timeout: float = 120.0, record: bool = True) -> dict:
    """Start `prefect server start` detached; wait until it answers; record it (unless
    `record` is false: a server for one run, which the caller stops with `stop_pid`)."""
    current = running() if record else None
    if current:
        return current
    port = port or free_port()
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    log = open(home / "boilerstrip-server.log", "ab")
    env = {**os.environ, **QUIET_ENV, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout
    while not healthy(api_url):
        if process.poll() is not None:
            log_path = home / "boilerstrip-server.log"
            raise RuntimeError(f"prefect server exited with {process.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError(f"prefect server did not answer within {timeout:.0f} s")
        time.sleep(0.25)
    state = {"pid": process.pid, "api_url": api_url, "ui_url": f"http://127.0.0.1:{port}", "home": str(home)}
    if record:
        state_path().write_text(json.dumps(state))
    else:
        state["process"] = process
    return state


@contextmanager
def for_this_run(timeout: float = 180.0) -> Iterator[dict]:
    """A server that lives as long as the `with` block (not recorded, so no other
    command picks it up), stopped by its PID at the end."""
    state = start(timeout=timeout, record=False)
    process = state.pop("process")
    try:
        yield state
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_gone(pid: int, seconds: float) -> bool:
    """Wait until process `pid` no longer exists; False if it still does after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def stop_pid(pid: int) -> bool:
    """Stop a server this process started (its process group), and wait for it."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    wait_gone(pid, 10)
    return True


def stop() -> bool:
    try:
        state = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return False
    pid = state.get("pid")
    stopped = isinstance(pid, int) and stop_pid(pid)  # the server and anything it started
    state_path().unlink(missing_ok=True)
    return stopped


def configure_environment() -> str:
    """Set the quiet defaults, and point at the recorded server when no API is set.
    Returns how the run will reach Prefect, for the user."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    if os.environ.get("PREFECT_API_URL"):
        return f"Prefect API {os.environ['PREFECT_API_URL']}"
    state = running()
    if state:
        os.environ["PREFECT_API_URL"] = state["api_url"]
        return f"Prefect server {state['ui_url']} (boilerstrip server)"
    return "temporary Prefect server (start one with `boilerstrip server start` for faster runs)"
