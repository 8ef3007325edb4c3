"""`boilerstrip clean -` and `boilerstrip clean --jsonl`: the command in a shell pipeline,
through its real entry point, with no Prefect server (the API URL given leads nowhere)."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_cli import BIN, boilerstrip, one_line_error

from boilerstrip import Config, clean, replay
from boilerstrip.cleaners.output.difflog import render
from boilerstrip.flows.cli.pipe import stream
from golden import ROOT

SEED = ROOT / "raw/004_b7bbc19097b3fd85.txt"
NO_SERVER = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}  # a pipe must never need one


def pipe(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, timeout=120, env=NO_SERVER)


def lines_of(done: subprocess.CompletedProcess[bytes]) -> list[dict]:
    return [json.loads(line) for line in done.stdout.decode().splitlines()]


def test_a_pipe_cleans_standard_input_to_standard_output() -> None:
    raw = SEED.read_bytes()
    done = pipe("clean", "-", "--format", "text", stdin=raw)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == clean(raw, format="text").text.encode("utf-8")
    assert done.stdout == (ROOT / "fixtures/seeds/004/expected.txt").read_bytes()


def test_the_diff_log_goes_to_a_file_on_request(tmp_path: Path) -> None:
    raw = SEED.read_bytes()
    done = pipe("clean", "-", "--diff", str(tmp_path / "004.diff"), stdin=raw)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == clean(raw).text.encode("utf-8")
    expected = render(clean(raw, source="<stdin>"), "<stdin>", "<stdin> (clean)")
    assert (tmp_path / "004.diff").read_text("utf-8") == expected
    assert "-{mosads}However" in expected


def test_the_pipe_honours_the_config(tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text('[run]\nworkers = 1\n[cleaners]\ndisable = ["remove_comment_widgets"]\n')
    raw = b"Story text.\n\nBe the first to comment\n"
    done = pipe("clean", "-", "--config", str(config), stdin=raw)
    assert done.stdout == raw and done.returncode == 0


def test_a_document_that_fails_is_one_line_on_stderr_and_nothing_on_stdout() -> None:
    done = pipe("clean", "-", stdin=gzip.compress(SEED.read_bytes())[:40])
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr.decode() == "boilerstrip: error: <stdin>: gzip data is truncated\n"


def test_pipe_usage_errors_are_one_line(tmp_path: Path) -> None:
    assert one_line_error(boilerstrip("clean", str(ROOT / "raw"))) == (
        "boilerstrip: error: the following arguments are required: --out (or clean standard input: "
        "`boilerstrip clean -`)"
    )
    with_out = boilerstrip("clean", "-", "--out", str(tmp_path / "out"), input="x")
    assert one_line_error(with_out).endswith("--out: only for cleaning a folder, not with `clean -` or `clean --jsonl`")
    assert not (tmp_path / "out").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text('[cleaners]\norder = ["no_such_cleaner"]\n')
    assert "unknown cleaner 'no_such_cleaner'" in one_line_error(boilerstrip("clean", "-", "--config", str(bad)))
    nowhere = boilerstrip("clean", "-", "--diff", str(tmp_path / "no/such/x.diff"), input="Text.\n")
    assert one_line_error(nowhere) == (
        f"boilerstrip: error: cannot write the diff log {tmp_path / 'no/such/x.diff'}: No such file or directory"
    )
    assert nowhere.stdout == ""
    assert one_line_error(boilerstrip("clean", "--jsonl", str(tmp_path / "missing.jsonl"))) == (
        f"boilerstrip: error: cannot read {tmp_path / 'missing.jsonl'}: No such file or directory"
    )
    assert "--edits and --workers are for --jsonl" in one_line_error(boilerstrip("clean", "-", "--edits"))


def records(count: int) -> list[dict]:
    docs = [path.read_text("utf-8") for path in sorted((ROOT / "raw").glob("*.txt"))]
    return [{"id": f"doc-{n}", "url": f"https://example.com/{n}", "text": docs[n % len(docs)]} for n in range(count)]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_jsonl_stream_keeps_input_order_and_answers_every_line(workers: str) -> None:
    good = records(24)
    good[3]["meta"] = {"dump": "CC-MAIN-2024-10"}  # a datatrove-style record: its own keys pass through
    good[5] = {
        "id": "page",
        "html": "<html><body><article><p>" + "Body text here. " * 30 + "</p></article></body></html>",
    }
    lines = [json.dumps(record) for record in good]
    lines[7:7] = ["{not json", "", "[1, 2]", '{"id": "empty"}']  # broken lines: a failed record each, blank: none
    done = pipe("clean", "--jsonl", "-", "--workers", workers, stdin="\n".join(lines).encode() + b"\n")
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "boilerstrip: error: <stdin> line 8: not JSON: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)",
        "boilerstrip: error: <stdin> line 10: not a JSON object but list",
        'boilerstrip: error: <stdin> line 11: the record has no "text" or "html"',
    ]
    out = lines_of(done)
    assert [r["line"] for r in out] == [n for n, line in enumerate(lines, 1) if line]
    failed = [r for r in out if r["status"] == "failed"]
    assert [(r["line"], r["id"], r["text"]) for r in failed] == [(8, None, None), (10, None, None), (11, "empty", None)]
    cleaned = [r for r in out if r["status"] == "cleaned"]
    assert [r["id"] for r in cleaned] == [r["id"] for r in good]
    for record, source in zip(cleaned, good, strict=True):
        fmt = "html" if "html" in source else "auto"
        result = clean(source.get("text") or source["html"], format=fmt)
        assert record["text"] == result.text and record["url"] == source.get("url")
        assert (record["language"], record["needs_review"]) == (result.meta.language, result.meta.needs_review)
        assert "html" not in record and record["error"] is None
    assert cleaned[3]["meta"] == {"dump": "CC-MAIN-2024-10"}
    assert 0 < cleaned[4]["removed_share"] < 0.5  # raw/004: 48 of 437 words


def test_a_jsonl_file_with_edits_replays_to_its_text(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records(5)), "utf-8")
    done = pipe("clean", "--jsonl", str(path), "--edits", stdin=b"")
    assert (done.returncode, done.stderr) == (0, b"")
    for record, source in zip(lines_of(done), records(5), strict=True):
        assert replay(source["text"], [_edit(e) for e in record["edits"]]) == record["text"]


def _edit(data: dict):
    from boilerstrip import Edit

    return Edit(**data)


def test_a_stream_answers_each_record_before_its_input_ends() -> None:
    """No read-everything-first: a record's answer comes while standard input is still open."""
    with subprocess.Popen(
        [str(BIN), "clean", "--jsonl", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=NO_SERVER
    ) as proc:
        assert proc.stdin and proc.stdout
        try:
            for number in range(3):
                proc.stdin.write(json.dumps({"id": number, "text": f"Line {number}.\n"}).encode() + b"\n")
                proc.stdin.flush()
                assert json.loads(proc.stdout.readline())["text"] == f"Line {number}.\n"
            proc.stdin.close()
            assert proc.wait(timeout=60) == 0
        finally:
            proc.kill()


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "text", "html", "url", "x"]), inner)
    ),
    max_leaves=8,
)
LINE = st.one_of(
    JSONISH.map(json.dumps),
    st.fixed_dictionaries({"id": JSONISH, "text": st.text(max_size=200)}).map(json.dumps),
    st.fixed_dictionaries({"html": st.text(max_size=200)}).map(json.dumps),
    st.text(max_size=60),
    st.binary(max_size=60),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=6))
