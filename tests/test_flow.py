"""The Prefect flow end to end against a real local server: outputs, manifest,
summary and artifacts, incremental re-runs, failures kept to their file, no
overwrites on collisions, atomic writes, resuming after a crash."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from boilerstrip.flows.files import write_atomic
from boilerstrip.flows.inputs import InputRoot, output_for, read_input
from boilerstrip.flows.outputs import JOURNAL, MANIFEST, RESUMED, SETTINGS, SUMMARY
from golden import ROOT

HTML = (
    "<!doctype html><html><head><meta charset='windows-1252'><title>Council vote</title></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>Council approves budget</h1>"
    "<p>The city council approved the new budget on Tuesday after a long debate about school funding and road "
    "repairs in the northern districts.</p><p>\u201cWe had to make hard choices,\u201d the mayor said. Critics "
    "said the plan relies on optimistic tax forecasts and will need revising next spring.</p>"
    "<p>The budget includes money for two new libraries and a caf\u00e9 in the central park.</p></article>"
    "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "world" / "europe").mkdir(parents=True)
    (raw / "world" / "europe" / "budget.html").write_bytes(HTML.encode("cp1252"))
    (raw / "world" / "seed004.txt.gz").write_bytes(gzip.compress((ROOT / "raw/004_b7bbc19097b3fd85.txt").read_bytes()))
    (raw / "world" / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 definitely not gzip")
    (raw / "notes.md").write_text("not an article type: ignored")
    return raw


def run(raw: Path, out: Path, **kwargs) -> dict:
    from boilerstrip.flows.flow import clean_corpus

    return clean_corpus(str(raw), str(out), **kwargs)


def manifest(out: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in (out / MANIFEST).read_text("utf-8").splitlines()]
    return {row["source"]: row for row in rows}


def test_discovery_streams_sorted_and_maps_outputs(corpus: Path) -> None:
    items = list(InputRoot.of(corpus).discover())
    sources = [i.source for i in items]
    assert sources[:5] == sorted(p.name for p in (ROOT / "raw").iterdir())
    assert "world/europe/budget.html" in sources and "notes.md" not in sources
    assert output_for("a/b.html.gz") == "a/b.txt"
    assert {i.source: i.format for i in items}["world/europe/budget.html"] == "html"


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_flow_writes_outputs_manifest_summary_and_artifacts(prefect_server, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    raw_before = tree(corpus)
    counts = run(corpus, out, batch_size=3)
    assert tree(corpus) == raw_before  # the raw folder is only read
    assert counts["files"] == 8 and counts["cleaned"] == 7 and counts["failed"] == 1
    rows = manifest(out)
    seed = rows["004_b7bbc19097b3fd85.txt"]
    assert (out / seed["output"]).read_bytes() == (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()
    assert (out / seed["diff"]).read_text("utf-8").startswith("# boilerstrip diff log")
    assert seed["edit_log"] == "004_b7bbc19097b3fd85.edits.jsonl"  # the edits as data: the golden file's format
    assert (out / seed["edit_log"]).read_bytes() == (ROOT / "fixtures/seeds/004/expected-edits.jsonl").read_bytes()
    assert seed["edits"]["strip_ad_markers/v1"] == 1 and seed["language"] == "en"
    for key in ("sha256", "encoding", "language_prob", "chars_before", "lines_after", "needs_review", "status"):
        assert key in seed
    gz = rows["world/seed004.txt.gz"]
    assert gz["output"] == "world/seed004.txt"
    assert (out / "world/seed004.txt").read_bytes() == (out / seed["output"]).read_bytes()
    page = rows["world/europe/budget.html"]
    assert page["format"] == "html" and page["encoding"] == "cp1252"
    assert page["extraction"]["title"] == "Council vote"  # the page's <title>
    page_text = (out / "world/europe/budget.txt").read_text("utf-8")
    assert "“We had to make hard choices,” the mayor said." in page_text and "café" in page_text
    broken = rows["world/broken.txt.gz"]
    assert broken["status"] == "failed" and "cannot read" in broken["error"]
    summary = (out / SUMMARY).read_text("utf-8")
    assert "| 8 | 7 | 0 | 0 | 1 | 0 |" in summary and "world/broken.txt.gz" in summary
    assert "[run]" in (out / SETTINGS).read_text("utf-8")
    assert not (out / JOURNAL).exists()
    assert not list(out.rglob("*.tmp"))

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    def newest(key: str) -> list:  # other tests' runs published under the same keys
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])), sort=ArtifactSort.CREATED_DESC, limit=1
        )

    with get_client(sync_client=True) as client:
        markdown = newest("boilerstrip-run-summary")
        table = newest("boilerstrip-edits-per-cleaner")
    assert markdown and "boilerstrip run summary" in markdown[0].data
    assert table and table[0].flow_run_id == markdown[0].flow_run_id
    assert table and "remove_navigation_chrome/v1" in str(table[0].data)


def test_rerun_skips_unchanged_and_redoes_changed_or_forced(prefect_server, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run(corpus, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")}
    counts = run(corpus, out)
    assert counts.get("cleaned", 0) == 0 and counts["skipped-unchanged"] == 7 and counts["failed"] == 1
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")} == before
    assert manifest(out)["000_1fc4747b8a4ce4f0.txt"]["status"] == "skipped-unchanged"

    changed = corpus / "003_fac77253d02de784.txt"
    changed.write_bytes(changed.read_bytes() + b"\n\nLoad more\n")
    counts = run(corpus, out)
    assert counts["cleaned"] == 1
    rows = manifest(out)
    assert rows["003_fac77253d02de784.txt"]["status"] == "cleaned"
    assert rows["002_8e9a21fb34cd7e9b.txt"]["status"] == "skipped-unchanged"

    (out / rows["002_8e9a21fb34cd7e9b.txt"]["edit_log"]).unlink()  # as left by a version without edit logs
    counts = run(corpus, out)
    assert counts["cleaned"] == 1 and manifest(out)["002_8e9a21fb34cd7e9b.txt"]["status"] == "cleaned"

    counts = run(corpus, out, force=True)
    assert counts["cleaned"] == 7


def test_changed_settings_reclean_everything(prefect_server, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run(corpus, out)
    config = tmp_path / "boilerstrip.toml"
    config.write_text('[cleaners]\ndisabled = ["remove_tag_lists"]\n')
    counts = run(corpus, out, config=str(config))
    assert counts["cleaned"] == 7
    assert "Tags Ash Carter" in (out / "004_b7bbc19097b3fd85.txt").read_text("utf-8")
    assert 'disabled = ["remove_tag_lists"]' in (out / SETTINGS).read_text("utf-8")
    from boilerstrip.flows.settings import load_settings

    assert load_settings(out / SETTINGS).cleaners == load_settings(config).cleaners  # it reads back


def test_collision_is_an_error_for_the_second_file(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.html").write_text(HTML)
    (raw / "story.txt").write_text("A different story, told as plain text, with enough words in it.\n")
    out = tmp_path / "clean"
    run(raw, out)
    rows = manifest(out)
    assert rows["story.html"]["status"] == "cleaned"
    assert rows["story.txt"]["status"] == "failed"
    assert "would overwrite the output of story.html" in rows["story.txt"]["error"]
    assert "Council approves budget" in (out / "story.txt").read_text("utf-8")


def test_flow_refuses_output_inside_input(prefect_server, corpus: Path) -> None:
    from boilerstrip.flows.flow import clean_corpus

    state = clean_corpus(str(corpus), str(corpus / "clean"), return_state=True)
    assert state.is_failed()
    assert not (corpus / "clean").exists()


def test_resume_after_a_crash_uses_the_journal(prefect_server, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "clean"
    run(corpus, out)
    finished = (out / MANIFEST).read_bytes()
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")}
    # A run killed mid-way leaves its journal and no new manifest; the next run must
    # not redo what the journal says is done, and must end as if never interrupted.
    (out / MANIFEST).rename(out / JOURNAL)
    counts = run(corpus, out)
    assert counts["cleaned"] == 7 and counts.get("skipped-unchanged", 0) == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.txt")} == mtimes  # nothing redone
    assert (out / MANIFEST).read_bytes() == finished
    assert not (out / JOURNAL).exists() and not (out / RESUMED).exists()


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the flow may catch it."""


