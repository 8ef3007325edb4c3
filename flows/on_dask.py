"""Everything Dask: the task runner `boilerstrip clean --dask` starts the flow on, the
Prefect API its workers need, and what the flow asks of the cluster once running.

Dask workers run the batch tasks, and each needs the Prefect API: Prefect sends them the
flow's settings, PREFECT_API_URL included, with every task. Without one, each worker
would start a temporary server of its own and time out. So: a configured or recorded
server is used; for a local cluster or a scheduler on this machine, a server is started
for this run; a scheduler elsewhere needs PREFECT_API_URL set to an address its workers
can reach (a loopback URL would point them at themselves).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from contextlib import ExitStack
from urllib.parse import urlsplit

from boilerstrip.cleaners.errors import BoilerstripError

from . import localserver, runners


class DaskUsageError(BoilerstripError, ValueError):
    """`--dask` cannot work as asked; the message says what to set."""


def loopback(url: str) -> bool:
    host = urlsplit(url if "://" in url else f"tcp://{url}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def task_runner(dask: str, workers: int, stack: ExitStack):
    """prefect-dask's DaskTaskRunner for `dask` ("local" or a scheduler address), and how
    to name it; a Prefect server for this run is entered on `stack` when one is needed."""
    api = os.environ.get("PREFECT_API_URL")
    remote = dask != "local" and not loopback(dask)
    if remote and (not api or loopback(api)):
        told = f"PREFECT_API_URL is {api}, which only this machine reaches" if api else "no PREFECT_API_URL is set"
        raise DaskUsageError(
            f"--dask {dask}: its workers need a Prefect API they can reach, and {told}. Run a Prefect server "
            "they can reach (e.g. `prefect server start --host 0.0.0.0`) and set PREFECT_API_URL="
            "http://THIS-HOST:4200/api here; the workers get it from the flow"
        )
    if not api:
        print("boilerstrip: starting a Prefect server for this run (Dask workers need one) ...", file=sys.stderr)
        state = stack.enter_context(localserver.for_this_run())
        os.environ["PREFECT_API_URL"] = state["api_url"]
        print(
            f"boilerstrip: Prefect server {state['ui_url']} (pid {state['pid']}) until the run ends; "
            "`boilerstrip server start` keeps one for every run",
            file=sys.stderr,
        )
    from prefect_dask import DaskTaskRunner

    if dask != "local":
        return DaskTaskRunner(address=dask), f"Dask scheduler {dask}"
    n = runners.workers_for(workers)
    cluster = {"n_workers": n, "processes": True, "threads_per_worker": 1, "host": "127.0.0.1"}
    return DaskTaskRunner(cluster_kwargs={**cluster, "dashboard_address": None}), f"a local Dask cluster of {n}"


def current_threads() -> int | None:
    """Worker threads of the Dask cluster the running flow is on; None when not on Dask."""
    from prefect.context import FlowRunContext

    runner = FlowRunContext.get().task_runner
    if type(runner).__name__ != "DaskTaskRunner":
        return None
    return max(1, sum(runner.client.nthreads().values()))


class Pages:
    """The Dask cluster as the report's page renderer (it wants `submit` and a size, as a
    process pool has): pages are rendered where the batches were cleaned."""

    def __init__(self, threads: int) -> None:
        from prefect.context import FlowRunContext

        self.client = FlowRunContext.get().task_runner.client
        self._max_workers = threads

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)
