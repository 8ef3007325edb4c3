"""Web-archive benchmark: reading speed, the cost of cleaning from an archive against the
same pages as files, and a whole run over a large archive (time and peak memory).

Run from the repository root (the data stays outside the repository; archives are built
under `--workdir` from the benchmark's pages, repeated as needed)::

    .venv/bin/python -m bench.warc --data ../shared/bench/scrapinghub ../shared/bench/wcxb-dev
    .venv/bin/python -m bench.warc --data ... --read 0 --compare 0 --run 100000 --shape crawl

- `--read N`: an archive of N response records; read with `flows.archives.members` (what a
  run does before cleaning: records parsed, HTTP headers parsed, bodies read) and, when
  installed, with warcio; CPU seconds on one core, records/s. Also a `crawl`-shaped one
  (request, response, metadata per page, as Common Crawl writes them).
- `--compare N`: N pages cleaned, outputs written, in this process, once as files and once
  from one `.warc.gz`, alternating for `--rounds` rounds; CPU time of each, the ratio, and
  whether the clean texts are the same bytes.
- `--run N`: `boilerstrip clean` (a fresh process, `--workers 1`, the report on) over one
  archive of N records (`--shape responses|crawl|wet`); wall, CPU, peak RSS of the process
  tree, and what it printed.

Without `--data` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pages(data: list[Path]) -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for d in data for p in sorted(d.glob("html/*.html.gz"))]


def texts(data: list[Path]) -> list[bytes]:
    return [p.read_bytes() for d in data for p in sorted(d.glob("text-recall/*.txt"))]


def unique(body: bytes, i: int, html: bool) -> bytes:
    """The page with one line of its own, so that no two records are the same document."""
    line = f"Filed by correspondent {i} from desk {i % 997}."
    if html:
        at = body.rfind(b"</p>")
        return body[:at] + f"</p><p>{line}".encode() + body[at:] if at >= 0 else body + line.encode()
    return body + f"\n\n{line}\n".encode()


def build(path: Path, bodies: list[bytes], records: int, shape: str) -> int:
    """An archive of `records` records (gzip per record, as crawlers write): `responses`
    (every record a page), `crawl` (request, response, metadata per page) or `wet`
    (warcinfo, then conversions). Returns the number of documents in it."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = shape != "wet"
    documents = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        written = 0
        if shape == "wet":
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench.warc"}))
            written = 1
        while written < records:
            url = f"https://www.site{documents % 50}.example.com/story/{documents}"
            body = unique(bodies[documents % len(bodies)], documents, html)
            if shape == "wet":
                record = writer.create_warc_record(url, "conversion", payload=io.BytesIO(body))
                record.rec_headers.replace_header("Content-Type", "text/plain")
                writer.write_record(record)
                written += 1
                documents += 1
                continue
            if shape == "crawl" and written + 1 < records:
                asked = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
                writer.write_record(
                    writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=asked)
                )
                written += 1
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
            written += 1
            documents += 1
            if shape == "crawl" and written < records:
                meta = writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"))
                writer.write_record(meta)
                written += 1
    return documents


# --------------------------------------------------------------------------- reading


def read_ours(path: Path) -> tuple[float, int, int]:
    from boilerstrip.flows.archives import Tally, members

    tally = Tally()
    started = time.process_time()
    with open(path, "rb") as handle:
        for _ in members(handle, 200 << 20, tally):
            pass
    return time.process_time() - started, tally.records, tally.documents


def read_warcio(path: Path) -> tuple[float, int]:
    from warcio.archiveiterator import ArchiveIterator

    started = time.process_time()
    count = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            count += 1
            if record.rec_type == "response":
                record.content_stream().read()
    return time.process_time() - started, count


def reading(bodies: list[bytes], n: int, work: Path) -> list[str]:
    lines = ["## Reading (one core, CPU seconds)", "", "| archive | records | MB | reader | CPU s | records/s |"]
    lines.append("|---|---:|---:|---|---:|---:|")
    for shape in ("responses", "crawl"):
        path = work / f"read-{shape}-{n}.warc.gz"
        build(path, bodies, n, shape)
        size = path.stat().st_size / 1e6
        for name, reader in (("boilerstrip (FastWARC)", read_ours), ("warcio", read_warcio)):
            try:
                runs = [reader(path) for _ in range(3)]
            except ImportError:
                continue
            cpu = statistics.median(run[0] for run in runs)
            records = runs[0][1]
            lines.append(f"| {shape} | {records:,} | {size:.0f} | {name} | {cpu:.2f} | {records / cpu:,.0f} |")
            print(lines[-1], flush=True)
    return lines


# --------------------------------------------------------------------------- archive against files


def clean_folder(raw: Path, out: Path) -> tuple[float, dict[str, str]]:
    """Every input of `raw` cleaned as a run's batch does it, outputs written: CPU seconds,
    and the sha256 of each clean text in input order."""
    from boilerstrip.cleaners import Config
    from boilerstrip.flows.inputs import InputRoot
    from boilerstrip.flows.work import Job, Task, batch_records

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / ".boilerstrip-tmp").mkdir()
    job = Job(InputRoot.of(raw), str(out), Config(), "bench")
    tasks = [Task(item) for item in InputRoot.of(raw).discover()]
    started = time.process_time()
    records = list(batch_records(job, tasks))
    cpu = time.process_time() - started
    shas = [hashlib.sha256((out / r["output"]).read_bytes()).hexdigest() for r in records if r.get("output")]
    return cpu, dict(enumerate(shas))  # type: ignore[arg-type]


