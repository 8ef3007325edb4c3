"""An input's outputs never take the name of the run's own files, and a name the file
system cannot hold fails alone or, better, gets a shorter name: never a whole batch."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from boilerstrip.cleaners import Config
from boilerstrip.flows.files import TMP_DIR, reset_tmp
from boilerstrip.flows.inputs import InputRoot, output_for
from boilerstrip.flows.outputs import NAME_MAX, RUN_FILES, Status
from boilerstrip.flows.work import Job, Task, run_batch
from golden import ROOT

BIN = Path(sys.executable).with_name("boilerstrip")
ARTICLE = (ROOT / "raw/004_b7bbc19097b3fd85.txt").read_bytes()


def test_a_top_level_folder_named_like_a_run_file_is_escaped_one_to_one() -> None:
    for name in RUN_FILES:
        assert output_for(f"{name}/a.html") == f"{name}~/a.txt"
        assert output_for(f"{name}~/a.html") == f"{name}~~/a.txt"  # so no two inputs meet
        assert output_for(f"x/{name}/a.html") == f"x/{name}/a.txt"  # only the top is the run's
    assert output_for("Manifest.JSONL/a.txt") == "Manifest.JSONL~/a.txt"  # case-insensitive file systems
    assert output_for("report.html") == "report.txt" and output_for("notes/a.txt") == "notes/a.txt"


def test_names_too_long_for_the_file_system_are_cut_with_a_hash() -> None:
    longest = "a" * (NAME_MAX - len(".diff") - len(".txt")) + "x.txt"  # its .diff is 255 bytes: kept
    assert output_for(longest) == longest
    long_a, long_b = "a" * 250 + "1.txt", "a" * 250 + "2.html"
    outputs = {output_for(long_a), output_for(long_b)}
    assert len(outputs) == 2 and outputs == {output_for(long_a), output_for(long_b)}  # distinct, deterministic
    for output in outputs:
        assert len(output.encode()) + len(".edits.jsonl") - len(".txt") <= NAME_MAX  # every sibling fits
    shown = "\\xff" * 100  # a folder of 100 undecodable bytes, shown as \xNN
    folder, name = output_for(f"{shown}/b.txt").split("/")
    assert len(folder.encode()) <= NAME_MAX and name == "b.txt"


def job(raw: Path, out: Path) -> Job:
    reset_tmp(out)
    return Job(raw=InputRoot.of(raw), out_dir=str(out), config=Config(), fingerprint="test")


def test_one_overlong_name_does_not_fail_its_batch(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    long_name = "n" * (NAME_MAX - len(".txt")) + ".txt"  # 255 bytes: a valid input; its .diff would be 256
    (raw / long_name).write_bytes(ARTICLE)
    (raw / "short.txt").write_bytes(ARTICLE)
    records = run_batch(job(raw, out), [Task(item) for item in InputRoot.of(raw).discover()])
    assert [r["status"] for r in records] == [Status.CLEANED, Status.CLEANED]
    for record in records:
        assert (out / record["output"]).read_bytes() == (out / "short.txt").read_bytes()
        assert (out / record["diff"]).is_file() and (out / record["edit_log"]).is_file()
    assert not list((out / TMP_DIR).iterdir())


def test_a_name_the_file_system_refuses_fails_alone(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    (raw / "a").mkdir(parents=True)
    (raw / "a" / "x.txt").write_bytes(ARTICLE)
    (raw / "b.txt").write_bytes(ARTICLE)
    out.mkdir()
    (out / "a").write_text("a file where the run needs a folder\n")
    records = run_batch(job(raw, out), [Task(item) for item in InputRoot.of(raw).discover()])
    assert [(r["source"], r["status"]) for r in records] == [("b.txt", Status.CLEANED), ("a/x.txt", Status.FAILED)]
    assert records[1]["error"] == "cannot write a/x.txt: a file stands where its folder must be"


def test_inputs_named_like_the_runs_files_are_cleaned_on_every_run(prefect_server, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    folders = [*sorted(RUN_FILES), "report", ".boilerstrip-tmp", ".boilerstrip.lock", "manifest.jsonl~"]
    for folder in folders:
        (raw / folder).mkdir(parents=True)
        (raw / folder / "a.txt").write_bytes(ARTICLE)
    shutil.copy(ROOT / "raw/004_b7bbc19097b3fd85.txt", raw / "report.txt")  # beside report.html
    for attempt in ("first", "rerun"):
        done = subprocess.run(
            [str(BIN), "clean", str(raw), "--out", str(out)], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, (attempt, done.stderr)
        rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
        statuses = {"first": "cleaned", "rerun": "skipped-unchanged"}[attempt]
        visible = [f for f in folders if not f.startswith(".")]
        assert sorted(r["source"] for r in rows) == sorted([*(f"{f}/a.txt" for f in visible), "report.txt"])
        assert {r["status"] for r in rows} == {statuses}
        for row in rows:
            assert (out / row["output"]).read_bytes() == (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()
        assert (out / "run-summary.md").is_file() and (out / "report.html").is_file()
