"""The `boilerstrip` command through its real entry point, in subprocesses that use
the session's Prefect server (as `boilerstrip server start` would provide)."""

from __future__ import annotations

import gzip
import json
import os
import re
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
    assert "# boilerstrip run summary" in done.stdout and "| 5 | 5 | 0 | 0 | 0 | 0 |" in done.stdout
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


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """What a user sees for a mistake: exit status 2 and one line, no traceback."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("boilerstrip: error: ")
    return done.stderr.strip()


def test_an_output_folder_that_cannot_be_written_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    under_file = boilerstrip("clean", str(ROOT / "raw"), "--out", str(tmp_path / "a-file" / "out"))
    assert one_line_error(under_file) == (
        f"boilerstrip: error: cannot write to output folder {tmp_path / 'a-file' / 'out'}: "
        f"{tmp_path / 'a-file'} is a file, not a folder"
    )
    assert "via" not in under_file.stderr  # Prefect never started
    if Path("/sys/kernel").is_dir():  # a read-only place even for root (CI runs as root)
        sysfs = boilerstrip("clean", str(ROOT / "raw"), "--out", "/sys/kernel/boilerstrip-out")
        assert one_line_error(sysfs).startswith("boilerstrip: error: cannot write to output folder /sys/kernel/")
    if os.geteuid() != 0:  # permissions stop everyone but root
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        done = boilerstrip("clean", str(ROOT / "raw"), "--out", str(locked / "out"))
        assert one_line_error(done).endswith("Permission denied")


def test_input_mistakes_say_what_is_wrong(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# notes\n")
    assert one_line_error(boilerstrip("clean", str(notes), "--out", str(tmp_path / "o"))) == (
        f"boilerstrip: error: {notes} is not a .txt, .html, .htm, .warc or .wet file (optionally .gz); "
        "give one, or a folder"
    )
    article = tmp_path / "article.txt"
    shutil.copy(ROOT / "raw/004_b7bbc19097b3fd85.txt", article)
    assert one_line_error(boilerstrip("clean", str(article), "--out", str(tmp_path))) == (
        f"boilerstrip: error: input file {article} is inside the output folder {tmp_path}; choose another --out"
    )
    missing = tmp_path / "clean" / "nope.diff"
    assert one_line_error(boilerstrip("show", str(missing))) == (
        f"boilerstrip: error: {missing} does not exist (run `boilerstrip clean` first, or check the name)"
    )


@pytest.mark.slow
def test_one_file_as_input_is_cleaned(prefect_server, tmp_path: Path) -> None:
    article = tmp_path / "in" / "article.txt.gz"
    article.parent.mkdir()
    article.write_bytes(gzip.compress((ROOT / "raw/004_b7bbc19097b3fd85.txt").read_bytes()))
    out = tmp_path / "out"
    done = boilerstrip("clean", str(article), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "article.txt").read_bytes() == (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    assert [(r["source"], r["output"], r["status"]) for r in rows] == [("article.txt.gz", "article.txt", "cleaned")]
    shown = boilerstrip("show", str(article), "--out", str(out))
    assert shown.returncode == 0 and "-{mosads}However" in shown.stdout


@pytest.mark.slow
def test_on_a_terminal_the_summary_is_tables_and_an_empty_file_is_no_failure(prefect_server, tmp_path: Path) -> None:
    """Run as a user at a terminal does (a pseudo-terminal): exit 0 with an empty scrape among
    the files, the summary drawn as tables; the file keeps its Markdown."""
    import pty

    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "empty.txt").write_bytes(b"")
    out = tmp_path / "clean"
    leader, follower = pty.openpty()
    done = subprocess.run(
        [str(BIN), "clean", str(raw), "--out", str(out)],
        stdout=follower,
        stderr=subprocess.PIPE,
        timeout=300,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: everything is read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0, done.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.decode("utf-8"))
    assert "|---" not in text and "───" in text  # drawn, not Markdown
    assert re.search(r"files\s+cleaned\s+skipped \(unchanged\)\s+skipped \(empty\)\s+failed", text), text
    assert re.search(r"\b6\s+5\s+0\s+1\s+0\s+0\b", text), text
    summary = (out / "run-summary.md").read_text()
    assert "| 6 | 5 | 0 | 1 | 0 | 0 |" in summary and "| `empty.txt` | empty file |" in summary
    rows = {r["source"]: r for r in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert (rows["empty.txt"]["status"], rows["empty.txt"]["reason"]) == ("skipped-empty", "empty file")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (b"cleaners = 3\n", "bad.toml [cleaners]: must be a table"),
        (b"run = 3\n", "bad.toml [run]: must be a table"),
        (b"[run]\nmax_input_mb = 99999999999999\n", "bad.toml [run]: max_input_mb must be a positive integer (at most"),
        (b"[run]\nworkers = true\n", "bad.toml [run]: workers must be an integer >= 0 (at most 1024), not True"),
        (b"[run]\nsite_depth = 1.5\n", "bad.toml [run]: site_depth must be an integer >= 0"),
        (
            b"[cleaners]\ndedupe_window = 10000000000000000000\n",
            "bad.toml [cleaners]: dedupe_window must be an integer",
        ),
        (b"[cleaners]\nmax_rounds = 1000000\n", "bad.toml [cleaners]: max_rounds must be an integer >= 1 and <= 100"),
        (b"[cleaners]\nreview_share = true\n", "bad.toml [cleaners]: review_share must be in (0, 1], not True"),
        (b"[cleaners]\nreview_share = nan\n", "bad.toml [cleaners]: review_share must be in (0, 1], not nan"),
        (
            b"[cleaners]\nextract_timeout = inf\n",
            "bad.toml [cleaners]: extract_timeout must be a positive number of seconds (at most 3600), not inf",
        ),
        (b"\xff\xfe[run]\n", "bad.toml: not UTF-8 text (byte 0xff at offset 0)"),
        (None, "bad.toml: is a folder; give the config file"),
        (b'[cleaners]\nphrase_files = ["latin1.toml"]\n', "latin1.toml: not UTF-8 text (byte 0xe9 at offset 12)"),
        (b'[cleaners]\nphrase_files = ["slow.toml"]\n', "slow.toml:6: rule 'slow': pattern '(?:a|a)*!': a repeated"),
        (b'[cleaners]\nphrase_files = ["flags.toml"]\n', "flags.toml:6: rule 'dotall': pattern '(?s)zzz foo': inline"),
    ],
)
def test_a_config_of_the_wrong_type_or_size_is_one_line_naming_file_and_key(
    tmp_path: Path, config: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.toml"
    if config is None:
        path.mkdir()
    else:
        path.write_bytes(config)
    (tmp_path / "latin1.toml").write_bytes(b'language = "\xe9"\n')
    for name, rule, pattern in [("slow", "slow", "(?:a|a)*!"), ("flags", "dotall", "(?s)zzz foo")]:
        (tmp_path / f"{name}.toml").write_text(
            f'language = "en"\n\n[[remove_navigation_chrome]]\nid = "{rule}"\nreason = "r"\n'
            f"patterns = ['{pattern}']\n"
        )
    done = boilerstrip("clean", str(ROOT / "raw"), "--out", str(tmp_path / "out"), "--config", str(path))
    assert message in one_line_error(done)
    assert not (tmp_path / "out").exists()
