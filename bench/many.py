"""`clean_many` benchmark: the text path on 1 worker against 2 (target: 2 workers >= 1.7x).

Run from the repository root (the data stays outside the repository)::

    .venv/bin/python -m bench.many --data ../shared/bench/scrapinghub --n 3000

The documents are bench.speed's text corpus (fixtures, sample articles, `text-recall/`),
each with a unique line of its own (`bench.speed.vary`), held in memory: no disk in the
timing. Each worker count runs once on the same documents, pool start included (what a
caller pays); the outputs of every run must be the same text. It prints a Markdown table
with the load average before and after each run and the machine's idle share during it
(a shared machine makes wall times noisy: with no idle CPU a second worker cannot help)
and writes `bench/results/many.json`. Without `--data` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

from boilerstrip import clean_many

from .speed import DEFAULT_RESULTS, sources, vary


def corpus(data: Path, n: int) -> list[bytes]:
    rng = random.Random(n)
    pool = sources(data, "text")
    return [vary(pool[i % len(pool)][1], i, rng, "text") for i in range(n)]


def cpu_seconds() -> float:
    """User+sys CPU of this process and its own finished children (not the pool's workers,
    which are the forkserver's children: compare `machine_idle`)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def idle_share(before: tuple[float, float], after: tuple[float, float]) -> float:
    """The machine's idle share of CPU time between two `cpu_idle_total()` readings:
    near 0 means every core was busy (with this run or others), and a second worker had no core to run on."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else 0.0


def cpu_idle_total() -> tuple[float, float]:
    """Idle and total CPU seconds of the machine, all cores, from /proc/stat (Linux)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return (0.0, 0.0)
    ticks = os.sysconf("SC_CLK_TCK")
    return (fields[3] + fields[4]) / ticks, sum(fields[:8]) / ticks


def run(docs: list[bytes], workers: int) -> dict:
    load_before, idle_before = os.getloadavg()[0], cpu_idle_total()
    digest = hashlib.sha256()
    cpu, started = cpu_seconds(), time.perf_counter()
    failed = 0
    for result in clean_many(docs, workers=workers, format="text"):
        if result.cleaned is None:
            failed += 1
        else:
            digest.update(result.cleaned.text.encode("utf-8", "surrogatepass"))
    wall = time.perf_counter() - started
    return {
        "workers": workers,
        "docs": len(docs),
        "failed": failed,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu_seconds() - cpu, 2),
        "docs_per_s": round(len(docs) / wall, 1),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "machine_idle": round(idle_share(idle_before, cpu_idle_total()), 3),
        "output_sha256": digest.hexdigest()[:16],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.many", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="the benchmark folder holding text-recall/")
    parser.add_argument("--n", type=int, default=3000, help="documents (default 3000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    args = parser.parse_args(argv)
    if args.data is None or not (args.data / "text-recall").is_dir():
        print("bench.many: no --data folder with text-recall/; nothing to measure", file=sys.stderr)
        return 0
    docs = corpus(args.data, args.n)
    runs = [run(docs, workers) for workers in args.workers]
    base = runs[0]["wall_s"]
    print("| workers | docs | wall s | CPU s | docs/s | speed-up | load avg before/after | machine idle |")
    print("|---|---|---|---|---|---|---|---|")
    for r in runs:
        speedup = base / r["wall_s"]
        row = [r["workers"], r["docs"], r["wall_s"], r["cpu_s"], r["docs_per_s"], f"{speedup:.2f}x"]
        print(
            "| " + " | ".join(map(str, row)) + f" | {r['load_before']} / {r['load_after']} | {r['machine_idle']:.0%} |"
        )
    if len({r["output_sha256"] for r in runs}) != 1:
        print("bench.many: the worker counts gave different outputs", file=sys.stderr)
        return 1
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "many.json").write_text(json.dumps({"runs": runs, "cpus": os.cpu_count()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
