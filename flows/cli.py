"""The `boilerstrip` command: clean, report, show, serve, deploy, server.

Prefect is imported only inside the commands that need it, after the environment
is set (analytics off, a reachable server reused), so `--help` is instant and no
run waits on a network that is not there.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from . import localserver
from .files import input_root, output_problem, output_root, paths_problem

PROJECT_DIR = Path(__file__).resolve().parent.parent
SERVED = "boilerstrip-serve"
DEPLOYED = "boilerstrip-deploy"
"""Default deployment names of `serve` and `deploy`: distinct, so one never replaces the other."""


def _output(text: str) -> Path:
    try:
        return output_root(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "raw",
        type=input_root,
        help="folder of raw articles (.txt, .html, .htm, optionally .gz), or one such file; "
        "also an fsspec URL (file://, s3://, ...)",
    )
    parser.add_argument("--out", type=_output, required=True, help="output folder (mirrors the input tree)")
    parser.add_argument("--config", type=Path, help="TOML file with [run] and [cleaners] tables")
    parser.add_argument("--batch-size", type=int, help="files per Prefect task (default 500)")
    parser.add_argument("--format", choices=("auto", "text", "html"), help="input format (default auto)")
    parser.add_argument(
        "--workers",
        type=int,
        help="processes that clean: 0 = one per core (default), 1 = the flow process only; with --dask: Dask workers",
    )
    parser.add_argument(
        "--repeated-lines",
        action="store_true",
        default=None,
        help="first gather per-site line statistics, so remove_repeated_lines can drop lines a site repeats",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boilerstrip", description="Strip boilerplate from scraped articles.")
    commands = parser.add_subparsers(dest="command", required=True)

    clean = commands.add_parser("clean", help="clean a folder of articles now (Prefect flow, no setup needed)")
    _add_run_options(clean)
    clean.add_argument(
        "--dask",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="run the batches on Dask: a scheduler address (tcp://host:8786), or none for a local cluster "
        "of --workers processes",
    )
    clean.add_argument("--force", action="store_true", help="redo every file, even unchanged ones")
    clean.add_argument("--verbose", action="store_true", help="show Prefect's log lines")

    report = commands.add_parser("report", help="write OUT/report.html: a run's outputs to read in a browser")
    report.add_argument("out", type=Path, help="output folder of a run (the one holding manifest.jsonl)")

    show = commands.add_parser("show", help="print a diff log (colours on a terminal)")
    show.add_argument("path", type=Path, help="a .diff file, or a source file cleaned into --out")
    show.add_argument("--out", type=Path, default=Path("clean"), help="output folder to look in (default clean)")
    show.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    serve = commands.add_parser("serve", help="serve the flow with a schedule (long-running; Ctrl-C stops)")
    _add_run_options(serve)
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron schedule, e.g. "0 3 * * *"')
    when.add_argument("--interval", type=int, help="seconds between runs")
    serve.add_argument("--name", default=SERVED, help=f"deployment name (default {SERVED})")

    deploy = commands.add_parser("deploy", help="deploy to a work pool; `boilerstrip worker --pool NAME` runs it")
    _add_run_options(deploy)
    deploy.add_argument("--pool", required=True, help="process work pool (created if missing)")
    sched = deploy.add_mutually_exclusive_group()
    sched.add_argument("--cron", help='cron schedule, e.g. "0 3 * * *"')
    sched.add_argument("--interval", type=int, help="seconds between runs")
    deploy.add_argument("--name", default=DEPLOYED, help=f"deployment name (default {DEPLOYED})")

    worker = commands.add_parser(
        "worker",
        help="run a work pool's deployments (Prefect's process worker; stops on one kill -TERM, "
        "even when started in the background)",
    )
    worker.add_argument("--pool", required=True, help="work pool to take runs from")
    worker.add_argument("--limit", type=int, help="most flow runs at once (default: no limit)")
    worker.add_argument("--name", dest="worker_name", help="worker name shown in Prefect (default: generated)")

    server = commands.add_parser("server", help="a local Prefect server that boilerstrip commands reuse")
    server.add_argument("action", choices=("start", "stop", "status"))
    server.add_argument(
        "--port",
        type=int,
        help=f"port on 127.0.0.1 (default {localserver.DEFAULT_PORT}; a free one if that is taken, with a note)",
    )

    doctor = commands.add_parser(
        "doctor", help="check that scheduled runs will fire: packages, server, its log, the scheduler itself"
    )
    doctor.add_argument("--quick", action="store_true", help="skip the scheduler probe (a deployment made and deleted)")
    doctor.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the scheduler (default 30)")
    return parser


def _parameters(args: argparse.Namespace) -> dict:
    raw = str(args.raw.resolve()) if isinstance(args.raw, Path) else args.raw
    params = {"raw_dir": raw, "out_dir": str(args.out.resolve())}
    if args.config:
        params["config"] = str(args.config.resolve())
    if args.batch_size:
        params["batch_size"] = args.batch_size
    if args.format:
        params["format"] = args.format
    if args.workers is not None:
        params["workers"] = args.workers
    if args.repeated_lines:
        params["repeated_lines"] = True
    return params


def _check_inputs(args: argparse.Namespace):
    """Fail before Prefect starts: a wrong folder or a bad config should cost no wait.
    Returns the settings, with the command line's run options applied."""
    from cleaners import ConfigError, PhraseError

    from .settings import load_settings

    problem = paths_problem(args.raw, args.out)
    if problem:
        _usage_error(problem)
    if args.batch_size is not None and args.batch_size < 1:
        _usage_error("--batch-size must be at least 1")
    if args.workers is not None and args.workers < 0:
        _usage_error("--workers must be 0 (one per core) or more")
    try:
        settings = load_settings(args.config).with_run(
            workers=args.workers, dask=getattr(args, "dask", None), repeated_lines=args.repeated_lines
        )
    except (ConfigError, PhraseError) as err:
        _usage_error(str(err))
    unwritable = output_problem(args.out)  # last: it makes the folder
    if unwritable:
        _usage_error(f"cannot write to output folder {args.out}: {unwritable}")
    return settings


