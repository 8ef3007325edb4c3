"""A longer fuzz campaign than the test suite runs: mutated real articles and random
bytes through `clean`, checking the properties the tests check on fewer cases.

    .venv/bin/python -m bench.fuzz --cases 20000 [--seed 1] [--save DIR]

Properties: never raises; output is valid UTF-8; the edits replay to the output;
cleaning the output again changes nothing; every output line is an input line unless
an edit changed text inside a line. A failing case is written to --save (default
/tmp/boilerstrip-fuzz) as a file to reproduce it with, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

from boilerstrip.cleaners import clean, replay

ROOT = Path(__file__).resolve().parent.parent
JUNK = [
    b"Be the first to comment",
    b"Leave a Reply",
    b"Advertisement",
    b"{mosads}",
    b"Load more",
    b"Back to top",
    b"Tags Ash Carter ISIS Russia Syria",
    b"\xc2\xa9 2024 Example",
    b"Sign in",
    b"Share this",
    b"\xc2\xa0",
    b"3 Comments",
    b"Hi Milan,",
    b"\r\n",
    b"\x00",
    b"\xff\xfe",
    b"\xc3\xa9",
    b"\xe2\x80\x99",
    b"<p>",
    b"</div>",
]
BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def corpus() -> list[bytes]:
    paths = sorted((ROOT / "raw").glob("*.txt")) + sorted((ROOT / "fixtures").glob("*/*/input.*"))
    return [p.read_bytes() for p in paths]


def mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        at = rng.randrange(len(data) + 1)
        if op == 0:
            data[at:at] = rng.choice(JUNK)
        elif op == 1 and data:
            del data[at : at + rng.randint(1, 200)]
        elif op == 2 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op == 3:
            lines = bytes(data).split(b"\n")
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
        elif op == 4:
            data[at:at] = b"\n" + rng.choice(JUNK) + b"\n"
        else:
            data[at:at] = "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randint(1, 20))).encode()
    return bytes(data)


def check(raw: bytes) -> str | None:
    """The first property that does not hold, or None."""
    try:
        result = clean(raw)
    except Exception as err:
        return f"raised {type(err).__name__}: {err}"
    try:
        result.text.encode("utf-8")
    except UnicodeEncodeError:
        return "output is not valid UTF-8"
    if replay(result.decoded, result.edits) != result.text:
        return "edits do not replay to the output"
    # The output is text whatever the input was (the flow writes it as .txt, which a
    # later run reads as text); markup an extractor let through must not send the
    # second pass to HTML extraction.
    if clean(result.text, format="text").text != result.text:
        return "not idempotent"
    inside = [e for e in result.edits if e.kind != "whitespace" and "\n" not in e.removed + e.replacement]
    if not inside:
        source = {" ".join(CONTROLS.sub("", line).split()) for line in BREAKS.split(result.decoded)}
        for line in result.text.splitlines():
            if " ".join(CONTROLS.sub("", line).split()) not in source:
                return f"line from nowhere: {line[:60]!r}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, default=Path("/tmp/boilerstrip-fuzz"))
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    articles = corpus()
    started = time.monotonic()
    failures = 0
    for case in range(1, args.cases + 1):
        if case % 5 == 0:
            raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
        else:
            raw = mutate(rng, rng.choice(articles))
        problem = check(raw)
        if problem:
            failures += 1
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"case-{args.seed}-{case}.bin").write_bytes(raw)
            print(f"case {case}: {problem}", file=sys.stderr)
        if case % 1000 == 0:
            print(f"{case} cases, {failures} failing, {time.monotonic() - started:.0f} s", flush=True)
    print(f"done: {args.cases} cases (seed {args.seed}), {failures} failing, {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
