"""The `boilerstrip` command: its arguments, and which module runs each command
(`run`: clean, report, show; `schedule`: serve, deploy, worker, server, doctor).

Prefect is imported only inside the commands that need it, after the environment
is set (analytics off, a reachable server reused), so `--help` is instant and no
run waits on a network that is not there.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import localserver
from ..files import output_root
from ..inputs import InputRoot
from .run import cmd_clean, cmd_export, cmd_report, cmd_show
from .schedule import DEPLOYED, SERVED, cmd_deploy, cmd_doctor, cmd_serve, cmd_server, cmd_worker


def _output(text: str) -> Path:
    try:
        return output_root(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _add_run_options(parser: argparse.ArgumentParser, pipes: bool = False) -> None:
    parser.add_argument(
        "raw",
        type=InputRoot.of,
        help="folder of raw articles (.txt, .html, .htm, optionally .gz), or one such file; "
        "also an fsspec URL (file://, s3://, ...)" + ("; - cleans standard input to standard output" if pipes else ""),
    )
    parser.add_argument(
        "--out", type=_output, required=not pipes, help="output folder (mirrors the input tree; not with -)"
    )
    parser.add_argument("--config", type=Path, help="TOML file with [run] and [cleaners] tables")
    parser.add_argument("--batch-size", type=int, help="files per Prefect task (default 500)")
    parser.add_argument("--format", choices=("auto", "text", "html"), help="input format (default auto)")
    parser.add_argument(
        "--workers",
        type=int,
        help="processes that clean: 0 = one per core (default), 1 = the flow process only; with --dask: Dask workers",
    )
    parser.add_argument(
        "--wait-for-lock",
        type=float,
        metavar="SECONDS",
        help="when another run is writing into --out, wait up to SECONDS for it to finish "
        "(default: refuse at once, exit status 75)",
    )
    parser.add_argument(
        "--urls",
        type=Path,
        metavar="FILE",
        help='each input\'s url: lines of source<TAB>url (.tsv) or {"source": ..., "url": ...} (.jsonl); '
        "default: RAW/urls.tsv if there is one",
    )
    parser.add_argument(
        "--repeated-lines",
        action="store_true",
        default=None,
        help="first gather per-site line statistics, so remove_repeated_lines can drop lines a site repeats",
    )


def _add_export_options(parser: argparse.ArgumentParser, flag: str, what: str, required: bool = False) -> None:
    parser.add_argument(
        flag,
        dest="export",
        type=Path,
        metavar="FILE",
        required=required,
        help=f"{what}: FILE ends in .jsonl.gz, .jsonl or .parquet; rewritten only when the run's outputs changed",
    )
    parser.add_argument(
        "--include-failed",
        action="store_true",
        help="also list failed and empty inputs in the corpus file (no text; `error` says why)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boilerstrip", description="Strip boilerplate from scraped articles.")
    commands = parser.add_subparsers(dest="command", required=True)

    clean = commands.add_parser("clean", help="clean a folder of articles now (Prefect flow, no setup needed)")
    _add_run_options(clean, pipes=True)
    clean.add_argument(
        "--dask",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="run the batches on Dask: a scheduler address (tcp://host:8786), or none for a local cluster "
        "of --workers processes",
    )
    clean.add_argument("--force", action="store_true", help="redo every file, even unchanged ones")
    _add_export_options(clean, "--export", "after the run, also write its corpus file (as `boilerstrip export`)")
    clean.add_argument("--verbose", action="store_true", help="show Prefect's log lines")
    clean.add_argument(
        "--jsonl",
        action="store_true",
        help='RAW is a JSONL file (or - for standard input) of {"id", "text" | "html", "url", ...} records: '
        "one cleaned record per line to standard output, in input order (no Prefect)",
    )
    clean.add_argument("--diff", type=Path, metavar="FILE", help="with -: write the diff log to FILE")
    clean.add_argument("--edits", action="store_true", help="with --jsonl: every edit in each output record")

    export = commands.add_parser(
        "export", help="write a run's clean texts and their records as one corpus file (JSON Lines or Parquet)"
    )
    export.add_argument("out", type=Path, help="output folder of a run (the one holding manifest.jsonl)")
    _add_export_options(export, "--to", "the corpus file to write", required=True)

    report = commands.add_parser("report", help="write OUT/report.html: a run's outputs to read in a browser")
    report.add_argument("out", type=Path, help="output folder of a run (the one holding manifest.jsonl)")
    report.add_argument(
        "--wait-for-lock",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when a run is writing into OUT, wait up to SECONDS for it to finish (default: refuse at once, exit 75)",
    )

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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "clean": cmd_clean,
        "export": cmd_export,
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