def _usage_error(message: str) -> None:
    print(f"boilerstrip: error: {message}", file=sys.stderr)
    raise SystemExit(2)


class Progress:
    """A bar on a terminal, plain lines otherwise (logs, CI)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.bar = None
        if self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self.bar = Bar(
                TextColumn("cleaning"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[status]}"),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("clean", total=total, status="")

    def __call__(self, done: int, status: dict[str, int]) -> None:
        text = ", ".join(f"{count} {name}" for name, count in sorted(status.items()))
        if self.bar is not None:
            self.bar.update(self.task, completed=done, status=text)
        elif time.monotonic() - self.last > 2 or done == self.total:
            self.last = time.monotonic()
            print(f"cleaned {done}/{self.total} files ({text})", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _loopback(url: str) -> bool:
    import ipaddress
    from urllib.parse import urlsplit

    host = urlsplit(url if "://" in url else f"tcp://{url}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _dask_runner(dask: str, workers: int, stack: ExitStack):
    """prefect-dask's DaskTaskRunner for `--dask`, with a Prefect API its workers reach.

    Dask workers run the batch tasks, and each needs the Prefect API: Prefect sends them
    the flow's settings, PREFECT_API_URL included, with every task. Without one, each
    worker would start a temporary server of its own and time out. So: a configured or
    recorded server is used; for a local cluster or a scheduler on this machine, a
    server is started for this run; a scheduler elsewhere needs PREFECT_API_URL set to
    an address its workers can reach (a loopback URL would point them at themselves)."""
    from . import runners

    api = os.environ.get("PREFECT_API_URL")
    remote = dask != "local" and not _loopback(dask)
    if remote and (not api or _loopback(api)):
        told = f"PREFECT_API_URL is {api}, which only this machine reaches" if api else "no PREFECT_API_URL is set"
        _usage_error(
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


def print_summary(markdown: str) -> None:
    """The run summary: drawn as tables on a terminal, Markdown as written everywhere else
    (a pipe, a log, CI), so that what a program reads is the file's text."""
    if not sys.stdout.isatty():
        sys.stdout.write(markdown)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(markdown))


def cmd_clean(args: argparse.Namespace) -> int:
    settings = _check_inputs(args)
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    via = localserver.configure_environment()
    with ExitStack() as stack:
        runner = None
        if settings.run.dask:
            runner, where = _dask_runner(settings.run.dask, settings.run.workers, stack)
            via = f"{where}, Prefect API {os.environ['PREFECT_API_URL']}"
        print(f"boilerstrip: {args.raw} -> {args.out} via {via}", file=sys.stderr, flush=True)
        return _clean(args, runner, settings.run.dask)


