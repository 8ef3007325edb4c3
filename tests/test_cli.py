"""The `boilerstrip` command through its real entry point, in subprocesses that use
the session's Prefect server (as `boilerstrip server start` would provide)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden import ROOT

BIN = Path(sys.executable).with_name("boilerstrip")


def boilerstrip(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.parametrize(
    "command", [[], ["clean"], ["show"], ["serve"], ["deploy"], ["worker"], ["server"], ["doctor"], ["report"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    done = boilerstrip(*command, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: boilerstrip")


def test_clean_then_show(prefect_server, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    done = boilerstrip("clean", str(ROOT / "raw"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "# boilerstrip run summary" in done.stdout and "| 5 | 5 | 0 | 0 | 0 |" in done.stdout
    assert "cleaned 5/5 files" in done.stderr  # plain progress lines when not on a terminal
    assert f"via Prefect API {prefect_server['api_url']}" in done.stderr
    expected = (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()
    assert (out / "004_b7bbc19097b3fd85.txt").read_bytes() == expected

    by_diff = boilerstrip("show", str(out / "004_b7bbc19097b3fd85.diff"))
    assert by_diff.returncode == 0 and "-{mosads}However" in by_diff.stdout and "\x1b[" not in by_diff.stdout
    by_source = boilerstrip("show", "raw/004_b7bbc19097b3fd85.txt", "--out", str(out), "--color", "always", cwd=ROOT)
    assert by_source.returncode == 0
    assert "\x1b[31m-{mosads}However" in by_source.stdout


def test_failed_file_makes_exit_code_nonzero(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "bad.txt.gz").write_bytes(b"not gzip at all")
    out = tmp_path / "clean"
    done = boilerstrip("clean", str(raw), "--out", str(out), "--batch-size", "2")
    assert done.returncode == 1
    assert "1 file(s) failed" in done.stderr
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert [r["status"] for r in rows].count("cleaned") == 5


def test_usage_errors_exit_2_before_prefect_starts(tmp_path: Path) -> None:
    missing = boilerstrip("clean", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    config = tmp_path / "bad.toml"
    config.write_text("[run]\nbatch_size = 0\n")
    bad = boilerstrip("clean", str(ROOT / "raw"), "--out", str(tmp_path / "out"), "--config", str(config))
    assert bad.returncode == 2 and "batch_size must be a positive integer" in bad.stderr
    phrases = tmp_path / "phrases.toml"
    phrases.write_text('language = "en"\n\n[[remove_navigation_chrome]]\nid = "x"\nreason = "y"\npatterns = [\'(\']\n')
    config.write_text(f'[cleaners]\nphrase_files = ["{phrases}"]\n')
    bad = boilerstrip("clean", str(ROOT / "raw"), "--out", str(tmp_path / "out"), "--config", str(config))
    assert bad.returncode == 2 and f"{phrases}:6: rule 'x': invalid pattern" in bad.stderr
    assert not (tmp_path / "out").exists()


def test_deploy_needs_a_lasting_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "empty-home")
    done = boilerstrip("deploy", str(ROOT / "raw"), "--out", str(tmp_path / "o"), "--pool", "p", env=env)
    assert done.returncode == 2 and "boilerstrip server start" in done.stderr
