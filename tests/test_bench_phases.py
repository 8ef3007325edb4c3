"""`bench.phases`: the hook times a real run's phases in each of its processes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bench import phases
from golden import ROOT


def test_without_data_it_says_so_and_measures_nothing(tmp_path: Path, capsys) -> None:
    assert phases.main(["--data", str(tmp_path / "absent"), "--workdir", str(tmp_path)]) == 0
    assert "nothing measured" in capsys.readouterr().out


def test_a_run_reports_each_process_and_its_phases(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    for i in range(3):  # two batches of 4 (one worker process may take both)
        shutil.copy(next(raw.glob("*.txt")), raw / f"copy{i}.txt")
    seconds, text = phases.run(raw, tmp_path / "out", ["--workers", "2", "--batch-size", "4"], dict(os.environ))
    assert seconds > 0
    blocks = text.strip().split("\n\n")
    flow = [b for b in blocks if b.startswith("flow process")]
    workers = [b for b in blocks if b.startswith("worker")]
    assert len(flow) == 1 and 1 <= len(workers) <= 2, text
    assert "| journal a batch | 2 |" in flow[0] and "| report |" in flow[0]
    cleaned = [int(line.split("|")[2]) for b in workers for line in b.splitlines() if "| batch: clean() |" in line]
    assert sum(cleaned) == 8  # every document, once, in a worker process
    assert all("| batch: write outputs |" in b and "| elsewhere |" in b for b in workers)
