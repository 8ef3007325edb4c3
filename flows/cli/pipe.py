"""`boilerstrip clean -` and `boilerstrip clean --jsonl [FILE|-]`: cleaning in a pipe.

No Prefect, no server, no output folder: standard input (or one JSONL file) in, clean
text or one JSON record per input line out on standard output. Notes and errors go to
standard error only, so what a pipe carries on is data.

    boilerstrip clean - --format text < in.txt > out.txt
    boilerstrip clean --jsonl - --workers 2 < in.jsonl | jq -r 'select(.status == "cleaned") | .text'

Exit status: 0 all cleaned, 1 a document (or record) failed, 2 usage or config errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from typing import IO, Any

from boilerstrip.cleaners import Config
from boilerstrip.cleaners.many import Result, clean_many

from ..outputs import removed_share
from ..work import no_text
from .common import usage_error

PREFIX = "boilerstrip: "
FOLDER_ONLY = ("out", "dask", "batch_size", "force", "repeated_lines", "wait_for_lock")


def wanted(args: argparse.Namespace) -> bool:
    """This command cleans a pipe: RAW is "-", or --jsonl was given."""
    return bool(args.jsonl) or (args.raw.local and args.raw.location == "-")


def cmd_pipe(args: argparse.Namespace) -> int:
    given = [f"--{name.replace('_', '-')}" for name in FOLDER_ONLY if getattr(args, name, None)]
    if given:
        usage_error(f"{', '.join(given)}: only for cleaning a folder, not with `clean -` or `clean --jsonl`")
    if not args.jsonl and (args.edits or args.workers is not None):
        usage_error("--edits and --workers are for --jsonl streams; `clean -` cleans one document")
    if args.jsonl and args.diff:
        usage_error("--diff FILE is for `clean -` (one document); with --jsonl, --edits puts the edits in each record")
    if args.workers is not None and args.workers < 0:
        usage_error("--workers must be 0 (one per core) or more")
    config = _config(args)
    try:
        return _stream(args, config) if args.jsonl else _one(args, config)
    except BrokenPipeError:  # `... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _config(args: argparse.Namespace) -> Config:
    """The [cleaners] table of --config, read as a folder run reads it ([run] is allowed, and ignored)."""
    from boilerstrip.cleaners import ConfigError, PhraseError

    from ..settings import load_settings

    try:
        return load_settings(args.config).cleaners
    except (ConfigError, PhraseError) as err:
        usage_error(str(err))
        raise  # not reached: usage_error exits


def _one(args: argparse.Namespace, config: Config) -> int:
    """One document from standard input: its clean text on stdout, its diff log in --diff FILE."""
    from boilerstrip.cleaners.__main__ import clean_named
    from boilerstrip.cleaners.output.difflog import render

    result = clean_named("-", config, args.format or "auto", prefix=PREFIX)
    if result is None:
        return 1
    empty = no_text(result)
    if empty:
        print(f"{PREFIX}error: <stdin>: {empty}", file=sys.stderr)
        return 1
    if args.diff:  # before stdout: a diff that cannot be written leaves nothing half done downstream
        try:
            args.diff.write_bytes(render(result, "<stdin>", "<stdin> (clean)").encode("utf-8", "surrogateescape"))
        except OSError as err:
            usage_error(f"cannot write the diff log {args.diff}: {err.strerror or err}")
    sys.stdout.buffer.write(result.text.encode("utf-8"))
    sys.stdout.flush()
    return 0


def _stream(args: argparse.Namespace, config: Config) -> int:
    named = "<stdin>" if args.raw.location == "-" else args.raw.location
    workers = 1 if args.workers is None else args.workers
    if args.raw.location == "-":
        return stream(sys.stdin.buffer, sys.stdout.buffer, named, workers, config, args.format or "auto", args.edits)
    if not args.raw.local:
        usage_error(f"--jsonl reads a local file or - (standard input), not {args.raw.location}")
    try:
        source = open(args.raw.path, "rb")
    except OSError as err:
        usage_error(f"cannot read {named}: {err.strerror or err}")
    with source:
        return stream(source, sys.stdout.buffer, named, workers, config, args.format or "auto", args.edits)


def stream(
    source: IO[bytes], out: IO[bytes], named: str, workers: int, config: Config, format: str, edits: bool = False
) -> int:
    """One output record per input line, in input order, each written when it is ready;
    input is read only as far as the workers' in-flight bound. Status 1 when a record failed."""
    lines: deque[tuple[int, str | None]] = deque()  # line number and problem of each record in flight
    failed = 0
    for result in clean_many(_records(source, lines), workers=workers, config=config, format=format):
        number, problem = lines.popleft()
        record = output_record(result, number, problem, edits=edits)
        if record["status"] == "failed":
            failed += 1
            print(f"{PREFIX}error: {named} line {number}: {record['error']}", file=sys.stderr, flush=True)
        out.write(_dumps(record))
        out.flush()  # a consumer downstream sees each record when it is ready
    return 1 if failed else 0


def _records(source: IO[bytes], lines: deque[tuple[int, str | None]]) -> Iterator[dict[str, Any]]:
    """The input's records; a line that is not a JSON object is an empty record whose
    problem `lines` keeps, so that it still gets its place in the output. Blank lines are skipped."""
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            problem = None if isinstance(record, dict) else f"not a JSON object but {type(record).__name__}"
        except (ValueError, RecursionError) as err:  # bad JSON, bad UTF-8, nesting beyond Python's stack
            record, problem = {}, f"not JSON: {err}"
        lines.append((number, problem))
        yield record if problem is None else {}


def output_record(result: Result, line: int, problem: str | None, *, edits: bool = False) -> dict[str, Any]:
    """The input record's own keys (but "html"), then what cleaning found; ours win a clash."""
    kept = {key: value for key, value in (result.record or {}).items() if key != "html"}
    cleaned = result.cleaned
    problem = problem or (no_text(cleaned) if cleaned is not None else None)  # as a folder run says it
    meta = cleaned.meta if cleaned is not None else None
    out: dict[str, Any] = {
        **kept,
        "id": kept.get("id"),
        "url": kept.get("url"),
        "line": line,
        "status": "cleaned" if cleaned is not None and problem is None else "failed",
        "error": problem or result.error,
        "text": cleaned.text if cleaned is not None and problem is None else None,
        "language": meta.language if meta else None,
        "language_prob": meta.language_prob if meta else None,
        "needs_review": meta.needs_review if meta else None,
        "review_reason": meta.review_reason if meta else None,
        "removed_share": removed_share(meta.words_removed, meta.words_before) if meta else None,
    }
    if edits:
        out["edits"] = [edit.to_dict() for edit in cleaned.edits] if cleaned is not None else []
    return out


LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
"""Valid inside a JSON string, but line ends to Python's str.splitlines and to some
JavaScript readers: escaped, so a record is always exactly one line, whatever splits it."""


def _dumps(record: dict[str, Any]) -> bytes:
    """One line of UTF-8 JSON; with \\u escapes when the record holds text UTF-8 cannot carry
    (a lone surrogate from the input's own escapes)."""
    try:
        return (json.dumps(record, ensure_ascii=False).translate(LINE_BREAKS) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record) + "\n").encode("ascii")
