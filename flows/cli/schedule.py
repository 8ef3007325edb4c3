"""`boilerstrip serve`, `deploy`, `worker`, `server` and `doctor`: the scheduled path."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import localserver
from .common import check_inputs, parameters, usage_error

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
SERVED = "boilerstrip-serve"
DEPLOYED = "boilerstrip-deploy"
"""Default deployment names of `serve` and `deploy`: distinct, so one never replaces the other."""


def cmd_serve(args: argparse.Namespace) -> int:
    check_inputs(args)
    print(f"boilerstrip: serving via {localserver.configure_environment()}", file=sys.stderr, flush=True)
    from ..flow import clean_corpus
    from ..scheduling import serve

    serve(clean_corpus, name=args.name, cron=args.cron, interval=args.interval, parameters=parameters(args))
    return 0


def _lasting_server(command: str) -> None:
    """Point at a server that outlives this command, or stop with what to do."""
    via = localserver.configure_environment()
    if "temporary" in via:
        usage_error(
            f"{command} needs a Prefect server that outlives this command: run "
            "`boilerstrip server start` or set PREFECT_API_URL"
        )


def cmd_worker(args: argparse.Namespace) -> int:
    _lasting_server("a worker")
    extra = ["--limit", str(args.limit)] if args.limit else []
    if args.worker_name:
        extra += ["--name", args.worker_name]
    print(
        f"boilerstrip: worker for pool {args.pool} via Prefect API {os.environ['PREFECT_API_URL']} "
        f"(pid {os.getpid()}; stop: Ctrl-C or kill -TERM {os.getpid()})",
        file=sys.stderr,
        flush=True,
    )
    from ..scheduling import exec_worker

    exec_worker(args.pool, extra)
    return 0  # not reached: the process is now Prefect's worker


def cmd_deploy(args: argparse.Namespace) -> int:
    check_inputs(args)
    _lasting_server("deploying")
    from prefect import flow as prefect_flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=args.pool, type="process"))
        except ObjectAlreadyExists:
            pass
    deployment = prefect_flow.from_source(source=str(PROJECT_DIR), entrypoint="flows/flow.py:clean_corpus")
    deployment_id = deployment.deploy(
        name=args.name,
        work_pool_name=args.pool,
        parameters=parameters(args),
        cron=args.cron,
        interval=args.interval,
        print_next_steps=False,
        ignore_warnings=True,  # "you're deploying to a process work pool ... try .serve": we know
    )
    print(
        f"deployed boilerstrip-clean/{args.name} ({deployment_id}) to pool {args.pool}; "
        f"run `boilerstrip worker --pool {args.pool}` to execute it"
    )
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    if args.action == "start":
        current = localserver.running()
        try:
            state = current or localserver.start(port=args.port)
        except RuntimeError as err:
            usage_error(str(err))
        if state.get("note"):
            print(f"boilerstrip: {state['note']}", file=sys.stderr)
        print(
            f"Prefect server {'already running ' if current else ''}at {state['ui_url']} (pid {state['pid']}); "
            "boilerstrip commands use it.\n"
            f"For prefect CLI and workers: export PREFECT_API_URL={state['api_url']}"
        )
    elif args.action == "stop":
        print("stopped" if localserver.stop() else "no boilerstrip server was running")
    else:
        state = localserver.running()
        if not state:
            print("not running")
            return 1
        errors = localserver.log_errors(state)
        health = f"{len(errors)} error(s) in its log, last: {errors[-1]}" if errors else "no errors in its log"
        print(f"running at {state['ui_url']} (pid {state['pid']}); {health} ({localserver.log_path()})")
        return 1 if errors else 0
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from .. import doctor

    return doctor.run(probe=not args.quick, wait=args.wait)
