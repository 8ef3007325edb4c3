"""Kill the command with SIGKILL at random points, many times, then let it finish: the
outputs and the manifest are those of an uninterrupted run, and no output file ever
exists half-written under its final name."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from golden import ROOT

BIN = Path(sys.executable).with_name("boilerstrip")
TRIALS = int(os.environ.get("BOILERSTRIP_KILL_TRIALS", "8"))


def make_corpus(raw: Path, copies: int = 60) -> None:
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    for i in range(copies):
        for seed in seeds:
            folder = raw / f"part{i % 7}"
            folder.mkdir(parents=True, exist_ok=True)
            text = seed.read_text("utf-8") + f"\n\nEdition {i}: printed for subscribers in district {i * 7}.\n"
            (folder / f"{seed.stem}-{i}.txt").write_text(text, encoding="utf-8")


def outputs(out: Path) -> dict[str, bytes]:
    """Everything a run leaves, but the summary (it states the run's duration)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "run-summary.md" and ".boilerstrip-tmp" not in p.parts
    }


def start(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN), "clean", str(raw), "--out", str(out), "--batch-size", "10"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_killed_runs_resume_to_the_uninterrupted_result(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_corpus(raw, copies=50)
    reference = tmp_path / "reference"
    started = time.monotonic()
    assert start(raw, reference).wait(timeout=300) == 0
    full_run = time.monotonic() - started
    expected = outputs(reference)

    # one kill surely mid-run, then resume: byte for byte the uninterrupted result
    once = tmp_path / "once"
    process = start(raw, once)
    time.sleep(0.7 * full_run)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert start(raw, once).wait(timeout=300) == 0
    assert outputs(once) == expected

    # many kills at random points: a trial that happens to finish makes the next runs
    # report files as unchanged, so statuses may differ; everything else may not
    out = tmp_path / "clean"
    rng = random.Random(20261122)
    killed_mid_run = 0
    for _trial in range(TRIALS):
        process = start(raw, out)
        # up to 0.7 of a full run: most trials die mid-run (one that finishes leaves the later ones little to do)
        time.sleep(rng.uniform(0.3, 0.7 * full_run))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            killed_mid_run += 1
        for name, data in outputs(out).items():
            if name.endswith((".txt", ".diff")):  # never a partial file under a final name
                assert data == expected[name], name
    assert killed_mid_run >= TRIALS // 3
    assert start(raw, out).wait(timeout=300) == 0
    final = outputs(out)
    assert without_status(final.pop("manifest.jsonl")) == without_status(expected["manifest.jsonl"])
    # the run report shows each document's status too; its bytes were compared above
    assert without_report(final) == without_report({k: v for k, v in expected.items() if k != "manifest.jsonl"})
    second = start(raw, out)
    assert second.wait(timeout=300) == 0
    manifest = (out / "manifest.jsonl").read_text("utf-8")
    assert manifest.count('"status": "skipped-unchanged"') == len(list(raw.rglob("*.txt")))
    print(f"1 + {TRIALS} trials, {killed_mid_run} of them killed mid-run; full run {full_run:.1f} s")


def without_report(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k != "report.html" and not k.startswith("report/")}


def without_status(manifest: bytes) -> list[dict]:
    return [{k: v for k, v in json.loads(line).items() if k != "status"} for line in manifest.splitlines()]


@pytest.mark.parametrize("changed", ["part3/002_8e9a21fb34cd7e9b-3.txt"])
def test_changing_one_file_recleans_exactly_that_file(prefect_server, tmp_path: Path, changed: str) -> None:
    raw = tmp_path / "raw"
    make_corpus(raw, copies=8)
    out = tmp_path / "clean"
    assert start(raw, out).wait(timeout=300) == 0
    path = raw / changed
    path.write_text(path.read_text("utf-8") + "\nBack to top\n", encoding="utf-8")
    assert start(raw, out).wait(timeout=300) == 0
    manifest = (out / "manifest.jsonl").read_text("utf-8").splitlines()
    cleaned = [line for line in manifest if '"status": "cleaned"' in line]
    assert len(cleaned) == 1 and f'"source": "{changed}"' in cleaned[0]
