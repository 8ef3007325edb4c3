"""`python -m boilerstrip.cleaners FILE...`: clean files with the library alone, for a quick look.

    python -m boilerstrip.cleaners raw/004_b7bbc19097b3fd85.txt          # clean text to stdout
    python -m boilerstrip.cleaners --diff raw/004_b7bbc19097b3fd85.txt   # the diff log instead
    curl -s https://example.com/a | python -m boilerstrip.cleaners -     # standard input
    python -m boilerstrip.cleaners a.txt b.html.gz                       # each text after a "==> a.txt <==" line

Gzip input is read by its content, with or without a .gz name.

Whole folders, outputs on disk, manifests and schedules: `boilerstrip clean`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import BoilerstripError, Cleaned, Config, ConfigError, PhraseError, clean, load_config
from .output.difflog import render

NEWLINE = "\n"


def clean_named(name: str, config: Config, format: str, prefix: str = "") -> Cleaned | None:
    """Read `name` (- for standard input) and clean it. What went wrong is one line on
    stderr, naming the file, and None: a pipe's stdout carries clean text only.
    `boilerstrip clean -` is this too."""
    shown = "<stdin>" if name == "-" else name
    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        return clean(raw, config=config, source=shown, format=format)
    except (OSError, BoilerstripError) as err:  # unreadable, not a document, over its time limit
        print(f"{prefix}error: {shown}: {getattr(err, 'strerror', None) or err}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m boilerstrip.cleaners", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", help="raw article files (text or HTML, also gzip); - for standard input")
    parser.add_argument("--config", type=Path, help="TOML file with a [cleaners] table")
    parser.add_argument("--diff", action="store_true", help="print the diff log rather than the clean text")
    parser.add_argument("--format", choices=("auto", "text", "html"), default="auto")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except (ConfigError, PhraseError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    status = 0
    for number, name in enumerate(args.files):
        result = clean_named(name, config, args.format)
        if result is None:
            status = 1
            continue
        shown = result.meta.source or name
        if args.diff:  # a diff log names its file in its own header
            sys.stdout.write(render(result, shown, f"{shown} (clean)"))
            continue
        if len(args.files) > 1:  # as head(1) separates files
            sys.stdout.write(f"{'' if number == 0 else NEWLINE}==> {shown} <==\n")
        sys.stdout.write(result.text)
    sys.stdout.flush()
    return status


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # `python -m boilerstrip.cleaners ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