def _clean(args: argparse.Namespace, runner, dask: str) -> int:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from .flow import clean_corpus, count_inputs, progress_hooks

    progress = Progress(count_inputs(args.raw))
    progress_hooks.append(progress)
    started = time.time()
    flow = clean_corpus.with_options(task_runner=runner) if runner is not None else clean_corpus
    try:
        # No worker watches this run for crashes, so its heartbeat thread only costs
        # time (about 1 s per run joining it).
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            counts = flow(**_parameters(args), force=args.force, **({"dask": dask} if dask else {}))
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        # Hand over buffered logs and events now rather than in Prefect's exit hook,
        # which prints "Still processing items" warnings while it waits.
        APILogWorker.drain_all(timeout=10)
        EventsWorker.drain_all(timeout=10)
    finally:
        progress_hooks.remove(progress)
        progress.close()
    print_summary((args.out / "run-summary.md").read_text(encoding="utf-8"))
    report = args.out / "report.html"
    if report.is_file() and report.stat().st_mtime >= started:
        print(f"boilerstrip: run report: {report.resolve().as_uri()}", file=sys.stderr)
    failed = counts.get("failed", 0)
    if failed:
        print(f"boilerstrip: {failed} file(s) failed; see {args.out / 'manifest.jsonl'}", file=sys.stderr)
    return 1 if failed else 0


_COLOURS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "#": "\x1b[2m"}


def _find_diff(path: Path, out: Path) -> Path:
    if path.suffix == ".diff":
        return path
    manifest = out / "manifest.jsonl"
    if not manifest.exists():
        _usage_error(f"{path} is not a .diff and {manifest} does not exist")
    wanted = path.as_posix()
    best: dict | None = None
    with open(manifest, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            source = record["source"]
            if (wanted == source or wanted.endswith("/" + source)) and record.get("diff"):
                if best is None or len(source) > len(best["source"]):
                    best = record
    if best is None:
        _usage_error(f"{path} is not in {manifest}")
    return out / best["diff"]


def cmd_report(args: argparse.Namespace) -> int:
    """No Prefect needed: the report is made from the files a run left in OUT."""
    from .report import ReportError, write_report

    try:
        path = write_report(args.out)
    except ReportError as err:
        print(f"boilerstrip: error: {err}", file=sys.stderr)
        return 1
    print(path)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    diff = _find_diff(args.path, args.out)
    try:
        text = diff.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        _usage_error(f"{diff} does not exist (run `boilerstrip clean` first, or check the name)")
    except OSError as err:
        _usage_error(f"cannot read {diff}: {err.strerror or err}")
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    if colour:
        text = "".join(
            f"{_COLOURS[line[0]]}{line}\x1b[0m"
            if line[:1] in _COLOURS and not line.startswith(("---", "+++"))
            else line
            for line in text.splitlines(keepends=True)
        )
    sys.stdout.write(text)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _check_inputs(args)
    print(f"boilerstrip: serving via {localserver.configure_environment()}", file=sys.stderr, flush=True)
    from .flow import clean_corpus
    from .scheduling import serve

    serve(clean_corpus, name=args.name, cron=args.cron, interval=args.interval, parameters=_parameters(args))
    return 0


def _lasting_server(command: str) -> None:
    """Point at a server that outlives this command, or stop with what to do."""
    via = localserver.configure_environment()
    if "temporary" in via:
        _usage_error(
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
    from .scheduling import exec_worker

    exec_worker(args.pool, extra)
    return 0  # not reached: the process is now Prefect's worker


def cmd_deploy(args: argparse.Namespace) -> int:
    _check_inputs(args)
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
        parameters=_parameters(args),
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
            _usage_error(str(err))
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
    from . import doctor

    return doctor.run(probe=not args.quick, wait=args.wait)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "clean": cmd_clean,
        "report": cmd_report,
        "show": cmd_show,
        "serve": cmd_serve,
        "deploy": cmd_deploy,
        "worker": cmd_worker,
        "server": cmd_server,
        "doctor": cmd_doctor,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
