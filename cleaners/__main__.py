"""`python -m cleaners`: clean files with the library alone (no Prefect), for a quick look.

python -m cleaners raw/004_b7bbc19097b3fd85.txt          # clean text to stdout
python -m cleaners --diff raw/004_b7bbc19097b3fd85.txt   # the diff log instead
python -m cleaners raw --out clean                       # .txt and .diff per file
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import ConfigError, PhraseError, clean, load_config
from .difflog import render


def _inputs(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(file, path relative to the folder it was found in), in a stable order."""
    found = []
    for path in paths:
        if path.is_dir():
            found += [(f, f.relative_to(path)) for f in sorted(path.rglob("*.txt")) if f.is_file()]
        else:
            found.append((path, Path(path.name)))
    return found


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleaners", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="files, or folders searched for *.txt")
    parser.add_argument("--config", type=Path, help="TOML file with a [cleaners] table")
    parser.add_argument("--out", type=Path, help="write <name>.txt and <name>.diff here instead of printing")
    parser.add_argument("--diff", action="store_true", help="print the diff log rather than the clean text")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except (ConfigError, PhraseError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path, rel in _inputs(args.paths):
        result = clean(path.read_bytes(), config=config, source=path)
        if args.out is None:
            sys.stdout.write(render(result, str(path), f"{path} (clean)") if args.diff else result.text)
            continue
        out_txt = args.out / rel.with_suffix(".txt")
        write_atomic(out_txt, result.text.encode("utf-8"))
        write_atomic(out_txt.with_suffix(".diff"), render(result, str(path), str(out_txt)).encode("utf-8"))
        review = f"  NEEDS REVIEW: {result.meta.review_reason}" if result.meta.needs_review else ""
        removed = sum(1 for e in result.edits if e.kind == "removal")
        print(f"{path} -> {out_txt}: {removed} removals, {len(result.edits)} edits{review}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