def test_a_run_killed_writing_its_report_resumes_as_uninterrupted(
    prefect_server, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = tmp_path / "reference"
    run(corpus, reference)
    from boilerstrip.flows import flow as flow_module

    def killed(*_args, **_kwargs):
        raise Killed

    out = tmp_path / "clean"
    with monkeypatch.context() as patch:
        patch.setattr(flow_module, "report_section", killed)
        with pytest.raises(Killed):
            run(corpus, out)
    assert (out / MANIFEST).read_bytes() == (reference / MANIFEST).read_bytes()
    assert (out / JOURNAL).exists() and not (out / "report.html").exists()
    counts = run(corpus, out)  # the work was done by the killed run, for this one
    assert counts["cleaned"] == 7 and counts.get("skipped-unchanged", 0) == 0
    assert (out / MANIFEST).read_bytes() == (reference / MANIFEST).read_bytes()
    pages = sorted(p.relative_to(reference) for p in (reference / "report").rglob("*") if p.is_file())
    assert [(out / p).read_bytes() for p in pages] == [(reference / p).read_bytes() for p in pages]
    assert not (out / JOURNAL).exists() and not (out / RESUMED).exists()
    # --force starts a new journal: it must not truncate the manifest it may be linked to
    os.link(out / MANIFEST, out / JOURNAL)
    run(corpus, out, force=True)
    assert (out / MANIFEST).read_bytes() == (reference / MANIFEST).read_bytes()


def test_write_atomic_never_leaves_a_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a" / "b.txt"
    write_atomic(target, b"first version\n")
    from boilerstrip.flows import files

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"second version that never lands\n")
    assert target.read_bytes() == b"first version\n"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_read_input_refuses_gzip_bombs(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * (3 * 1024 * 1024)))
    with pytest.raises(ValueError, match="expands beyond"):
        read_input(bomb, limit=1024 * 1024)
    assert read_input(bomb, limit=4 * 1024 * 1024) == b"a" * (3 * 1024 * 1024)


def test_no_edit_log_when_its_name_would_be_too_long(tmp_path: Path) -> None:
    """a/b.edits.jsonl is 8 bytes longer than a/b.txt: for a name of 248 bytes or more
    it is not written (the record says None), and the file is still skipped when unchanged."""
    from boilerstrip.cleaners import Config
    from boilerstrip.flows.files import reset_tmp
    from boilerstrip.flows.work import Job, Task, run_batch

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for length in (247, 248):
        (raw / ("n" * (length - 4) + ".txt")).write_text("An article with a long name and words to keep.\n")
    reset_tmp(out)
    config = Config()
    job = Job(InputRoot.of(raw), str(out), config, config.fingerprint())
    first = run_batch(job, [Task(item) for item in InputRoot.of(raw).discover()])
    assert [r["edit_log"] and len(r["edit_log"]) for r in first] == [255, None]
    assert all(r["status"] == "cleaned" and (out / r["diff"]).is_file() for r in first)
    again = run_batch(job, [Task(item, r) for item, r in zip(InputRoot.of(raw).discover(), first, strict=True)])
    assert [r["status"] for r in again] == ["skipped-unchanged"] * 2
