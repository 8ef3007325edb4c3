"""The diff log: a unified diff `patch` can apply, hunks labelled with the edits that made them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from boilerstrip.cleaners import clean
from boilerstrip.cleaners.output.difflog import render, trace
from golden import ROOT, Case, discover

CASES = discover()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_edits_trace_back_to_the_input_line_they_removed(case: Case) -> None:
    result = clean(case.input.read_bytes(), config=case.config)
    lines = result.decoded.split("\n")
    traced = trace(result)
    touched = {(e.step, line) for e, (first, last) in traced for line in range(first, last + 1)}
    for edit, (first, last) in traced:
        earlier = any((step, first) in touched for step in range(1, edit.step))
        if edit.kind == "removal" and not earlier and edit.removed.endswith("\n") and edit.removed.count("\n") == 1:
            assert first == last
            assert lines[first - 1] == edit.removed[:-1], (edit.cleaner, edit.rule)


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch not installed")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_patch_applies_the_diff_log_to_the_decoded_input(case: Case, tmp_path: Path) -> None:
    result = clean(case.input.read_bytes(), config=case.config)
    if result.text == result.decoded:
        pytest.skip("nothing changed: the log has no hunks for patch to apply")
    before = tmp_path / "before.txt"
    before.write_bytes(result.decoded.encode("utf-8", "surrogatepass"))
    diff = tmp_path / "log.diff"
    diff.write_bytes(render(result, "before.txt", "after.txt").encode("utf-8", "surrogatepass"))
    after = tmp_path / "after.txt"
    subprocess.run(["patch", "-s", "-o", str(after), str(before), str(diff)], check=True, cwd=tmp_path)
    assert after.read_bytes() == result.text.encode("utf-8")


def test_hunks_are_labelled_with_cleaner_and_rule() -> None:
    result = clean((ROOT / "raw/004_b7bbc19097b3fd85.txt").read_bytes())
    log = render(result, "raw/004.txt", "clean/004.txt")
    hunk_headers = [line for line in log.splitlines() if line.startswith("@@")]
    assert any("strip_ad_markers/v1 ads.cms_token" in h for h in hunk_headers)
    assert "# line 9: strip_ad_markers/v1 ads.cms_token (removal): CMS ad placeholder token" in log
    assert "-{mosads}However, the official" in log
    assert "+However, the official" in log


def test_unchanged_text_has_a_header_and_no_hunks() -> None:
    log = render(clean("Nothing to clean here.\n"), "a", "b")
    assert log.startswith("# boilerstrip diff log: a -> b\n")
    assert "@@" not in log


def test_library_command_prints_text_or_diff() -> None:
    seed = str(ROOT / "raw/004_b7bbc19097b3fd85.txt")
    text = subprocess.run([sys.executable, "-m", "boilerstrip.cleaners", seed], capture_output=True, check=True)
    assert text.stdout == (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()
    diff = subprocess.run(
        [sys.executable, "-m", "boilerstrip.cleaners", "--diff", seed], capture_output=True, text=True, check=True
    )
    assert diff.stdout.startswith("# boilerstrip diff log") and "-{mosads}However" in diff.stdout


def test_command_line_reports_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[cleaners]\norder = ["no_such_cleaner"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "boilerstrip.cleaners", "--config", str(config), str(ROOT / "raw")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "unknown cleaner 'no_such_cleaner'" in done.stderr


@pytest.mark.parametrize(
    ("doc", "marker", "at_least"),
    [("docs/outputs.md", "An excerpt (the full log is", 20), ("README.md", "(an excerpt of its", 5)],
)
def test_documented_excerpts_are_the_real_log(doc: str, marker: str, at_least: int) -> None:
    """The docs show seed 004's diff log: every line they quote must be in the log."""
    text = (ROOT / doc).read_text("utf-8")
    block = text.split(marker, 1)[1].split("```\n", 2)[1]
    result = clean((ROOT / "raw/004_b7bbc19097b3fd85.txt").read_bytes())
    log = render(result, "raw/004_b7bbc19097b3fd85.txt", "clean/004_b7bbc19097b3fd85.txt").splitlines()
    quoted = [line for line in block.splitlines() if line != "..."]
    assert len(quoted) >= at_least
    assert [line for line in quoted if line not in log] == []
    assert f"{marker} {len(log)} lines" in text
