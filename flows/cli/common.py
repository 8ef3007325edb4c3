"""What every command shares: one-line usage errors, the input checks made before
Prefect starts, and the flow's parameters as a deployment stores them."""

from __future__ import annotations

import argparse
import sys

from ..files import output_problem
from ..lock import busy_message, probe
from ..settings import Settings

BUSY = 75


def parameters(args: argparse.Namespace) -> dict:
    """The flow's parameters as a deployment stores them (JSON, absolute paths)."""
    raw = str(args.raw.path.resolve()) if args.raw.local else args.raw.location
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
    if args.wait_for_lock:
        params["wait_for_lock"] = args.wait_for_lock
    if args.urls:
        params["urls"] = str(args.urls.resolve())
    if getattr(args, "export", None):
        params["export"] = str(args.export.resolve())
        params["include_failed"] = args.include_failed
    return params


def check_inputs(args: argparse.Namespace) -> Settings:
    """Fail before Prefect starts: a wrong folder or a bad config should cost no wait.
    Returns the settings, with the command line's run options applied."""
    from boilerstrip.cleaners import ConfigError, PhraseError

    from ..settings import load_settings

    problem = args.raw.problem() or args.raw.overlap(args.out)
    if problem:
        usage_error(problem)
    if args.batch_size is not None and args.batch_size < 1:
        usage_error("--batch-size must be at least 1")
    if args.workers is not None and args.workers < 0:
        usage_error("--workers must be 0 (one per core) or more")
    if args.wait_for_lock is not None and not args.wait_for_lock >= 0:
        usage_error("--wait-for-lock must be 0 seconds or more")
    try:
        settings = load_settings(args.config).with_run(
            workers=args.workers, dask=getattr(args, "dask", None), repeated_lines=args.repeated_lines
        )
    except (ConfigError, PhraseError) as err:
        usage_error(str(err))
    from ..sites import UrlMapError, read_urls, sidecar_for

    sidecar = sidecar_for(args.raw.location, args.raw.local, args.urls and str(args.urls))
    try:
        if sidecar is not None:
            read_urls(sidecar)
    except UrlMapError as err:
        usage_error(str(err))
    if getattr(args, "export", None):
        from ..export import ExportUsage, check_format

        try:
            check_format(args.export)
        except ExportUsage as err:
            usage_error(str(err))
        unwritable = output_problem(args.export.parent)
        if unwritable:
            usage_error(f"cannot write export {args.export}: {unwritable}")
    unwritable = output_problem(args.out)  # last: it makes the folder
    if unwritable:
        usage_error(f"cannot write to output folder {args.out}: {unwritable}")
    return settings


def check_free(args: argparse.Namespace) -> None:
    """Refuse at once when another run writes into OUT (and this one would not wait): a
    scheduled run meeting a manual one is common, and should cost no Prefect start."""
    holder = None if args.wait_for_lock else probe(args.out)
    if holder:
        busy(busy_message(args.out, holder))


def busy(message: str) -> None:
    """Another run has the output folder: exit status 75 (EX_TEMPFAIL, "try again later"),
    apart from usage errors (2) and failed files (1), for schedulers to tell them apart."""
    print(f"boilerstrip: error: {message}", file=sys.stderr)
    raise SystemExit(BUSY)


def usage_error(message: str) -> None:
    print(f"boilerstrip: error: {message}", file=sys.stderr)
    raise SystemExit(2)
