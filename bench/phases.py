"""Where a run's time goes, process by process: `boilerstrip clean` with each phase timed.

Run from the repository root (the data stays outside the repository)::

    .venv/bin/python -m bench.phases --data ../shared/bench/scrapinghub --n 5000 --workers 1 2
    .venv/bin/python -m bench.phases --raw raw --workers 1        # any folder of inputs

Each run is `boilerstrip clean RAW --out OUT --workers N` (or `--dask`) on `bench.speed`'s
corpus of N articles (or `--raw`), under one Prefect server started first, as
`bench.speed` runs it. `bench/phase_hook/sitecustomize.py` is put on the run's
PYTHONPATH: in every process of the run (flow process, forkserver, worker processes, Dask
workers) it times the phases of a batch (read, clean, diff log, edit log, write, sync),
the journal and the report, as CPU time of the thread that runs them and as wall time.
Printed per process: its CPU time (user, system), then each phase's CPU and wall
seconds and its share of the process's CPU; "elsewhere" is what no phase covers
(start-up, Prefect, the pool, other threads). Without data it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from bench.sampling import sampled

HOOK = Path(__file__).resolve().parent / "phase_hook"
TOP = ("batch", "journal a batch", "report")  # the phases no other phase holds in the same process


def role(figures: dict, first: int) -> str:
    if figures["pid"] == first:
        return "flow process"
    if figures["calls"].get("batch") or figures["calls"].get("report: document views"):
        return "worker"
    return "helper (forkserver, resource tracker, ...)"


def table(folder: Path) -> str:
    """The figures of every process of one run, as markdown."""
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    if not found:
        return "(no process reported: did the run start?)\n"
    first = min(found, key=lambda f: f["started"])["pid"]
    lines = []
    for figures in sorted(found, key=lambda f: (f["pid"] != first, f["started"])):
        total = figures["user"] + figures["sys"]
        if total < 0.05:
            continue
        who = role(figures, first)
        lines.append(
            f"\n{who} (pid {figures['pid']}): {total:.2f} s CPU ({figures['user']:.2f} user, "
            f"{figures['sys']:.2f} system), alive {figures['ended'] - figures['started']:.1f} s"
        )
        lines.append("| phase | calls | CPU s | wall s | share of its CPU |")
        lines.append("|---|---:|---:|---:|---:|")
        for phase, spent in sorted(figures["cpu"].items(), key=lambda kv: -kv[1]):
            share = 100 * spent / total if total else 0.0
            lines.append(
                f"| {phase} | {figures['calls'][phase]} | {spent:.2f} | {figures['wall'][phase]:.2f} | {share:.1f} % |"
            )
        covered = sum(figures["cpu"].get(phase, 0.0) for phase in TOP)
        if "report" not in figures["cpu"]:  # a worker renders the report's views outside any report
            covered += figures["cpu"].get("report: document views", 0.0)
        lines.append(f"| elsewhere | | {total - covered:.2f} | | {100 * (total - covered) / total:.1f} % |")
    return "\n".join(lines) + "\n"


def run(raw: Path, out: Path, options: list[str], env: dict) -> tuple[float, str]:
    """One run with the hook; its wall time and the per-process tables."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="boilerstrip-phases-") as folder:
        hooked = {**env, "BOILERSTRIP_PHASES": folder}
        hooked["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOK), env.get("PYTHONPATH")]))
        command = [str(Path(sys.executable).with_name("boilerstrip")), "clean", str(raw), "--out", str(out), *options]
        done = sampled(command, hooked)
        if done.returncode not in (0, 1):
            sys.stderr.write(done.stderr.decode(errors="replace")[-3000:])
        return done.seconds, table(Path(folder))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.phases", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="the scrapinghub benchmark folder (text-recall/, html/)")
    parser.add_argument("--raw", type=Path, help="a folder of inputs to run on instead of bench.speed's corpus")
    parser.add_argument("--n", type=int, default=5000, help="articles in the corpus (default 5000)")
    parser.add_argument("--format", choices=("text", "html"), default="text")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="one run per value (default 1 2)")
    parser.add_argument("--dask", action="store_true", help="run on a local Dask cluster of that many workers")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/boilerstrip-bench"))
    args = parser.parse_args(argv)
    from bench.speed import make_corpus, start_server

    if args.raw is not None:
        raw = args.raw
    elif args.data is not None and (args.data / "text-recall").is_dir():
        raw = make_corpus(args.data, args.n, args.format, args.workdir / f"corpus-{args.format}-{args.n}")
    else:
        print(f"bench.phases: benchmark data not found at {args.data} (give --data DIR or --raw DIR); nothing measured")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on `kill`, too
    _state, env = start_server(args.workdir / "prefect-home")
    try:
        for workers in args.workers:
            options = ["--workers", str(workers), *(["--dask"] if args.dask else [])]
            seconds, text = run(raw, args.workdir / "out-phases", options, env)
            print(f"\n## boilerstrip clean {' '.join(options)} on {raw}: {seconds:.1f} s wall\n{text}", flush=True)
    finally:
        from boilerstrip.flows import localserver

        localserver.stop()
        shutil.rmtree(args.workdir / "out-phases", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
