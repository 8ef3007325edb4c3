"""Time limits: a document that takes too long fails alone, with its reason, and the
run goes on. A user's phrase rule can backtrack in ways no static check sees; a page
can make the C parser quadratic, where no signal reaches."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boilerstrip.cleaners import Config, clean
from boilerstrip.cleaners.errors import CleaningTimeout
from boilerstrip.cleaners.rules import book
from boilerstrip.flows.inputs import InputRoot, Item
from boilerstrip.flows.work import Job, Task, run_one
from golden import ROOT

ARTICLE = "The council approved the budget on Tuesday after a long debate about schools and roads.\n\n"


def phrase_file(path: Path, pattern: str) -> Path:
    path.write_text(
        'language = "*"\n\n[[remove_navigation_chrome]]\nid = "slow"\nreason = "a rule that backtracks"\n'
        f"patterns = [{json.dumps(pattern)}]\nmax_chars = 400\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("pattern", "line"),
    [(r"\w*\w*\w*\w*\w*!", "a" * 150), (r"(?:a|a)*!", "a" * 40), (r".*x.*x.*x.*x.*x.*!", "x" * 150)],
)
def test_a_backtracking_user_rule_fails_its_document_within_the_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pattern: str, line: str
) -> None:
    """Whatever the static check of phrase files lets through (here: nothing is checked),
    the document's time limit holds."""
    monkeypatch.setattr(book, "_check_pattern", lambda *_args, **_kwargs: None)
    config = Config(phrase_files=[phrase_file(tmp_path / "slow.toml", pattern)], document_timeout=0.5)
    assert (
        clean(ARTICLE, config=config.with_overrides(document_timeout=60)).text == ARTICLE.rstrip() + "\n"
    )  # loads what is loaded once
    started = time.monotonic()
    with pytest.raises(CleaningTimeout, match=r"^cleaning took longer than 0\.5 s \(document_timeout\)$"):
        clean(f"{ARTICLE}{line}\n", config=config)
    assert time.monotonic() - started < 3
    assert clean(ARTICLE, config=config).meta.language == "en"  # the next document has its own limit

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "slow.txt").write_text(f"{ARTICLE}{line}\n")
    job = Job(InputRoot.of(tmp_path / "raw"), str(tmp_path / "out"), config, "fp")
    record = run_one(job, Task(Item("slow.txt", "slow.txt", "text")))
    assert record["status"] == "failed"
    assert record["error"] == "cleaning failed: CleaningTimeout: cleaning took longer than 0.5 s (document_timeout)"


def test_the_extraction_limit_inside_the_document_limit() -> None:
    """Nested limits: the shorter one fires, and the outer one is given back its time."""
    from boilerstrip.cleaners.limits import time_limit

    class Outer(Exception):
        pass

    class Inner(Exception):
        pass

    with pytest.raises(Outer), time_limit(0.6, Outer):
        with pytest.raises(Inner), time_limit(0.2, Inner):
            time.sleep(2)
        with time_limit(5, Inner):  # longer than what the outer has left: the outer stays in charge
            time.sleep(2)


@pytest.mark.parametrize("where", [[], ["--workers", "2", "--batch-size", "2"]], ids=["flow-process", "workers"])
def test_a_run_with_a_backtracking_rule_finishes(prefect_server, tmp_path: Path, where: list[str]) -> None:
    """Through the command line, as a user runs it: the run ends, the slow file is
    `failed` with the reason in the manifest, every other file is cleaned."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / "slow.txt").write_text(f"{ARTICLE}{'x' * 150}\n")
    phrase_file(tmp_path / "slow.toml", r".*x.*x.*x.*x.*x.*!")  # about a minute per line of 150 x
    config = tmp_path / "boilerstrip.toml"
    config.write_text('[cleaners]\nphrase_files = ["slow.toml"]\ndocument_timeout = 5\n')
    out = tmp_path / "clean"
    started = time.monotonic()
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("boilerstrip")),
            "clean",
            str(raw),
            "--out",
            str(out),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert time.monotonic() - started < 60
    assert done.returncode == 1 and "1 file(s) failed" in done.stderr
    rows = {r["source"]: r for r in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert (
        rows.pop("slow.txt")["error"]
        == "cleaning failed: CleaningTimeout: cleaning took longer than 5 s (document_timeout)"
    )
    assert len(rows) == 5 and all(row["status"] == "cleaned" for row in rows.values())


def attribute_flood(attributes: int = 200_000) -> bytes:
    """The issue's page: 1.9 MB, one <div> with 200,000 attributes. libxml2 checks each
    new attribute against all the earlier ones, in C: minutes, and no signal reaches it."""
    flood = " ".join(f'a{i}="1"' for i in range(attributes))
    return f"<html><body><div {flood}><p>{ARTICLE}</p></div></body></html>".encode()


def test_a_page_the_parser_would_take_minutes_on_is_refused_before_parsing(tmp_path: Path) -> None:
    page = attribute_flood()
    assert len(page) > 1_900_000
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "flood.html").write_bytes(page)
    job = Job(InputRoot.of(tmp_path / "raw"), str(tmp_path / "out"), Config(extract_timeout=5), "fp")
    started = time.monotonic()
    record = run_one(job, Task(Item("flood.html", "flood.txt", "html")))
    assert time.monotonic() - started < 5
    assert record["status"] == "failed"
    assert record["error"] == (
        "cleaning failed: InputError: a tag with 200000 attributes, more than 1000 "
        '(<div a0="1" a1="1" a2="1" a3="1" a4="1" ...): '
        "refused before parsing (the HTML parser would take minutes on it)"
    )


def test_the_shape_check_counts_attributes_as_the_parser_reads_them() -> None:
    from boilerstrip.cleaners.input.html import MAX_ATTRIBUTES, shape_problem

    def tag(attributes: list[str]) -> str:
        return f"<html><body><div {' '.join(attributes)}><p>{ARTICLE}</p></div></body></html>"

    many = MAX_ATTRIBUTES + 1
    assert shape_problem(tag([f"a{i}" for i in range(MAX_ATTRIBUTES)])) is None
    assert shape_problem(tag([f'a{i}=">"' for i in range(many)]))  # a quoted > does not end the tag
    assert shape_problem(tag([f"a{i}=<b" for i in range(many)]))  # nor does an unquoted <
    assert shape_problem(tag([f"a{i}" for i in range(many)]))
    assert shape_problem(f'<img src="data:image/png;base64,{"QUJD" * 250_000}" alt="a long tag is fine">') is None