def compare(bodies: list[bytes], n: int, rounds: int, work: Path) -> list[str]:
    files, archive = work / "compare-files", work / "compare-archive"
    for folder in (files, archive):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for i in range(n):
        (files / f"page{i:06d}.html").write_bytes(unique(bodies[i % len(bodies)], i, True))
    build(archive / "pages.warc.gz", bodies, n, "responses")
    warm = work / "compare-warm"
    shutil.rmtree(warm, ignore_errors=True)
    warm.mkdir()
    for i in range(5):
        (warm / f"page{i}.html").write_bytes(bodies[i])
    clean_folder(warm, work / "out-warm")  # imports, the extractor's and the detector's first calls: not timed
    pairs = []
    same = True
    for round_ in range(rounds):
        order = [("files", files), ("archive", archive)]
        if round_ % 2:
            order.reverse()
        got = {name: clean_folder(raw, work / f"out-{name}") for name, raw in order}
        pairs.append((got["files"][0], got["archive"][0]))
        same = same and got["files"][1] == got["archive"][1]
        print(f"round {round_ + 1}: files {got['files'][0]:.2f} s, archive {got['archive'][0]:.2f} s", flush=True)
    ratios = [a / f for f, a in pairs]
    return [
        "## Cleaning from an archive against the same pages as files (CPU seconds, one process)",
        "",
        "| pages | rounds | files (median) | archive (median) | archive / files (median of rounds) | same texts |",
        "|---:|---:|---:|---:|---:|---|",
        f"| {n:,} | {rounds} | {statistics.median(p[0] for p in pairs):.2f} | "
        f"{statistics.median(p[1] for p in pairs):.2f} | {statistics.median(ratios):.3f} "
        f"({', '.join(f'{r:.3f}' for r in ratios)}) | {'yes' if same else 'NO'} |",
    ]


# --------------------------------------------------------------------------- a whole run


def whole_run(data: list[Path], n: int, shape: str, work: Path) -> list[str]:
    from bench.sampling import sampled
    from bench.speed import start_server
    from boilerstrip.flows import localserver

    raw, out = work / f"run-{shape}-{n}", work / f"run-{shape}-{n}-out"
    suffix = ".wet.gz" if shape == "wet" else ".warc.gz"
    archive = raw / f"bench{suffix}"
    if not archive.is_file():
        raw.mkdir(parents=True, exist_ok=True)
        build(archive, texts(data) if shape == "wet" else pages(data), n, shape)
    shutil.rmtree(out, ignore_errors=True)
    _state, env = start_server(work / "prefect-home")
    try:
        command = [str(Path(sys.executable).with_name("boilerstrip")), "clean", str(raw), "--out", str(out)]
        load = os.getloadavg()[0]
        done = sampled([*command, "--workers", "1"], env, stdout=True)
    finally:
        localserver.stop()
    tail = done.stderr.decode(errors="replace").strip().splitlines()[-6:]
    summary = done.stdout.decode(errors="replace").strip().splitlines()
    return [
        f"## A whole run: one {shape} archive of {n:,} records ({archive.stat().st_size / 1e6:,.0f} MB)",
        "",
        "| wall s | CPU s | peak RSS (process tree) MB | exit | load at start |",
        "|---:|---:|---:|---:|---:|",
        f"| {done.seconds:,.0f} | {done.cpu:,.0f} | {done.peak / 2**20:,.0f} | {done.returncode} | {load:.2f} |",
        "",
        "What it printed (standard error, last lines; then the summary's first lines):",
        "",
        "```",
        *tail,
        *summary[:8],
        *[line for line in summary if " read whole: " in line],
        "```",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, nargs="*", default=[])
    parser.add_argument("--read", type=int, default=5000, help="records in the reading test (0: skip)")
    parser.add_argument("--compare", type=int, default=300, help="pages in the archive-vs-files test (0: skip)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--run", type=int, default=0, help="records of the archive a whole run cleans (0: skip)")
    parser.add_argument("--shape", choices=("responses", "crawl", "wet"), default="crawl")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/boilerstrip-bench-warc"))
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "warc.md")
    args = parser.parse_args(argv)
    data = [d for d in args.data if (d / "html").is_dir()]
    if not data:
        print("bench.warc: no --data with html/ pages given (see ../shared/bench/); nothing to do")
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    random.seed(0)
    lines = [f"# bench.warc, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", ""]
    bodies = pages(data)
    if args.read:
        lines += [*reading(bodies, args.read, args.workdir), ""]
    if args.compare:
        lines += [*compare(bodies, args.compare, args.rounds, args.workdir), ""]
    if args.run:
        lines += [*whole_run(data, args.run, args.shape, args.workdir), ""]
    text = "\n".join(lines) + "\n"
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
