"""The run report without a browser: the input rebuilt from the edit log with every edit
placed on it, escaping, the counts and the table's data, splitting into pages, pages
without an edit log, the `[run] report` switch, `boilerstrip report`, and the flow
writing and linking the report."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip.cleaners import Config, ConfigError, clean
from boilerstrip.cleaners.output import editlog
from boilerstrip.cleaners.output.editlog import EditLog
from boilerstrip.flows.files import reset_tmp
from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.outputs import record_line
from boilerstrip.flows.report import (
    CHUNK,
    MARKER,
    PAGE_SIZE,
    ReportError,
    Unfit,
    document_data,
    mark,
    rebuild,
    rows,
    write_report,
)
from boilerstrip.flows.settings import load_settings
from boilerstrip.flows.work import Job, Task, run_batch
from golden import ROOT
from golden import discover as discover_cases

PWNED = "<script>window.__pwned=1</script>"
XSS_NAME = "<img src=x onerror=window.__pwned=3>.txt"
XSS_TEXT = (
    "Markup in an article about web security\n\n"
    f"The attacker posted {PWNED} into the comment field, and the page showed <b>bold</b> text "
    "where none was meant.\n"
    '{mosads}Researchers said the flaw, which let <img src=x onerror="window.__pwned=2"> run in visitors\' '
    "browsers, was fixed within a day.\n\n"
    "Security teams recommend escaping every piece of user text before it reaches a page.\n\nAdvertisement\n"
)
FLAGGED_TEXT = (
    "Council meets on Tuesday.\n\nLeave a Reply\nYour email address will not be published.\n"
    "You must be logged in to post a comment.\nSubscribe to our newsletter\nFollow us on Twitter\n"
    "Copyright 2024 Example News. All rights reserved. This material may not be published, broadcast, "
    "rewritten, or redistributed.\n"
)


def make_corpus(raw: Path) -> Path:
    """The seeds, an article full of markup under a file name full of markup, one that
    loses most of its words (flagged), one that cannot be read (failed), in a subfolder."""
    shutil.copytree(ROOT / "raw", raw)
    (raw / XSS_NAME).write_text(XSS_TEXT, encoding="utf-8")
    (raw / "more").mkdir()
    (raw / "more" / "flagged.txt").write_text(FLAGGED_TEXT, encoding="utf-8")
    (raw / "more" / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not gzip at all")
    return raw


def clean_without_prefect(raw: Path, out: Path, write_diff: bool = True) -> list[dict]:
    """What a run leaves in OUT (outputs, diff logs, manifest), made by the batch code alone."""
    config = Config()
    job = Job(InputRoot.of(raw), str(out), config, config.fingerprint(), write_diff=write_diff)
    out.mkdir(parents=True, exist_ok=True)
    reset_tmp(out)
    records = run_batch(job, [Task(item) for item in InputRoot.of(raw).discover()])
    (out / "manifest.jsonl").write_text("".join(record_line(r) for r in records), encoding="utf-8")
    return records


def embedded(index: str) -> dict:
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', index, re.DOTALL)
    assert block, "no embedded data"
    assert "<" not in block[1] and ">" not in block[1]  # nothing in it can end the block
    return json.loads(block[1])


def views(out: Path, pages: str = "report") -> list[dict]:
    """Every document's view, in manifest order, from the report's data files."""
    found = []
    for number in range(len(list((out / pages / "data").iterdir()))):
        text = (out / pages / "data" / f"{number}.js").read_text("utf-8")
        assert text.startswith(f"reportChunk({number},") and text.endswith(");\n")
        found += json.loads(text[text.index(",") + 1 : -3])
    return found


def view(out: Path, source: str, pages: str = "report") -> dict:
    return next(v for v in views(out, pages) if v["source"] == source)


def shown_text(data: dict) -> tuple[str, str]:
    """The input and the clean text the page shows, from a view's rows."""
    pieces = [("=", p) if isinstance(p, str) else p[:2] for row in data["rows"] for p in row]
    decoded = "".join(text for kind, text in pieces if kind != "i")
    clean = "".join(text for kind, text in pieces if kind != "d")
    return decoded, clean + "\n" * data["nl"]