@example(['{"id": 1, "text": "a\\u0085b\\u2028c\\u2029d\\n"}', '{"0": "\\u0085"}'])  # line ends to str.splitlines
def test_a_stream_never_crashes_on_json_ish_lines(lines: list[str | bytes]) -> None:
    data = b"\n".join(
        (line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass")).replace(b"\n", b" ")
        for line in lines
    )
    out = io.BytesIO()
    status = stream(io.BytesIO(data), out, "<test>", 1, Config(), "auto")
    given_lines = [n for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
    answers = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert [a["line"] for a in answers] == given_lines
    assert all(a["status"] in ("cleaned", "failed") for a in answers)
    assert status == (1 if any(a["status"] == "failed" for a in answers) else 0)


def test_a_document_over_its_time_limit_fails_alone_in_both_commands(tmp_path: Path) -> None:
    """Both commands share `clean_named`: a CleaningTimeout is one line, not a traceback."""
    config = tmp_path / "quick.toml"
    config.write_text("[cleaners]\ndocument_timeout = 0.001\n")
    big = b"A line of article text here. " * 20000
    done = pipe("clean", "-", "--config", str(config), stdin=big)
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr.decode() == "boilerstrip: error: <stdin>: cleaning took longer than 0.001 s (document_timeout)\n"
    library = subprocess.run(
        [sys.executable, "-m", "boilerstrip.cleaners", "--config", str(config), "-"], input=big, capture_output=True
    )
    assert library.returncode == 1
    assert library.stderr.decode() == "error: <stdin>: cleaning took longer than 0.001 s (document_timeout)\n"


class Sink:
    """Standard output that keeps nothing: what a stream holds is then its own doing."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.lines += 1
        return len(data)

    def flush(self) -> None:
        pass


QUICK = Config(order=["normalize_whitespace"])  # the stream is under test, not the cleaners: fast, big records


def peak_while_streaming(count: int) -> tuple[int, int, int]:
    """Lines answered, peak memory while streaming `count` records, and their bytes."""
    text = (ROOT / "raw/000_1fc4747b8a4ce4f0.txt").read_text("utf-8") * 4
    lines = (json.dumps({"id": n, "text": f"{text}\nLine {n} of its own.\n"}).encode() + b"\n" for n in range(count))
    sink = Sink()
    tracemalloc.start()
    try:
        stream(lines, sink, "<test>", 1, QUICK, "text")  # type: ignore[arg-type]
        return sink.lines, tracemalloc.get_traced_memory()[1], count * (len(text.encode()) + 40)
    finally:
        tracemalloc.stop()


def test_stream_memory_does_not_grow_with_the_stream() -> None:
    """Records are read as they are cleaned: the peak while streaming 16 MB of records stays
    far below holding them (it is a few hundred KB, with the odd transient spike of 2 MB)."""
    peak_while_streaming(20)  # one-time allocations (caches, language profiles) out of the way
    lines, peak, size = peak_while_streaming(1600)
    assert lines == 1600 and size > 16_000_000
    assert peak < size / 4, (peak, size)


def test_a_page_without_article_text_fails_as_in_a_folder_run() -> None:
    page = b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>"
    done = pipe("clean", "-", "--format", "html", stdin=page)
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr.decode() == (
        "boilerstrip: error: <stdin>: no article text found in the page (the extractor returned nothing)\n"
    )
    stream_done = pipe("clean", "--jsonl", "-", stdin=json.dumps({"id": "p", "html": page.decode()}).encode())
    (record,) = lines_of(stream_done)
    assert (stream_done.returncode, record["status"], record["text"]) == (1, "failed", None)
    assert record["error"] == "no article text found in the page (the extractor returned nothing)"
