"""Every runner gives the same outputs, byte for byte: the flow process, local worker
processes, and a Dask cluster (a real `dask.distributed.LocalCluster` of two worker
processes, on 127.0.0.1, driven through prefect-dask's DaskTaskRunner and through
`boilerstrip clean --dask ADDRESS`). Worker processes never import Prefect. Inputs may be
fsspec URLs (memory:// in the flow process, file:// anywhere); outputs must be a folder."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boilerstrip.flows import localserver, runners
from golden import ROOT

BIN = Path(sys.executable).with_name("boilerstrip")
HTML = (
    "<!doctype html><html><head><title>Council vote</title></head><body><article><h1>Council approves budget</h1>"
    "<p>The city council approved the new budget on Tuesday after a long debate about school funding and road "
    "repairs in the northern districts.</p><p>Critics said the plan relies on optimistic tax forecasts.</p>"
    "</article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
)
SKIP = ("run-summary.md", "effective-config.toml")  # the run's duration; the runner it was told to use


def make_corpus(raw: Path) -> Path:
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    for i in range(6):
        for seed in seeds:
            folder = raw / f"site{i % 3}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{seed.stem}-{i}.txt").write_bytes(seed.read_bytes() + f"\n\nEdition {i}.\n".encode())
    (raw / "site1" / "story.html").write_text(HTML)
    (raw / "site1" / "story.txt").write_text("The same output name as story.html: refused, in discovery order.\n")
    (raw / "site2" / "seed.txt.gz").write_bytes(gzip.compress(seeds[4].read_bytes()))
    (raw / "site2" / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not gzip")
    web_archive(
        raw / "site0" / "crawl.warc.gz", "response", [HTML.replace("Tuesday", day) for day in ("Monday", "Friday")]
    )
    web_archive(raw / "site2" / "texts.wet", "conversion", [seed.read_text("utf-8") for seed in seeds[:2]])
    return raw


def web_archive(path: Path, kind: str, bodies: list[str]) -> None:
    """Each archive is a batch of its own, whatever the runner."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for i, body in enumerate(bodies):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            headers = {"http_headers": http} if kind == "response" else {}
            payload = io.BytesIO(body.encode("utf-8"))
            writer.write_record(writer.create_warc_record(f"https://example.org/{i}", kind, payload=payload, **headers))


def outputs(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in SKIP and ".boilerstrip-tmp" not in p.parts
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("runners") / "raw")