def removed(data: dict) -> list[tuple[str, str, str]]:
    """(text, cleaner, rule) of every piece struck on the page."""
    edits = data["edits"]
    return [(p[1], *edits[p[2]][:2]) for row in data["rows"] for p in row if not isinstance(p, str) and p[0] == "d"]


def card(index: str, key: str) -> str:
    return re.search(rf'id="count-{key}">([^<]*)<', index)[1]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    base = tmp_path_factory.mktemp("report")
    records = clean_without_prefect(make_corpus(base / "raw"), base / "out")
    write_report(base / "out")
    return base / "out", records


# ---------------------------------------------------------------- the input and its edits, from the edit log


def _roundtrip(result) -> None:
    log = editlog.loads(editlog.dumps(result.edits, result.meta.byte_fixes))
    decoded = rebuild(result.text, log.edits)
    assert decoded == result.decoded
    pieces, spans = mark(decoded, log.edits)
    assert "".join(p.text for p in pieces if p.kind != "ins") == result.decoded
    assert "".join(p.text for p in pieces if p.kind != "del") == result.text
    for piece in pieces:  # every change is labelled, with the edit that really made it
        if piece.kind == "del":
            assert piece.edit is not None and piece.text in piece.edit.removed, piece
        if piece.kind == "ins":
            assert piece.edit is not None and piece.text in piece.edit.replacement, piece
    assert len(spans) == len(log.edits) and all(0 <= a <= b <= len(decoded) for a, b in spans)
    marked = rows(decoded, pieces)
    assert len(marked) == len(decoded.splitlines())
    assert "".join(p.text for row in marked for p in row if p.kind != "ins") == result.decoded


CASES = discover_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_case_rebuilds_its_input_and_labels_every_removal(case) -> None:
    _roundtrip(clean(case.input.read_bytes(), config=case.config))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Tags Ash Carter",
                "Advertisement",
                "{mosads}Text here.",
                "Leave a Reply",
                "  ",
                "\xa0",
                "Ã©tÃ©",
                "é",
                "\r\n",
                "\n",
                "\r",
                "\u2028",
                "\x0b",
                "\x00",
                "Share this:",
                "Copyright 2024 X. All rights reserved.",
                "A line of article prose that stays.",
                "'quoted' \"both\" \\ back",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_any_text_rebuilds_from_its_log(text: str) -> None:
    _roundtrip(clean(text))


def test_an_edit_on_text_an_earlier_step_put_in() -> None:
    """A mojibake fix, then the line removed: the input's characters are struck by the
    fix that replaced them and by the removal, each with its own rule."""
    result = clean(
        "Story text that stays in the article about the council.\n\nMore story text here that stays too.\n\n"
        "Copyright 2024 CafÃ© News. All rights reserved.\n"
    )
    pieces, _ = mark(result.decoded, result.edits)
    struck = [(p.text, p.edit.rule) for p in pieces if p.kind == "del"]
    assert ("Ã©", "fix_encoding.encode:latin-1+decode:utf-8") in struck
    assert ("Copyright 2024 Caf", "copyright.year_line") in struck
    assert (" News. All rights reserved.\n", "copyright.year_line") in struck
    assert not [p for p in pieces if p.kind == "ins" and p.text == "é"]  # put in, then removed with its line


def test_a_log_that_does_not_fit_the_text_is_refused() -> None:
    result = clean("A story about the CafÃ© in town, told at length here.\n\nCopyright 2024 Town News.\n")
    assert rebuild(result.text, result.edits) == result.decoded
    with pytest.raises(Unfit, match="is not where the edit log puts it"):
        rebuild(result.text.replace("é", "e"), result.edits)
    other = clean((ROOT / "raw/004_b7bbc19097b3fd85.txt").read_bytes())
    with pytest.raises(Unfit):
        rebuild(result.text, other.edits)


# ---------------------------------------------------------------- the report of a run


