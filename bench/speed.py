"""Speed benchmark: the bare library loop against `boilerstrip clean` with each runner.

Run from the repository root (the data stays outside the repository)::

    .venv/bin/python -m bench.speed --data ../shared/bench/scrapinghub --n 20000
    .venv/bin/python -m bench.speed --data ... --n 10000 50000 100000 --modes flow-2
    .venv/bin/python -m bench.speed --data ... --profile      # where the time goes, per stage

For each N it writes a corpus of N articles under `--workdir` (from the fixtures, the
sample articles and the benchmark's `text-recall/` texts, or `html/` pages with
`--format html`; each file gets a unique line at a random paragraph break, so no two
files are the same), then runs, one after the other, on that corpus:

- `loop`: the bare library loop in one process: read, `cleaners.clean`, render the diff
  log, write the .txt and the .diff (what a script calling the library writes);
- `flow-1`: `boilerstrip clean --workers 1` (batches in the flow process);
- `flow-1-noreport`: the same with `[run] report = false` (the outputs the loop writes,
  plus the manifest and summary: the cost of orchestration alone);
- `flow-2`: `boilerstrip clean --workers 2` (two local worker processes; the default on
  two cores);
- `dask-1`, `dask-2`: `boilerstrip clean --dask --workers 1|2` (a local Dask cluster).

Every run is a fresh process writing to an empty folder. All flow runs use one Prefect
server, started once (as `boilerstrip server start` would); its start is not timed. Per
run: wall time, CPU time (user+sys) of the run's processes and of the Prefect server,
the CPU time every *other* process on the machine used meanwhile (a shared machine makes
wall times noisy: that column shows how much), peak memory (RSS summed over the run's
process tree, sampled four times a second), documents per second. Results go to
`bench/results/speed.json` and `speed.md`. Without `--data` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import signal
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench.sampling import sampled

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RESULTS = Path(__file__).resolve().parent / "results"
MODES = {
    "loop": None,
    "flow-1": ["--workers", "1"],
    "flow-1-noreport": ["--workers", "1", "--config", "{noreport}"],
    "flow-2": ["--workers", "2"],
    "dask-1": ["--dask", "--workers", "1"],
    "dask-2": ["--dask", "--workers", "2"],
}
SITES = 50


# --------------------------------------------------------------------------- the corpus


def sources(data: Path, fmt: str) -> list[tuple[str, bytes]]:
    if fmt == "html":
        pages = [(p.name.removesuffix(".gz"), gzip.decompress(p.read_bytes())) for p in sorted(data.glob("html/*.gz"))]
        return pages + [(p.name, p.read_bytes()) for p in sorted(ROOT.glob("fixtures/*/*/input.html"))]
    texts = [(p.name, p.read_bytes()) for p in sorted(ROOT.glob("fixtures/*/*/input.txt"))]
    texts += [(p.name, p.read_bytes()) for p in sorted(ROOT.glob("raw/*.txt"))]
    return texts + [(p.name, p.read_bytes()) for p in sorted(data.glob("text-recall/*.txt"))]


def vary(raw: bytes, i: int, rng: random.Random, fmt: str) -> bytes:
    """The same article with one line of its own, at a random paragraph break."""
    line = f"Filed by correspondent {i} from desk {rng.randrange(1000)} on day {rng.randrange(365)}."
    if fmt == "html":
        marks = [m for m in range(len(raw)) if raw.startswith(b"</p>", m)][:50] or [len(raw)]
        at = rng.choice(marks)
        return raw[:at] + f"</p><p>{line}".encode() + raw[at:]
    breaks = [m for m in range(len(raw) - 1) if raw[m : m + 2] == b"\n\n"][:50] or [len(raw)]
    at = rng.choice(breaks)
    return raw[:at] + f"\n\n{line}".encode() + raw[at:]


def make_corpus(data: Path, n: int, fmt: str, where: Path) -> Path:
    """N files in SITES folders; written once and reused (a marker records N and format)."""
    marker = where / "corpus.json"
    if marker.is_file() and json.loads(marker.read_text()) == {"n": n, "format": fmt}:
        return where / "raw"
    shutil.rmtree(where, ignore_errors=True)
    rng = random.Random(n)
    pool = sources(data, fmt)
    suffix = ".html" if fmt == "html" else ".txt"
    for i in range(n):
        folder = where / "raw" / f"site{i % SITES:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        _, raw = pool[i % len(pool)]
        (folder / f"doc{i:06d}{suffix}").write_bytes(vary(raw, i, rng, fmt))
    marker.write_text(json.dumps({"n": n, "format": fmt}))
    return where / "raw"


# --------------------------------------------------------------------------- the bare loop


def loop(raw: Path, out: Path) -> int:
    """The library on its own: what a script that calls it in a loop would write."""
    from boilerstrip.cleaners import clean
    from boilerstrip.cleaners.output.difflog import render

    count = 0
    for path in sorted(raw.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(raw)
        result = clean(path.read_bytes(), source=str(rel), format="auto")
        target = (out / rel).with_suffix(".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        text = result.text if result.text.endswith("\n") or not result.text else result.text + "\n"
        target.write_text(text, encoding="utf-8")
        log = render(result, f"raw/{rel}", f"clean/{rel.with_suffix('.txt')}")
        target.with_suffix(".diff").write_bytes(log.encode("utf-8", "surrogateescape"))
        count += 1
    return count


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    mode: str
    n: int
    format: str
    repeat: int
    seconds: float
    cpu_seconds: float  # user+sys of the run's processes (children waited for included)
    server_cpu_seconds: float  # the Prefect server's, during the run
    others_cpu_seconds: float  # every other process on the machine, during the run
    peak_mb: float  # RSS summed over the run's process tree, sampled
    docs_per_second: float
    load_before: float  # 1-minute load average when the run started
    returncode: int


def busy_cpu() -> float:
    import psutil

    times = psutil.cpu_times()
    return times.user + times.system + getattr(times, "nice", 0.0)


def measure(mode: str, raw: Path, out: Path, n: int, fmt: str, repeat: int, env: dict, server: int | None) -> Run:
    import psutil

    shutil.rmtree(out, ignore_errors=True)
    if MODES[mode] is None:
        command = [sys.executable, "-m", "bench.speed", "--loop", str(raw), str(out)]
    else:
        noreport = out.parent / "noreport.toml"
        noreport.write_text("[run]\nreport = false\n")
        options = [option.format(noreport=noreport) for option in MODES[mode]]
        command = [str(Path(sys.executable).with_name("boilerstrip")), "clean", str(raw), "--out", str(out), *options]
    server_proc = psutil.Process(server) if server else None
    server_before = sum(server_proc.cpu_times()[:2]) if server_proc else 0.0
    load = os.getloadavg()[0]
    busy_before = busy_cpu()
    done = sampled(command, env)
    busy = busy_cpu() - busy_before
    seconds, cpu, err = done.seconds, done.cpu, done.stderr
    server_cpu = (sum(server_proc.cpu_times()[:2]) - server_before) if server_proc else 0.0
    if done.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace")[-3000:])
    shutil.rmtree(out, ignore_errors=True)
    return Run(
        mode,
        n,
        fmt,
        repeat,
        round(seconds, 2),
        round(cpu, 2),
        round(server_cpu, 2),
        round(max(0.0, busy - cpu - server_cpu), 2),
        round(done.peak / 2**20, 1),
        round(n / seconds, 1),
        round(load, 2),
        done.returncode,
    )


def start_server(home: Path) -> tuple[dict, dict]:
    env = {**os.environ, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    sys.path.insert(0, str(ROOT))
    from boilerstrip.flows import localserver

    os.environ["PREFECT_HOME"] = str(home)
    os.environ.pop("PREFECT_API_URL", None)
    state = localserver.start(timeout=180)
    env.update(localserver.QUIET_ENV)
    env["PREFECT_API_URL"] = state["api_url"]
    return state, env


# --------------------------------------------------------------------------- reporting


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("prefect", "prefect-dask", "distributed", "langdetect", "ftfy", "trafilatura", "numpy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "-"
    return out


def markdown(runs: list[Run], meta: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    lines = [
        f"Measured {meta['date']} on {meta['cpus']} cores; {versions}.",
        "",
        "| N | format | mode | run | wall s | docs/s | CPU s run | CPU s server | CPU s others | peak MB | load |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| {r.n:,} | {r.format} | {r.mode} | {r.repeat} | {r.seconds:.1f} | {r.docs_per_second:.0f} | "
            f"{r.cpu_seconds:.1f} | {r.server_cpu_seconds:.1f} | {r.others_cpu_seconds:.1f} | {r.peak_mb:.0f} | "
            f"{r.load_before:.2f} |"
        )
    return "\n".join(lines) + "\n"


def profile(data: Path, top: int) -> None:
    """Where the time goes: per stage (each cleaner, decode, extraction, the language
    detector proper), then cProfile's top entries by own time, for the text and the HTML
    path, over the benchmark texts and pages and the fixtures. CPU time of this process,
    so that a shared machine moves the figures less."""
    import cProfile
    import pstats
    from collections import defaultdict

    sys.path.insert(0, str(ROOT))
    import boilerstrip.cleaners.input.reader as reader
    import boilerstrip.cleaners.pipeline as pipeline
    from boilerstrip.cleaners import clean
    from boilerstrip.cleaners.input import html
    from boilerstrip.cleaners.language import detect as language

    stages: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] += time.process_time() - t

        return wrapper

    for name, step in pipeline.REGISTRY.items():
        method = "detect" if issubclass(step, pipeline.Detector) else "find"
        setattr(step, method, timed(name, getattr(step, method)))
    reader.decode = timed("decode", reader.decode)
    html.extract = timed("html.extract (trafilatura and pre-pass)", html.extract)
    detector = language._get_detector()
    detector.probabilities = timed("  detect_language: the detector proper", detector.probabilities)
    for fmt in ("text", "html"):
        docs = [raw for _, raw in sources(data, fmt)]
        for raw in docs:
            clean(raw, format=fmt)  # warm: profiles, matchers, imports
        stages.clear()
        started = time.process_time()
        for raw in docs:
            clean(raw, format=fmt)
        total = time.process_time() - started
        print(f"\n## {fmt} path: {len(docs)} documents, {1000 * total / len(docs):.2f} ms each")
        for name, spent in sorted(stages.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {name:44s} {1000 * spent / len(docs):7.3f} ms  {100 * spent / total:5.1f} %")
        prof = cProfile.Profile()
        prof.enable()
        for raw in docs:
            clean(raw, format=fmt)
        prof.disable()
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="the scrapinghub benchmark folder (text-recall/, html/)")
    parser.add_argument("--n", type=int, nargs="+", default=[20000], help="corpus sizes (default 20000)")
    parser.add_argument("--format", choices=("text", "html"), default="text")
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode (interleaved)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/boilerstrip-bench"))
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--profile", action="store_true", help="print where the time goes, and stop")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--loop", nargs=2, type=Path, metavar=("RAW", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.loop:
        sys.path.insert(0, str(ROOT))
        loop(*args.loop)
        return 0
    if args.data is None or not (args.data / "text-recall").is_dir():
        print(f"bench.speed: benchmark data not found at {args.data} (give --data DIR); nothing measured")
        return 0
    if args.profile:
        profile(args.data, args.top)
        return 0
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "versions": versions(),
        "command": " ".join(["python -m bench.speed", *(argv if argv is not None else sys.argv[1:])]),
    }
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server on `kill`, too
    runs: list[Run] = []
    home = args.workdir / "prefect-home"
    state, env = start_server(home) if any(MODES[m] for m in args.modes) else ({}, dict(os.environ))
    try:
        for n in args.n:
            raw = make_corpus(args.data, n, args.format, args.workdir / f"corpus-{args.format}-{n}")
            for repeat in range(1, args.repeat + 1):
                for mode in args.modes:
                    run = measure(mode, raw, args.workdir / "out", n, args.format, repeat, env, state.get("pid"))
                    runs.append(run)
                    print(json.dumps(asdict(run)), flush=True)
    finally:
        if state:
            from boilerstrip.flows import localserver

            localserver.stop()
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "speed.json").write_text(json.dumps({"meta": meta, "runs": [asdict(r) for r in runs]}, indent=1))
    table = markdown(runs, meta)
    (args.results / "speed.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