@pytest.fixture(scope="module")
def reference(prefect_server, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from boilerstrip.flows.flow import clean_corpus

    out = tmp_path_factory.mktemp("reference") / "clean"
    clean_corpus(str(corpus), str(out), batch_size=4, workers=1)
    return outputs(out)


@pytest.fixture(scope="module")
def dask_cluster(prefect_server):
    """Two worker processes on 127.0.0.1, no dashboard; every process stopped by PID."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None)
    with Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
    assert len(pids) == 2
    try:
        yield cluster
    finally:
        cluster.close()
        for pid in pids:
            if not localserver.wait_gone(pid, 5):
                os.kill(pid, signal.SIGKILL)


def test_worker_processes_never_import_prefect() -> None:
    with runners.local_pool(2) as pool:
        assert runners.compute(pool, runners.imported_prefect) is False
        assert runners.compute(pool, os.getpid) != os.getpid()
    assert runners.compute(None, os.getpid) == os.getpid()  # no pool: in this process


def test_local_worker_processes_give_the_same_outputs(prefect_server, corpus, reference, tmp_path) -> None:
    from boilerstrip.flows.flow import clean_corpus

    out = tmp_path / "clean"
    counts = clean_corpus(str(corpus), str(out), batch_size=4, workers=2)
    assert counts["files"] == 38 and counts["failed"] == 2  # 34 files, and 4 documents of 2 web archives
    assert outputs(out) == reference
    assert "workers = 2" in (out / "effective-config.toml").read_text()


def test_a_dask_cluster_gives_the_same_outputs(prefect_server, dask_cluster, corpus, reference, tmp_path) -> None:
    from prefect_dask import DaskTaskRunner

    from boilerstrip.flows.flow import clean_corpus

    address = dask_cluster.scheduler_address
    out = tmp_path / "clean"
    on_dask = clean_corpus.with_options(task_runner=DaskTaskRunner(address=address))
    counts = on_dask(str(corpus), str(out), batch_size=4, dask=address)
    assert counts["files"] == 38
    assert outputs(out) == reference
    assert f'dask = "{address}"' in (out / "effective-config.toml").read_text()


def test_boilerstrip_clean_dask_address(prefect_server, dask_cluster, corpus, reference, tmp_path) -> None:
    out = tmp_path / "clean"
    address = dask_cluster.scheduler_address
    done = subprocess.run(
        [str(BIN), "clean", f"file://{corpus}", "--out", str(out), "--batch-size", "4", "--dask", address],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr  # broken.txt.gz fails, as in every run
    assert f"via Dask scheduler {address}, Prefect API {prefect_server['api_url']}" in done.stderr
    assert outputs(out) == reference


def test_dask_elsewhere_needs_an_api_its_workers_reach(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "empty-home")  # no recorded server either
    args = [
        str(BIN),
        "clean",
        str(ROOT / "raw"),
        "--out",
        str(tmp_path / "o"),
        "--dask",
        "tcp://scheduler.invalid:8786",
    ]
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and time.monotonic() - started < 20
    assert "no PREFECT_API_URL is set" in done.stderr and "prefect server start --host 0.0.0.0" in done.stderr
    env["PREFECT_API_URL"] = "http://127.0.0.1:9/api"
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and "which only this machine reaches" in done.stderr
    assert not (tmp_path / "o").exists()


def test_memory_filesystem_input(prefect_server, corpus, reference, tmp_path) -> None:
    import fsspec

    from boilerstrip.flows.flow import clean_corpus

    memory = fsspec.filesystem("memory")
    for path in corpus.rglob("*"):
        if path.is_file():
            memory.pipe(f"/boilerstrip-test/{path.relative_to(corpus).as_posix()}", path.read_bytes())
    try:
        out = tmp_path / "clean"
        # worker processes cannot see this process's memory://: the flow cleans it itself
        clean_corpus("memory://boilerstrip-test", str(out), batch_size=4, workers=2)
        assert outputs(out) == reference
    finally:
        memory.rm("/boilerstrip-test", recursive=True)


def test_outputs_must_be_a_folder(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(BIN), "clean", str(ROOT / "raw"), "--out", "memory://out"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "outputs go to a local or shared folder" in done.stderr


def test_in_order_keeps_the_order_and_the_window() -> None:
    from boilerstrip.flows.execution import in_order

    started: list[int] = []
    in_flight = []

    def start(item: int) -> int:
        started.append(item)
        in_flight.append(len(started) - done.count(True))
        return item * 10

    done: list[bool] = []
    results = []
    for item, state in in_order(range(7), start, window=3):
        done.append(True)
        results.append((item, state))
    assert results == [(i, i * 10) for i in range(7)]
    assert max(in_flight) == 3


def test_a_run_of_one_batch_starts_no_worker_processes(
    prefect_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from boilerstrip.flows.flow import clean_corpus

    started: list[int] = []
    real = runners.local_pool
    monkeypatch.setattr(runners, "local_pool", lambda n: started.append(n) or real(n))
    clean_corpus(str(ROOT / "raw"), str(tmp_path / "one"), workers=2)
    assert started == []  # five files, one batch: starting processes would only cost time
    clean_corpus(str(ROOT / "raw"), str(tmp_path / "three"), workers=2, batch_size=2)
    assert started == [2]


@pytest.mark.slow
def test_dask_out_of_the_box_starts_a_local_cluster_and_a_server_for_the_run(tmp_path: Path) -> None:
    """No PREFECT_API_URL and no recorded server: `--dask` starts a Prefect server for the
    run (the workers need one), a local cluster of --workers processes, and stops both."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "home")
    out = tmp_path / "clean"
    args = [str(BIN), "clean", str(ROOT / "raw"), "--out", str(out), "--batch-size", "2", "--dask", "--workers", "2"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "via a local Dask cluster of 2, Prefect API http://127.0.0.1:" in done.stderr
    pid = int(done.stderr.split("(pid ", 1)[1].split(")", 1)[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the run's server is gone
    expected = (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()
    assert (out / "004_b7bbc19097b3fd85.txt").read_bytes() == expected
    assert not (tmp_path / "home" / "boilerstrip-server.json").exists()  # not left for others to reuse
