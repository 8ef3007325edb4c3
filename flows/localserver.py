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
import re
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


def log_path() -> Path:
    return prefect_home() / "boilerstrip-server.log"


_LOG_LINE = re.compile(r"^\d\d:\d\d:\d\d(?:\.\d+)? \| (\w+)\s*\| ")


def log_errors(state: dict, limit: int = 1 << 20) -> list[str]:
    """The ERROR entries the recorded server logged since it started, one line each: the
    exception that ends its traceback when there is one ("InvalidRequestError: Can't
    evaluate bulk DML statement ..."), else the log line."""
    path = log_path()
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(state.get("log_offset", 0), size - limit))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return []
    errors: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        level = _LOG_LINE.match(line)
        if level:
            current = [line.strip()] if level.group(1) in ("ERROR", "CRITICAL") else None
            if current is not None:
                errors.append(current)
        elif current is not None and line.strip():
            current.append(line.strip())
    summaries = []
    for entry in errors:
        raised = [x for x in entry[1:] if re.match(r"^[\w.]+(Error|Exception|Exit)\b.*:", x)]
        summaries.append((raised[-1] if raised else entry[0])[:300])
    return summaries


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


DEFAULT_PORT = 4200
"""Prefect's own default: the `export PREFECT_API_URL=http://127.0.0.1:4200/api` line
stays true across restarts, and matches Prefect's documentation."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def choose_port(wanted: int | None) -> tuple[int, str | None]:
    """The port to start on, and a note for the user when it is not the one asked for:
    the stable default, or any free port when something else holds it."""
    port = wanted or DEFAULT_PORT
    if port_is_free(port):
        return port, None
    if wanted:  # asked for explicitly: no silent substitute
        raise RuntimeError(f"port {port} on 127.0.0.1 is taken; choose another with --port")
    other = free_port()
    return other, f"port {port} is taken (another program, or another Prefect server); using {other} instead"


def start(port: int | None = None, timeout: float = 120.0, record: bool = True) -> dict:
    """Start `prefect server start` detached; wait until it answers; record it (unless
    `record` is false: a server for one run, which the caller stops with `stop_pid`)."""
    current = running() if record else None
    if current:
        return current
    note = None
    if record:
        port, note = choose_port(port)
    else:
        port = port or free_port()  # a server for one run: any free port
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    log = open(home / "boilerstrip-server.log", "ab")
    log_offset = log.seek(0, os.SEEK_END)
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
    state = {
        "pid": process.pid,
        "api_url": api_url,
        "ui_url": f"http://127.0.0.1:{port}",
        "home": str(home),
        "log_offset": log_offset,
    }
    if note:
        state["note"] = note
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


def alive(pid: int) -> bool:
    """Is `pid` a running process? A child of ours that ended is reaped here, and a zombie
    (ended, not yet reaped by its parent) counts as gone: it holds no port and no files."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:  # not our child
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def wait_gone(pid: int, seconds: float) -> bool:
    """Wait until process `pid` no longer runs; False if it still does after `seconds`."""
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


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