def test_counts_match_the_manifest(report) -> None:
    out, records = report
    index = (out / "report.html").read_text("utf-8")
    ok = [r for r in records if r["status"] != "failed"]
    assert card(index, "documents") == str(len(records)) == "8"
    assert card(index, "cleaned") == str(sum(r["status"] == "cleaned" for r in records)) == "7"
    assert card(index, "skipped") == "0"
    assert card(index, "failed") == "1"
    assert card(index, "flagged") == str(sum(bool(r.get("needs_review")) for r in ok)) == "1"
    removed = sum(r["chars_before"] - r["chars_after"] for r in ok)
    assert card(index, "chars-removed") == f"{removed:,}"
    assert card(index, "removals") == f"{sum(r['removals'] for r in ok):,}"
    per_cleaner: dict[str, int] = {}
    for r in ok:
        for name, count in r["edits"].items():
            per_cleaner[name] = per_cleaner.get(name, 0) + count
    data = embedded(index)
    for name, count in per_cleaner.items():
        key = data["cleaners"].index(name)
        assert re.search(rf'data-cleaner="{key}"[^>]*>{re.escape(name)}</button>.*?</i>{count:,}</span>', index)


def test_table_data_filters_and_pages(report) -> None:
    out, records = report
    data = embedded((out / "report.html").read_text("utf-8"))
    col = data["columns"]
    docs = {d[col["source"]]: d for d in data["docs"]}
    assert set(docs) == {r["source"] for r in records}
    mosads = docs["004_b7bbc19097b3fd85.txt"]
    assert data["cleaners"].index("strip_ad_markers/v1") in mosads[col["cleaners"]]
    rules = [tuple(r[:2]) for r in data["rules"]]
    assert rules.index(("strip_ad_markers/v1", "ads.cms_token")) in mosads[col["rules"]]
    flagged = [s for s, d in docs.items() if d[col["flags"]]]
    failed = [s for s, d in docs.items() if d[col["status"]] == "failed"]
    assert flagged == ["more/flagged.txt"] and failed == ["more/broken.txt.gz"]
    assert docs["more/broken.txt.gz"][col["error"]]
    assert 0.4 < docs["more/flagged.txt"][col["share"]] <= 1
    assert data["pageSize"] == PAGE_SIZE
    assert [v["source"] for v in views(out)] == [r["source"] for r in records]  # failed ones included
    assert data["pages"] == "report" and data["shell"] == "document.html"
    assert (out / "report" / MARKER).is_file() and (out / "report/report.css").is_file()


def test_document_view_marks_removals_in_place_with_cleaner_and_reason(report) -> None:
    out, _ = report
    data = view(out, "004_b7bbc19097b3fd85.txt")
    assert ("{mosads}", "strip_ad_markers/v1", "ads.cms_token") in removed(data)
    row = next(r for r in data["rows"] if not isinstance(r[0], str) and r[0][1] == "{mosads}")
    assert row[1].startswith("However, the official")
    edit = data["edits"][row[0][2]]
    assert edit[2:4] == ["removal", "CMS ad placeholder token (Joomla/Mambo {mosads}, {loadposition ...} and kin)"]
    gone = next(
        r for r in data["rows"] if not isinstance(r[0], str) and r[0][1] == "Tags Ash Carter ISIS Russia Syria\n"
    )
    assert all(not isinstance(p, str) and p[0] == "d" for p in gone)
    decoded, clean_text = shown_text(data)
    assert clean_text == (out / "004_b7bbc19097b3fd85.txt").read_text("utf-8")
    assert decoded == (ROOT / "raw/004_b7bbc19097b3fd85.txt").read_text("utf-8")
    assert ["clean text file", "../004_b7bbc19097b3fd85.txt"] in data["links"]
    flagged = view(out, "more/flagged.txt")
    assert ["needs review", "removed 92% of the words (threshold 40%)"] in flagged["meta"]
    failed = view(out, "more/broken.txt.gz")
    assert "rows" not in failed and "clean" not in failed and "links" not in failed
    assert "cannot read" in dict(failed["meta"])["error"]


