"""Web archives as input: WARC responses through the HTML path, WET conversions through the
text path, everything else skipped and counted; a damaged archive yields what came before
the damage and one failure saying where. Archives are built with warcio's writer, as a
crawler writes them; nothing is downloaded."""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from pathlib import Path

import pytest
from test_cli import boilerstrip
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from boilerstrip import Config, clean
from boilerstrip.flows.archives import Damaged, Tally, members
from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.plan import Plan
from boilerstrip.flows.settings import load_settings

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "cases"
PAGES = sorted(CASES.glob("html_*/input.html"))
TEXTS = sorted(CASES.glob("en_*/input.txt"))


def response(writer: WARCWriter, url: str, body: bytes, *, status: str = "200 OK", headers=None) -> None:
    http = StatusAndHeaders(status, headers or [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def request(writer: WARCWriter, url: str) -> None:
    http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
    writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=http))


def crawl(path: Path, *, gz: bool = True) -> Path:
    """A crawl as Heritrix or wget writes one: warcinfo, then request and response per
    page (three sites), a redirect, an image and a metadata record."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i, page in enumerate(PAGES):
            url = f"https://www.site{i % 3}.co.uk/news/{i}"
            request(writer, url)
            response(writer, url, page.read_bytes())
        response(writer, "https://a.example/old", b"<html>Moved</html>", status="301 Moved Permanently")
        response(writer, "https://a.example/logo.png", b"\x89PNG\r\n\x1a\n", headers=[("Content-Type", "image/png")])
        meta = writer.create_warc_record("https://a.example/", "metadata", payload=io.BytesIO(b"outlinks: 3"))
        writer.write_record(meta)
    return path


def wet(path: Path) -> Path:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i, text in enumerate(TEXTS):
            record = writer.create_warc_record(
                f"https://blog{i}.example.org/post", "conversion", payload=io.BytesIO(text.read_bytes())
            )
            record.rec_headers.replace_header("Content-Type", "text/plain")
            writer.write_record(record)
    return path


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def run(raw: Path, out: Path, *args: str, failed: bool = False) -> str:
    """A run as a user starts one (on the session's Prefect server); exit status 1 when it
    records failures."""
    done = boilerstrip("clean", str(raw), "--out", str(out), "--workers", "1", *args)
    assert done.returncode == (1 if failed else 0), done.stdout + done.stderr
    return done.stdout + done.stderr


def test_a_warc_and_a_wet_are_read_as_their_documents(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    crawl(raw / "crawl.warc.gz")
    wet(raw / "segment.wet.gz")
    run(raw, tmp_path / "out", "--export", str(tmp_path / "corpus.jsonl"))
    records = manifest(tmp_path / "out")
    rows = [json.loads(line) for line in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["source"], r["url"], r["warc_record_id"], r["warc_date"]) for r in rows] == [
        (r["source"], r["url"], r["warc_record_id"], r["warc_date"]) for r in records
    ]

    pages = [r for r in records if r.get("archive") == "crawl.warc.gz"]
    assert [r["record"] for r in pages] == [3 + 2 * i for i in range(len(PAGES))]  # warcinfo, then request/response
    for i, r in enumerate(pages):
        assert r["status"] == "cleaned" and r["format"] == "html", r
        assert r["source"] == f"crawl.warc.gz#{r['record']}"
        assert r["output"] == f"crawl.warc/{r['record']:06d}.txt"
        assert r["url"] == f"https://www.site{i % 3}.co.uk/news/{i}"
        assert (r["site"], r["url_from"]) == (f"site{i % 3}.co.uk", "warc")
        assert r["warc_record_id"].startswith("<urn:uuid:") and r["warc_date"].endswith("Z")
        assert (tmp_path / "out" / r["output"]).is_file() and (tmp_path / "out" / r["diff"]).is_file()

    texts = [r for r in records if r.get("archive") == "segment.wet.gz"]
    assert [r["format"] for r in texts] == ["text"] * len(TEXTS)
    assert [r["output"] for r in texts] == [f"segment.wet/{n:06d}.txt" for n in range(2, 2 + len(TEXTS))]
    assert len(records) == len(PAGES) + len(TEXTS)  # nothing else is a document

    summary = (tmp_path / "out" / "run-summary.md").read_text(encoding="utf-8")
    total = 2 + 2 * len(PAGES) + 3 + len(TEXTS)
    assert f"2 archives, {total} records read whole: {len(PAGES) + len(TEXTS)} documents" in summary
    for kind, count in [("request", len(PAGES)), ("response 301", 1), ("response image/png", 1), ("warcinfo", 2)]:
        assert f"| {kind} | {count} |" in summary
    assert "| metadata | 1 |" in summary


def test_a_page_from_an_archive_is_cleaned_as_the_same_page_in_a_file(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    crawl(raw / "crawl.warc")
    run(raw, tmp_path / "out")
    for page, record in zip(PAGES, manifest(tmp_path / "out"), strict=True):
        alone = clean(page.read_bytes(), config=Config(), format="html")
        assert (tmp_path / "out" / record["output"]).read_text(encoding="utf-8").rstrip("\n") == alone.text.rstrip("\n")
        assert record["edits"] == alone.edits_by_cleaner()


def test_a_rerun_skips_every_unchanged_document_and_rewrites_nothing(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    crawl(raw / "crawl.warc.gz")
    out = tmp_path / "out"
    run(raw, out)
    first = manifest(out)
    written = {r["output"]: os.stat(out / r["output"]).st_mtime_ns for r in first}
    run(raw, out)
    again = manifest(out)
    assert [r["status"] for r in again] == ["skipped-unchanged"] * len(first)
    assert [r["source"] for r in again] == [r["source"] for r in first]
    assert {r["output"]: os.stat(out / r["output"]).st_mtime_ns for r in again} == written


def test_each_archive_is_one_unit_of_work(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a.txt", "b.txt", "d.txt"):
        (raw / name).write_text("Some text.\n")
    crawl(raw / "c.warc.gz")
    wet(raw / "e.wet.gz")
    settings = load_settings(None).with_run(batch_size=10)
    plan = Plan.make(InputRoot.of(raw), tmp_path / "out", settings)
    try:
        batches = [[t.item.source for t in tasks] for tasks, _ in plan.batches()]
    finally:
        plan.close()
    assert batches == [["a.txt", "b.txt"], ["c.warc.gz"], ["d.txt"], ["e.wet.gz"]]


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_a_truncated_archive_yields_the_records_before_the_damage_and_says_where(
    prefect_server, tmp_path: Path, gz: bool
) -> None:
    whole = crawl(tmp_path / "whole", gz=gz).read_bytes()
    raw = tmp_path / "raw"
    raw.mkdir()
    name = "cut.warc.gz" if gz else "cut.warc"
    starts = [m.start() for m in __import__("re").finditer(rb"\x1f\x8b\x08" if gz else rb"WARC/1\.", whole)]
    cut_in = starts[6]  # the third page's response starts here (warcinfo, request, response, ...)
    (raw / name).write_bytes(whole[: cut_in + 200])
    run(raw, tmp_path / "out", failed=True)
    records = manifest(tmp_path / "out")
    assert [r.get("record") for r in records[:-1]] == [3, 5]
    assert all(r["status"] == "cleaned" for r in records[:-1])
    damage = records[-1]
    assert (damage["source"], damage["status"], damage["records_read"]) == (name, "failed", 6)
    assert damage["error"].startswith(f"archive damaged at record 7, which starts at byte {cut_in:,}: ")
    assert ("no WARC-Type or Content-Length" in damage["error"]) or ("cut short" in damage["error"])


def test_a_corrupt_gzip_member_is_named_by_the_record_before_it(tmp_path: Path) -> None:
    whole = bytearray(crawl(tmp_path / "whole.warc.gz").read_bytes())
    starts = [m.start() for m in __import__("re").finditer(rb"\x1f\x8b\x08", bytes(whole))]
    whole[starts[4] + 30 : starts[4] + 60] = b"\xff" * 30  # inside the second request's member
    tally = Tally()
    got = []
    with pytest.raises(Damaged) as damaged:
        got.extend(m.number for m in members(io.BytesIO(bytes(whole)), 1 << 30, tally))
    assert got == [3]
    assert str(damaged.value).startswith(f"archive damaged after record 4, which starts at byte {starts[3]:,}: ")
    assert "decompression" in str(damaged.value).lower()


def test_an_archive_cut_in_a_gzip_trailer_is_not_taken_for_whole(tmp_path: Path) -> None:
    """FastWARC ends without a word when the last member is cut in its last 8 bytes."""
    whole = crawl(tmp_path / "whole.warc.gz").read_bytes()
    with pytest.raises(Damaged, match="the file ends inside a gzip member"):
        list(members(io.BytesIO(whole[:-4]), 1 << 30, Tally()))


def test_bodies_are_decoded_and_an_oversized_record_fails_alone(tmp_path: Path) -> None:
    page = PAGES[0].read_bytes()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (page[:1000], page[1000:])) + b"0\r\n\r\n"
    deflated = zlib.compress(page)
    path = tmp_path / "bodies.warc"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        html = ("Content-Type", "text/html")
        response(writer, "https://a.example/plain", page)
        response(writer, "https://a.example/chunked", chunked, headers=[html, ("Transfer-Encoding", "chunked")])
        response(writer, "https://a.example/gzip", gzip.compress(page), headers=[html, ("Content-Encoding", "gzip")])
        response(writer, "https://a.example/deflate", deflated, headers=[html, ("Content-Encoding", "deflate")])
        response(writer, "https://a.example/br", b"\x00" * 10, headers=[html, ("Content-Encoding", "br")])
        response(writer, "https://a.example/big", page * 40)
    with open(path, "rb") as handle:
        got = list(members(handle, len(page) * 20, Tally()))
    assert [m.body for m in got[:4]] == [page] * 4
    assert got[4].body is None and got[4].problem == "content encoding 'br' is not supported"
    assert got[5].body is None and got[5].problem.startswith("record is larger than the ")


def test_a_damaged_or_unreadable_record_is_a_failure_of_its_own_in_the_run(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    with open(raw / "mixed.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(
            writer,
            "https://a.example/br",
            b"\x00" * 10,
            headers=[("Content-Type", "text/html"), ("Content-Encoding", "br")],
        )
        response(writer, "https://a.example/ok", PAGES[0].read_bytes())
    run(raw, tmp_path / "out", failed=True)
    failed, ok = manifest(tmp_path / "out")
    assert (failed["source"], failed["status"], failed["url"]) == ("mixed.warc.gz#1", "failed", "https://a.example/br")
    assert failed["error"] == "content encoding 'br' is not supported"
    assert (ok["source"], ok["status"]) == ("mixed.warc.gz#2", "cleaned")


def test_repeated_lines_are_counted_per_site_of_the_records_urls(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    footer = "<p>Copyright Example Media Group, all rights reserved, 2026 edition.</p>"
    with open(raw / "site.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i in range(6):
            body = f"<html><body><article><h1>Story {i}</h1><p>{'Word ' * 40}{i}.</p>{footer}</article></body></html>"
            response(writer, f"https://news.example.com/{i}", body.encode())
    run(raw, tmp_path / "out", "--repeated-lines")
    statistics = json.loads((tmp_path / "out" / "repeated-lines.json").read_text(encoding="utf-8"))
    assert statistics["example.com"]["documents"] == 6


def test_a_long_batch_holds_none_of_its_manifest_lines(tmp_path: Path) -> None:
    """An archive of 100,000 documents is one batch: its lines past `KEEP` go to a spool file
    that the journal takes in order (its writer holds no file open: test_durability.py)."""
    from boilerstrip.flows.manifest import KEEP, Journal, Outcome

    records = [{"source": f"a.warc#{i}", "status": "cleaned"} for i in range(KEEP + 5)]
    outcome = Outcome.of(iter(records), tmp_path)
    assert outcome.lines.count("\n") == KEEP and outcome.spool is not None
    assert outcome.summary.files == KEEP + 5
    journal = Journal(tmp_path / "out")
    journal.append(outcome.lines, outcome.spool)
    journal.handle.close()
    written = (tmp_path / "out" / "manifest.journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"] for line in written] == [r["source"] for r in records]
    assert not Path(outcome.spool).exists()


def test_the_archive_benchmark_runs_on_a_tiny_dataset_and_skips_without_one(tmp_path: Path, capsys) -> None:
    from bench import warc

    assert warc.main(["--data", str(tmp_path / "absent")]) == 0
    assert "nothing to do" in capsys.readouterr().out
    data = tmp_path / "set"
    (data / "html").mkdir(parents=True)
    for i, page in enumerate(PAGES[:5]):
        (data / "html" / f"{i}.html.gz").write_bytes(gzip.compress(page.read_bytes()))
    results = tmp_path / "warc.md"
    args = ["--data", str(data), "--read", "30", "--compare", "6", "--rounds", "2", "--workdir", str(tmp_path / "w")]
    assert warc.main([*args, "--results", str(results)]) == 0
    text = results.read_text(encoding="utf-8")
    assert "| responses | 30 |" in text and "| crawl | 30 |" in text
    assert "| 6 | 2 |" in text and text.rstrip().endswith("| yes |")
