"""A manifest is data the report and `show` read back: a broken or hostile one gives a
one-line error naming its line, and no file outside the output folder is ever read
into a page, whatever the manifest names or the output folder links to."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_cli import boilerstrip, one_line_error
from test_report import clean_without_prefect

from boilerstrip.flows.report import ReportError, write_report
from golden import ROOT

SECRET = "root:x:0:0 a secret outside the output folder"
SOURCE = "004_b7bbc19097b3fd85.txt"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / SOURCE, raw / SOURCE)
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    return out


def manifest(out: Path, *lines: str) -> None:
    (out / "manifest.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def record(out: Path) -> dict:
    return json.loads((out / "manifest.jsonl").read_text(encoding="utf-8"))


def pages(out: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in (out / "report").rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("key", "name"), [("output", "../../../../etc/os-release"), ("output", "/etc/os-release"), ("edit_log", "../x")]
)
def test_a_manifest_path_that_leaves_the_output_folder_is_refused(out: Path, key: str, name: str) -> None:
    manifest(out, json.dumps(record(out) | {key: name}))
    with pytest.raises(ReportError, match=rf"manifest\.jsonl:1: {key} '{name}' is not a path inside the output folder"):
        write_report(out)
    done = boilerstrip("report", str(out))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().endswith(f"manifest.jsonl:1: {key} '{name}' is not a path inside the output folder")


def test_a_symbolic_link_in_the_output_folder_is_not_followed_out_of_it(out: Path) -> None:
    row = record(out)
    for key in ("edit_log", "diff"):
        (out / row[key]).unlink()
        (out / row[key]).symlink_to(out.parent / "secret.txt")
    write_report(out)
    assert SECRET not in pages(out)
    assert f"its edit log {row['edit_log']} is not inside the output folder" in pages(out)
    shown = boilerstrip("show", SOURCE, "--out", str(out))
    assert SECRET not in shown.stdout
    assert one_line_error(shown).endswith(f"the diff log of {SOURCE} ({row['diff']}) is not inside {out}")
    (out / row["output"]).unlink()
    (out / row["output"]).symlink_to(out.parent / "secret.txt")
    write_report(out)
    assert SECRET not in pages(out) and '"meta":' in pages(out) and '"rows":' not in pages(out)  # no clean text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"source": "a.txt", "diff": ', "manifest.jsonl:2: not JSON: Expecting value at column 29"),
        ("[1, 2]", "manifest.jsonl:2: a manifest line must be a JSON object, not list"),
        ('"just a string"', "manifest.jsonl:2: a manifest line must be a JSON object, not str"),
        ('{"source": 3}', "manifest.jsonl:2: source must be a string or null, not 3"),
        (
            '{"source": "a.txt", "output": ["a.txt"]}',
            'manifest.jsonl:2: output must be a string or null, not ["a.txt"]',
        ),
        ('{"source": "a.txt", "chars_before": "many"}', 'chars_before must be an integer or null, not "many"'),
        (
            '{"source": "a.txt", "needs_review": 1}',
            "needs_review must be true or false or null, not 1",
        ),
        ('{"source": "a.txt", "language_prob": true}', "language_prob must be a number or null, not true"),
        ('{"source": "a.txt", "edits": {"x": "1"}}', "manifest.jsonl:2: edits must map cleaner names to counts"),
    ],
)
def test_a_broken_manifest_line_is_one_line_naming_it_in_show_and_report(out: Path, line: str, message: str) -> None:
    manifest(out, json.dumps(record(out)), line)
    shown = boilerstrip("show", "a.txt", "--out", str(out))
    assert one_line_error(shown).startswith(f"boilerstrip: error: {out / 'manifest.jsonl'}:2: ")
    assert message in shown.stderr
    reported = boilerstrip("report", str(out))
    assert reported.returncode == 1 and reported.stderr.count("\n") == 1 and message in reported.stderr