def test_the_pages_are_one_document_page_and_a_data_file_per_chunk_of_documents(tmp_path: Path) -> None:
    """Issue 15: one HTML page per document cost more than the rest of the report."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(2 * CHUNK + 1):
        (raw / f"doc{i:04d}.txt").write_text(f"Article number {i}, with enough words to be one.\n\nAdvertisement\n")
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    write_report(out)
    files = sorted(str(p.relative_to(out / "report")) for p in (out / "report").rglob("*") if p.is_file())
    assert files == [MARKER, "data/0.js", "data/1.js", "data/2.js", "document.html", "report.css"]
    assert [v["source"] for v in views(out)] == [f"doc{i:04d}.txt" for i in range(2 * CHUNK + 1)]
    assert ("Advertisement\n", "strip_ad_markers/v1") in [r[:2] for r in removed(views(out)[CHUNK])]


def test_the_same_report_with_worker_processes(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(CHUNK + 3):
        (raw / f"doc{i:04d}.txt").write_text(f"Article number {i}, with enough words to be one.\n\nAdvertisement\n")
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    write_report(out)
    alone = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and "report" in p.parts[-2:]}
    with ProcessPoolExecutor(2) as pool:
        write_report(out, pool)
    pooled = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and "report" in p.parts[-2:]}
    assert pooled == alone and len(alone) >= 3


def test_markup_in_articles_and_names_is_text(report) -> None:
    out, _ = report
    for path in (out / "report.html", out / "report/document.html"):
        text = path.read_text("utf-8")
        assert "<script>window" not in text and "<b>bold" not in text and "<img src=x" not in text, path
        assert text.count("<script>") == 1  # the page's own, allowed by its hash in the page's policy
        assert "Content-Security-Policy" in text and "script-src 'sha256-" in text
    assert "'strict-dynamic'" in (out / "report/document.html").read_text("utf-8")  # its data files, no others
    decoded, _ = shown_text(view(out, XSS_NAME))
    assert PWNED in decoded and "<b>bold</b>" in decoded  # as data: document.js sets it as text
    data = embedded((out / "report.html").read_text("utf-8"))
    assert XSS_NAME in [d[0] for d in data["docs"]]  # JSON.parse gives it back; the table sets it as text


def test_links_are_quoted_and_odd_names_have_views(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "a#b").mkdir(parents=True)
    (raw / "a#b" / "100% sure?.txt").write_text("A short article about certainty and doubt in science.\n")
    (raw / ("n" * 248 + ".txt")).write_text("Another article with a very long file name indeed.\n")
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    write_report(out)
    assert {v["source"] for v in views(out)} == {"a#b/100% sure?.txt", "n" * 248 + ".txt"}
    assert ["clean text file", "../a%23b/100%25%20sure%3F.txt"] in view(out, "a#b/100% sure?.txt")["links"]


def test_rerun_replaces_pages_and_never_touches_outputs(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("one.txt", "two.txt"):
        (raw / name).write_text(f"An article called {name} with enough words to be an article.\n")
    (raw / "report").mkdir()  # an input folder whose outputs land in OUT/report/
    (raw / "report" / "three.txt").write_text("The third article lives in a folder named report.\n")
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    write_report(out)
    assert (out / "report/three.txt").is_file() and not (out / "report" / MARKER).exists()
    pages = embedded((out / "report.html").read_text("utf-8"))["pages"]
    assert pages != "report" and "one.txt" in [v["source"] for v in views(out, pages)]
    (raw / "one.txt").unlink()
    clean_without_prefect(raw, out)
    write_report(out)
    assert sorted(v["source"] for v in views(out, pages)) == ["report/three.txt", "two.txt"]
    assert (out / "report/three.txt").is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(".report-")]  # no staging left behind


def test_same_folder_same_report_and_leftovers_of_a_killed_report_go(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    write_report(out)

    def report_files(folder: Path) -> dict:
        return {
            p.relative_to(folder): p.read_bytes()
            for p in [folder / "report.html", *(folder / "report").rglob("*")]
            if p.is_file()
        }

    first = report_files(out)
    killed = out / ".report-staging-999999"  # a report killed while writing its pages
    (killed / "data").mkdir(parents=True)
    (killed / MARKER).write_text("")
    (killed / "data" / "0.js").write_text("stale")
    foreign = out / ".report-old-not-ours"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("someone else's")
    moved = tmp_path / "moved"
    shutil.copytree(out, moved)  # the report names no absolute path and no date
    write_report(out)
    write_report(moved)
    assert report_files(out) == first and report_files(moved) == first
    assert not killed.exists() and (foreign / "notes.txt").is_file()


def test_without_edit_logs_or_with_a_broken_one_the_pages_say_so(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    out = tmp_path / "out"

    def says(text: str) -> dict:
        write_report(out)
        data = view(out, "004_b7bbc19097b3fd85.txt")
        assert text in data["problem"] and "rows" not in data
        assert "the official would not say" in data["clean"]  # shown instead
        return data

    clean_without_prefect(raw, out, write_diff=False)
    data = says("no edit log was written for it ([run] write_diff = false)")
    assert "edit log" not in dict(data["links"]) and "edits" not in data
    records = clean_without_prefect(raw, out)
    edits = out / "004_b7bbc19097b3fd85.edits.jsonl"
    edits.write_text("{}\n", "utf-8")
    says("its edit log 004_b7bbc19097b3fd85.edits.jsonl is not an edit log: line 1")
    edits.unlink()
    says("its edit log 004_b7bbc19097b3fd85.edits.jsonl cannot be read")
    clean_without_prefect(raw, out)
    text = out / "004_b7bbc19097b3fd85.txt"
    text.write_text(text.read_text("utf-8").replace("However", "Moreover"), "utf-8")  # edited after the run
    says("the edit log does not fit the clean text")
    for record in records:  # a manifest of a version without edit logs
        del record["edit_log"]
    (out / "manifest.jsonl").write_text("".join(record_line(r) for r in records), encoding="utf-8")
    says("wrote no edit logs")


def test_a_page_lists_undecodable_bytes_and_edits_in_the_order_of_the_input(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bytes.txt").write_bytes(
        b"A story told at length, in UTF-8 (\xe2\x82\xac) but for one byte: \xc3(.\n\nAdvertisement\n\nMore text.\n"
    )
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    write_report(out)
    data = view(out, "bytes.txt")
    assert data["fixes"] == ["decode/v2 byte 57: c3 bytes not valid in utf-8: replaced by U+FFFD"]
    lines = [data["edits"][i][4] for i in data["order"]]
    assert lines == sorted(lines) and len(lines) >= 2
    assert ["edit log", "../bytes.edits.jsonl"] in data["links"]


def test_the_view_of_an_empty_input() -> None:
    record = {"source": "e.txt", "output": "e.txt", "status": "cleaned", "chars_before": 0, "edit_log": "e.edits.jsonl"}
    data = document_data(record, "", EditLog())
    assert data["rows"] == [] and data["nl"] == 0 and data["edits"] == []


def test_no_manifest_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"manifest\.jsonl does not exist"):
        write_report(tmp_path)


# ---------------------------------------------------------------- settings, command, flow


def test_report_switch_in_settings(tmp_path: Path) -> None:
    assert load_settings(None).run.report is True
    config = tmp_path / "c.toml"
    config.write_text("[run]\nreport = false\n")
    settings_ = load_settings(config)
    assert settings_.run.report is False and "report = false" in settings_.to_toml()
    config.write_text('[run]\nreport = "yes"\n')
    with pytest.raises(ConfigError, match="report must be true or false"):
        load_settings(config)


BIN = Path(sys.executable).with_name("boilerstrip")


def test_report_command(report, tmp_path: Path) -> None:
    out, _ = report
    done = subprocess.run([str(BIN), "report", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "report.html")
    missing = subprocess.run([str(BIN), "report", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "manifest.jsonl does not exist" in missing.stderr
    helped = subprocess.run([str(BIN), "report", "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: boilerstrip report")


def _summary_artifact() -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["boilerstrip-run-summary"])),
            sort=ArtifactSort.CREATED_DESC,
            limit=1,
        )
    return found[0].data


def test_flow_writes_the_report_and_links_it_unless_switched_off(prefect_server, tmp_path: Path) -> None:
    from boilerstrip.flows.flow import clean_corpus

    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "gz").mkdir()
    (raw / "gz" / "seed.txt.gz").write_bytes(gzip.compress((ROOT / "raw/004_b7bbc19097b3fd85.txt").read_bytes()))
    out = tmp_path / "out"
    clean_corpus(str(raw), str(out))
    index = (out / "report.html").read_text("utf-8")
    assert card(index, "documents") == "6" and "gz/seed.txt.gz" in [v["source"] for v in views(out)]
    assert (out / "report.html").resolve().as_uri() in _summary_artifact()
    clean_corpus(str(raw), str(out))  # a re-run: everything unchanged, still reported
    index = (out / "report.html").read_text("utf-8")
    assert card(index, "skipped") == "6" and card(index, "cleaned") == "0"
    config = tmp_path / "c.toml"
    config.write_text("[run]\nreport = false\n")
    off = tmp_path / "off"
    clean_corpus(str(raw), str(off), config=str(config))
    assert not (off / "report.html").exists() and not (off / "report").exists()
    assert "report.html" not in _summary_artifact()
