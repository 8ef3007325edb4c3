"""`boilerstrip export`: one corpus file per run, loaded back as users load it (pyarrow,
pandas, Hugging Face `datasets`) and compared with the manifest; deterministic bytes, no
rewrite when nothing changed; usage mistakes are one line with exit status 2."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boilerstrip.flows.export import FIELDS, export
from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.manifest import Outcome
from boilerstrip.flows.plan import Plan
from boilerstrip.flows.settings import load_settings
from boilerstrip.flows.work import run_batch

BIN = Path(sys.executable).with_name("boilerstrip")
PAGE = (
    '<html lang="en"><head><title>Harbour plan</title><meta name="author" content="A. Writer">'
    '<link rel="canonical" href="https://www.news.example.co.uk/harbour"></head><body><article><p>The council '
    "voted on Monday night for a new plan to dredge the harbour after months of talks with the fishermen of "
    "the bay, who feared for their catch.</p></article></body></html>"
)
STORY = (
    "The museum will show a collection of medieval maps that were found in a private library last year.\n\n"
    "Share this article\n"
)


def make_raw(raw: Path) -> None:
    (raw / "news").mkdir(parents=True)
    (raw / "news/harbour.html").write_text(PAGE)
    (raw / "maps.txt").write_text(STORY)
    (raw / "zz-bread.txt").write_text("A local bakery won a national prize for its rye bread, baked since 1890.\n")
    (raw / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (raw / "empty.txt").write_text("  \n")
    (raw / "urls.tsv").write_text("maps.txt\thttps://www.museum.example.org/maps\n")


def clean_run(raw: Path, out: Path) -> list[dict]:
    """A whole run without Prefect (the plan's own steps): its manifest is final after."""
    plan = Plan.make(InputRoot.of(raw), out, load_settings(None))
    try:
        for tasks, refused in plan.batches():
            plan.journal.append(Outcome.of([*refused, *run_batch(plan.job, tasks)]).lines)
        plan.finish()
        plan.close()
    finally:
        plan.release()
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture
def run(tmp_path: Path) -> tuple[Path, list[dict]]:
    raw, out = tmp_path / "raw", tmp_path / "clean"
    make_raw(raw)
    return out, clean_run(raw, out)


def expected(out: Path, manifest: list[dict]) -> list[dict]:
    """What the export must hold, made from the manifest and the .txt files by hand."""
    rows = []
    for record in sorted(manifest, key=lambda r: r["source"]):
        if record["status"] not in ("cleaned", "skipped-unchanged"):
            continue
        text = (out / record["output"]).read_text("utf-8")
        rows.append(
            {
                "source": record["source"],
                "url": record.get("url"),
                "site": record.get("site"),
                "title": (record.get("extraction") or {}).get("title"),
                "text": text,
                "sha256": record["sha256"],
                "fingerprint": record["fingerprint"],
                "language": record["language"],
                "chars": record["chars_after"],
                "needs_review": record["needs_review"],
            }
        )
    return rows


def picked(rows: list[dict]) -> list[dict]:
    keys = ("source", "url", "site", "title", "text", "sha256", "fingerprint", "language", "chars", "needs_review")
    return [{k: row[k] for k in keys} for row in rows]


def test_the_corpus_holds_one_record_per_cleaned_document_as_the_manifest_says(run, tmp_path: Path) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    out, manifest = run
    assert {r["source"]: r["status"] for r in manifest}["broken.txt"] == "failed"
    want = expected(out, manifest)
    assert [r["source"] for r in want] == ["maps.txt", "news/harbour.html", "zz-bread.txt"]
    assert want[0]["site"] == "example.org" and want[1]["url"] == "https://www.news.example.co.uk/harbour"

    assert export(out, tmp_path / "corpus.parquet") and export(out, tmp_path / "corpus.jsonl.gz")
    table = pq.read_table(tmp_path / "corpus.parquet")
    assert table.schema.names == [name for name, _, _ in FIELDS]
    assert picked(table.to_pylist()) == want
    lines = gzip.decompress((tmp_path / "corpus.jsonl.gz").read_bytes()).decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == table.to_pylist()
    frame = pd.read_json(tmp_path / "corpus.jsonl.gz", lines=True, compression="gzip")
    assert list(frame["source"]) == [r["source"] for r in want] and list(frame["text"]) == [r["text"] for r in want]
    harbour = table.to_pylist()[1]
    assert (harbour["title"], harbour["author"], harbour["error"]) == ("Harbour plan", "A. Writer", None)
    assert harbour["words"] > 0 and 0 <= harbour["removed_share"] <= 1 and len(harbour["id"]) == 16


def test_failed_documents_are_listed_only_on_request(run, tmp_path: Path) -> None:
    out, _manifest = run
    export(out, tmp_path / "all.jsonl", include_failed=True)
    rows = {r["source"]: r for r in map(json.loads, (tmp_path / "all.jsonl").read_text("utf-8").splitlines())}
    assert sorted(rows) == ["broken.txt", "empty.txt", "maps.txt", "news/harbour.html", "zz-bread.txt"]
    assert rows["broken.txt"]["text"] is None and rows["broken.txt"]["error"].startswith("not text or HTML")
    assert rows["empty.txt"]["error"] == "file holds only whitespace"
    assert rows["maps.txt"]["error"] is None


def test_a_rerun_that_changed_nothing_leaves_the_export_alone(run, tmp_path: Path, monkeypatch) -> None:
    out, _manifest = run
    raw = tmp_path / "raw"
    for name in ("corpus.parquet", "corpus.jsonl.gz"):
        target = out / name
        assert export(out, target) is True
        before = target.read_bytes(), target.stat().st_mtime_ns
        again = clean_run(raw, out)  # every file now "skipped-unchanged"
        assert {r["status"] for r in again} == {"skipped-unchanged", "failed", "skipped-empty"}
        assert export(out, target) is False
        assert (target.read_bytes(), target.stat().st_mtime_ns) == before
        with monkeypatch.context() as later:  # written at another time: gzip must not record it
            later.setattr(time, "time", lambda: 2_000_000_000.0)
            assert export(out, tmp_path / ("copy-" + name)) is True
        assert (tmp_path / ("copy-" + name)).read_bytes() == before[0]  # the same bytes, whenever written
        target.write_bytes(b"edited by hand")
        assert export(out, target) is True and target.read_bytes() == before[0]
    (raw / "zz-bread.txt").write_text("The bakery also bakes a sourdough loaf now, with the same old recipe.\n")
    clean_run(raw, out)
    assert export(out, out / "corpus.jsonl.gz") is True
    assert b"sourdough" in gzip.decompress((out / "corpus.jsonl.gz").read_bytes())


def boilerstrip(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api", **env}  # never reached
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120, env=environ)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr.strip()


def test_export_mistakes_are_one_line_with_exit_status_2(run, tmp_path: Path) -> None:
    out, _manifest = run
    assert one_line_error(boilerstrip("export", str(out), "--to", str(tmp_path / "c.csv"))) == (
        f"boilerstrip: error: export {tmp_path / 'c.csv'}: name it *.jsonl.gz, *.jsonl or *.parquet "
        "(the ending picks the format)"
    )
    assert one_line_error(boilerstrip("export", str(tmp_path / "raw"), "--to", str(tmp_path / "c.jsonl"))) == (
        f"boilerstrip: error: {tmp_path / 'raw'} holds no manifest.jsonl: not the output folder of a run "
        "(boilerstrip clean --out)"
    )
    raw = str(tmp_path / "raw")
    done = boilerstrip("clean", raw, "--out", str(tmp_path / "o2"), "--export", str(tmp_path / "c.txt"))
    assert one_line_error(done).startswith(f"boilerstrip: error: export {tmp_path / 'c.txt'}: name it")
    assert not (tmp_path / "o2").exists()  # refused before anything started
    (tmp_path / "a-file").write_text("not a folder\n")
    done = boilerstrip("clean", raw, "--out", str(tmp_path / "o2"), "--export", str(tmp_path / "a-file/c.jsonl"))
    assert one_line_error(done) == (
        f"boilerstrip: error: cannot write export {tmp_path / 'a-file/c.jsonl'}: {tmp_path / 'a-file'} is a file, "
        "not a folder"
    )
    ok = boilerstrip("export", str(out), "--to", str(tmp_path / "c.jsonl"))
    assert (ok.returncode, ok.stderr) == (0, f"boilerstrip: {tmp_path / 'c.jsonl'}: written\n")
    ok = boilerstrip("export", str(out), "--to", str(tmp_path / "c.jsonl"))
    assert ok.stderr == f"boilerstrip: {tmp_path / 'c.jsonl'}: unchanged, not rewritten\n"


def test_parquet_without_pyarrow_says_how_to_install_it(run, tmp_path: Path) -> None:
    out, _manifest = run
    stub = tmp_path / "no-pyarrow" / "pyarrow"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('raise ImportError("No module named pyarrow")\n')
    done = boilerstrip("export", str(out), "--to", str(tmp_path / "c.parquet"), PYTHONPATH=str(stub.parent))
    assert one_line_error(done) == (
        f"boilerstrip: error: export {tmp_path / 'c.parquet'}: Parquet needs pyarrow: "
        "pip install 'boilerstrip[parquet]' (or use *.jsonl.gz)"
    )


LOAD_WITH_DATASETS = """
import json, sys
from datasets import load_dataset
rows = {}
for kind, name in (("parquet", "corpus.parquet"), ("json", "corpus.jsonl.gz")):
    ds = load_dataset(kind, data_files=sys.argv[1] + "/" + name, split="train", cache_dir=sys.argv[2])
    rows[kind] = ds.to_list()
print(json.dumps(rows))
"""


def test_hugging_face_datasets_loads_both_formats(run, tmp_path: Path) -> None:
    out, manifest = run
    export(out, out / "corpus.parquet")
    export(out, out / "corpus.jsonl.gz")
    offline = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run(
        [sys.executable, "-c", LOAD_WITH_DATASETS, str(out), str(tmp_path / "hf-cache")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **offline},
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert picked(rows["parquet"]) == picked(rows["json"]) == expected(out, manifest)


def test_clean_writes_the_export_after_the_manifest_is_final(prefect_server, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "clean"
    make_raw(raw)
    target = tmp_path / "corpus.parquet"
    done = subprocess.run(
        [str(BIN), "clean", str(raw), "--out", str(out), "--export", str(target)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr  # broken.txt failed
    import pyarrow.parquet as pq

    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert picked(pq.read_table(target).to_pylist()) == expected(out, manifest)
    written = target.stat().st_mtime_ns
    subprocess.run([str(BIN), "clean", str(raw), "--out", str(out), "--export", str(target)], capture_output=True)
    assert target.stat().st_mtime_ns == written


DOC = Path(__file__).resolve().parent.parent / "docs" / "downstream-corpus.md"


def test_the_docs_table_is_the_schema_of_the_file(run, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out, _manifest = run
    export(out, tmp_path / "corpus.parquet")
    documented = re.findall(r"^\| `(\w+)` \| (\w+\??) \|", DOC.read_text("utf-8"), re.MULTILINE)
    assert documented == [(name, kind) for name, kind, _ in FIELDS]
    types = {"string": pa.string(), "float64": pa.float64(), "int64": pa.int64(), "bool": pa.bool_()}
    schema = pq.read_schema(tmp_path / "corpus.parquet")
    assert [(f.name, f.type, f.nullable) for f in schema] == [
        (name, types[kind.rstrip("?")], kind.endswith("?")) for name, kind in documented
    ]


def test_the_docs_loading_examples_run_as_written(run, tmp_path: Path) -> None:
    out, manifest = run
    export(out, out / "corpus.parquet")
    export(out, out / "corpus.jsonl.gz")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.DOTALL)
    assert len(blocks) == 2
    offline = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    printed = []
    for code in blocks:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **offline},
        )
        assert done.returncode == 0, done.stderr
        printed.append(done.stdout)
    assert printed[0].startswith("3 ['id', 'source', 'url', 'site']\n")
    assert "example.co.uk" in printed[0] and "example.org" in printed[0]
    kept = sum(1 for r in manifest if r["status"] == "cleaned" and not r["needs_review"])
    assert printed[1].startswith(f"3 3 {kept}\nmaps.txt The museum will show")


def test_a_manifest_line_of_the_wrong_shape_is_named(run, tmp_path: Path) -> None:
    out, manifest = run
    manifest[1]["url"] = ["not", "a", "string"]
    (out / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in manifest))
    done = boilerstrip("export", str(out), "--to", str(tmp_path / "c.parquet"))
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"boilerstrip: error: {out / 'manifest.jsonl'}:2: url must be a string or null")
    assert not (tmp_path / "c.parquet").exists()


def test_a_clean_text_changed_by_hand_into_another_encoding_is_named(run, tmp_path: Path) -> None:
    out, _manifest = run
    (out / "maps.txt").write_bytes("caf\u00e9 au lait\n".encode("cp1252"))
    done = boilerstrip("export", str(out), "--to", str(tmp_path / "c.jsonl.gz"))
    assert (done.returncode, done.stderr) == (
        1,
        f"boilerstrip: error: {out / 'maps.txt'}: the clean text of maps.txt is not UTF-8 (byte 3); clean it again\n",
    )
    assert not (tmp_path / "c.jsonl.gz").exists() and list(tmp_path.glob(".part.*")) == []
