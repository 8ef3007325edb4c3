"""`boilerstrip clean`, `report` and `show`: a run now, and reading what it wrote."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from .. import localserver
from ..outputs import DIFF, MANIFEST, REPORT, SUMMARY
from .common import busy, check_free, check_inputs, parameters, usage_error


class Progress:
    """A bar on a terminal, plain lines otherwise (logs, CI)."""

    def __init__(self, total: int, unit: str = "files") -> None:
        """`total` inputs: files, or files and web archives (`unit` says which; the counts
        per status are of documents, and an archive holds many)."""
        self.total = total
        self.unit = unit
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
            print(f"cleaned {done}/{self.total} {self.unit} ({text})", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


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
    from .pipe import cmd_pipe, wanted

    if wanted(args):  # `clean -` or `clean --jsonl`: no Prefect, no output folder
        return cmd_pipe(args)
    if args.out is None:
        usage_error("the following arguments are required: --out (or clean standard input: `boilerstrip clean -`)")
    if args.diff or args.edits:
        usage_error("--diff and --edits are for `clean -` and `clean --jsonl`; a folder run writes every diff log")
    settings = check_inputs(args)
    check_free(args)
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    via = localserver.configure_environment()
    with ExitStack() as stack:
        runner = None
        if settings.run.dask:
            from ..on_dask import DaskUsageError, task_runner

            try:
                runner, where = task_runner(settings.run.dask, settings.run.workers, stack)
            except DaskUsageError as err:
                usage_error(str(err))
            via = f"{where}, Prefect API {os.environ['PREFECT_API_URL']}"
        print(f"boilerstrip: {args.raw} -> {args.out} via {via}", file=sys.stderr, flush=True)
        return _clean(args, settings, runner)


class _Reported(logging.Filter):
    """Prefect's log lines about what this command reports itself in one line (a full
    disk, a busy folder): without `--verbose`, a user sees that line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ..files import DISK_ERRORS, OutputFull
        from ..lock import OutputBusy

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OutputFull | OutputBusy):
            return False
        text = record.getMessage()
        return not any(f"[Errno {number}]" in text for number in DISK_ERRORS)


def _clean(args: argparse.Namespace, settings, runner) -> int:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from ..files import OutputFull
    from ..flow import clean_corpus, count_inputs
    from ..lock import OutputBusy

    if not args.verbose:
        for name in ("prefect.flow_runs", "prefect.task_runs"):
            logging.getLogger(name).addFilter(_Reported())
    inputs, archives = count_inputs(args.raw)
    progress = Progress(inputs, "inputs (files and web archives)" if archives else "files")
    started = time.time()
    flow = clean_corpus.with_options(task_runner=runner) if runner is not None else clean_corpus
    try:
        # No worker watches this run for crashes, so its heartbeat thread only costs
        # time (about 1 s per run joining it).
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            counts = flow(**parameters(args), force=args.force, settings=settings, progress=progress)
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        # Hand over buffered logs and events now rather than in Prefect's exit hook,
        # which prints "Still processing items" warnings while it waits.
        APILogWorker.drain_all(timeout=10)
        EventsWorker.drain_all(timeout=10)
    except OutputBusy as err:  # another run took the folder since check_free, or did not let go in time
        progress.close()
        busy(str(err))
    except OutputFull as err:
        progress.close()
        print(f"boilerstrip: error: {err}", file=sys.stderr)
        return STOPPED
    finally:
        progress.close()
    print_summary((args.out / SUMMARY).read_text(encoding="utf-8"))
    report = args.out / REPORT
    if report.is_file() and report.stat().st_mtime >= started:
        print(f"boilerstrip: run report: {report.resolve().as_uri()}", file=sys.stderr)
    failed = counts.get("failed", 0)
    if failed:
        print(f"boilerstrip: {failed} file(s) failed; see {args.out / MANIFEST}", file=sys.stderr)
    return 1 if failed else 0


STOPPED = 74  # EX_IOERR: the output folder took no more writes (full, read-only); a rerun resumes

_COLOURS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "#": "\x1b[2m"}


def _find_diff(path: Path, out: Path) -> Path:
    if path.suffix == DIFF:
        return path
    manifest = out / MANIFEST
    if not manifest.exists():
        usage_error(f"{path} is not a .diff and {manifest} does not exist")
    from ..report.folder import ReportError
    from ..report.records import inside, read_manifest

    wanted = path.as_posix()
    best: dict | None = None
    try:
        for record in read_manifest(manifest):
            source = record.get("source") or ""
            if source and (wanted == source or wanted.endswith("/" + source)) and record.get("diff"):
                if best is None or len(source) > len(best["source"]):
                    best = dict(record)
    except ReportError as err:
        usage_error(str(err))
    except OSError as err:
        usage_error(f"cannot read {manifest}: {err.strerror or err}")
    if best is None:
        usage_error(f"{path} is not in {manifest}")
    diff = inside(out, best["diff"])
    if diff is None:
        usage_error(f"{manifest}: the diff log of {best['source']} ({best['diff']}) is not inside {out}")
    return diff


def cmd_export(args: argparse.Namespace) -> int:
    """No Prefect needed: the corpus file is made from the files a run left in OUT."""
    from ..export import ExportError, ExportUsage, export

    try:
        written = export(args.out, args.export, args.include_failed)
    except ExportUsage as err:
        usage_error(str(err))
    except ExportError as err:
        print(f"boilerstrip: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"boilerstrip: error: cannot write {args.export}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"boilerstrip: {args.export}: {'written' if written else 'unchanged, not rewritten'}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """No Prefect needed: the report is made from the files a run left in OUT. It takes
    the folder's lock, so it never reads a run's half-written manifest."""
    from ..lock import OutputBusy, OutputLock
    from ..report import ReportError, write_report

    lock = OutputLock(args.out)
    try:
        if args.out.is_dir():
            lock.acquire(wait=args.wait_for_lock)
        path = write_report(args.out)
    except OutputBusy as err:
        busy(str(err))
    except ReportError as err:
        print(f"boilerstrip: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"boilerstrip: error: cannot write the report in {args.out}: {err}", file=sys.stderr)
        return 1
    finally:
        lock.release()
    print(path)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    diff = _find_diff(args.path, args.out)
    try:
        text = diff.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        usage_error(f"{diff} does not exist (run `boilerstrip clean` first, or check the name)")
    except OSError as err:
        usage_error(f"cannot read {diff}: {err.strerror or err}")
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
