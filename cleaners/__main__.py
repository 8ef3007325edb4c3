"""`python -m cleaners FILE...`: clean files with the library alone, for a quick look.

    python -m cleaners raw/004_b7bbc19097b3fd85.txt          # clean text to stdout
    python -m cleaners --diff raw/004_b7bbc19097b3fd85.txt   # the diff log instead

Whole folders, outputs on disk, manifests and schedules: `boilerstrip clean`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import ConfigError, PhraseError, clean, load_config
from .difflog import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleaners", description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="raw article files (text or HTML)")
    parser.add_argument("--config", type=Path, help="TOML file with a [cleaners] table")
    parser.add_argument("--diff", action="store_true", help="print the diff log rather than the clean text")
    parser.add_argument("--format", choices=("auto", "text", "html"), default="auto")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except (ConfigError, PhraseError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in args.files:
        result = clean(path.read_bytes(), config=config, source=path, format=args.format)
        sys.stdout.write(render(result, str(path), f"{path} (clean)") if args.diff else result.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
