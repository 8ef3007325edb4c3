"""Bad input among good files: each is cleaned right or fails alone with a one-line
reason a person understands (an empty one is skipped, not failed); every good file
beside it comes out as it would alone."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import zlib
from pathlib import Path

from golden import ROOT

GOOD = sorted((ROOT / "raw").glob("*.txt"))
EMPTY = {"empty.txt": "empty file", "blank.txt": "file holds only whitespace"}
"""Skipped with this reason (status skipped-empty): an empty scrape is not an error of the run."""
ARTICLE = (
    "The council approved the budget on Tuesday after a long debate about schools and roads.\n\n"
    "“We had to make hard choices,” the mayor said, adding that libraries would get more money.\n"
)


def bad_files(raw: Path, outside: Path) -> dict[str, str | None]:
    """Write the bad inputs; return name -> expected error (None: must be cleaned)."""
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "blank.txt": b"  \n\t\n ",
        "image.html": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "doc.txt": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "archive.txt": b"PK\x03\x04" + bytes(200),
        "invalid-utf8.txt": ARTICLE.encode() + b"\xff\xfe stray bytes\n",
        "utf16-bom.txt": ARTICLE.encode("utf-16"),
        "utf16-nobom.txt": ARTICLE.encode("utf-16-le"),
        "cp1252.txt": ARTICLE.encode("cp1252"),
        "latin1.txt": "Der Bürgermeister sagte, die Straßen würden repariert.\n".encode("latin-1"),
        "mixed.txt": ARTICLE.encode() + "“Ein Satz in cp1252”, sagte er.\n".encode("cp1252"),
        "nul-bytes.txt": ARTICLE.encode().replace(b"budget", b"bud\x00get"),
        "one-line-20mb.txt": b"word " * 4_000_000,
        "deep.html": b"<html><body>" + b"<div>" * 10_000 + b"<p>deep text</p>" + b"</div>" * 10_000 + b"</body></html>",
        "entities.html": (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
            b'<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]><html><body><article><p>&lol2; &xxe; '
            + ARTICLE.encode()
            + b"</p></article></body></html>"
        ),
        "corrupt.txt.gz": b"\x1f\x8b\x08\x00" + b"garbage" * 20,
        "bomb.txt.gz": gzip.compress(b"a" * (3 * 1024 * 1024)),
        "name with spaces.txt": ARTICLE.encode(),
        "naïve café ünïcode.txt": ARTICLE.encode(),
    }
    for name, data in files.items():
        (raw / name).write_bytes(data)
    os.makedirs(raw / "weird", exist_ok=True)
    (raw / "weird" / "line\nbreak.txt").write_bytes(ARTICLE.encode())
    (raw / "weird").joinpath(os.fsdecode(b"bytes-\xff\xfe.txt")).write_bytes(ARTICLE.encode())
    locked = raw / "locked.txt"
    locked.write_bytes(ARTICLE.encode())
    locked.chmod(0)
    (outside / "secret.txt").write_text("outside the input folder\n")
    (raw / "link-out.txt").symlink_to(outside / "secret.txt")
    return {
        "image.html": "not text or HTML: PNG image",
        "doc.txt": "not text or HTML: PDF document",
        "archive.txt": "not text or HTML: ZIP archive (or an office document)",
        "invalid-utf8.txt": None,
        "utf16-bom.txt": None,
        "utf16-nobom.txt": None,
        "cp1252.txt": None,
        "latin1.txt": None,
        "mixed.txt": None,
        "nul-bytes.txt": None,
        "one-line-20mb.txt": None,
        "deep.html": "no article text found in the page (the extractor returned nothing)",
        # an XML prolog with an internal DTD: nothing is expanded or fetched, and lxml's HTML
        # parser then finds no article; a clear failure is the right answer
        "entities.html": "no article text found in the page (the extractor returned nothing)",
        "corrupt.txt.gz": "cannot read: corrupt gzip data: Error -3 while decompressing data: invalid code lengths set",
        "bomb.txt.gz": "cannot read: gzip expands beyond the 2 MB limit",
        "name with spaces.txt": None,
        "naïve café ünïcode.txt": None,
        "weird/line\nbreak.txt": None,
        "weird/bytes-\\xff\\xfe.txt": None,
        "locked.txt": "cannot read: Permission denied",
        "link-out.txt": "symbolic link: not followed",
    }


def test_bad_inputs_fail_alone_and_good_files_are_untouched(prefect_server, tmp_path: Path) -> None:
    from boilerstrip.flows.flow import clean_corpus

    raw, outside = tmp_path / "raw", tmp_path / "outside"
    raw.mkdir()
    outside.mkdir()
    for path in GOOD:
        shutil.copy(path, raw / path.name)
    expected = bad_files(raw, outside)
    if os.access(raw / "locked.txt", os.R_OK):  # running as root: permissions do not stop us
        expected["locked.txt"] = None
    config = tmp_path / "boilerstrip.toml"
    config.write_text("[run]\nmax_input_mb = 2\nbatch_size = 7\n")
    # the 20 MB line exceeds a 2 MB cap: give it its own, larger run below
    big = raw / "one-line-20mb.txt"
    big.rename(tmp_path / big.name)
    expected.pop("one-line-20mb.txt")
    out = tmp_path / "clean"
    counts = clean_corpus(str(raw), str(out), config=str(config))
    rows = {r["source"]: r for r in map(json.loads, (out / "manifest.jsonl").read_text("utf-8").splitlines())}
    for name, reason in EMPTY.items():
        row = rows[name]
        assert (row["status"], row["reason"], row["error"], row["output"]) == ("skipped-empty", reason, None, None)
    assert counts["skipped-empty"] == len(EMPTY)
    for name, error in expected.items():
        row = rows[name]
        if error is None:
            assert row["status"] == "cleaned", (name, row.get("error"))
            text = (out / row["output"]).read_text("utf-8")
            assert text.strip(), name
        else:
            assert row["status"] == "failed" and row["error"] == error, (name, row.get("error"))
            assert "\n" not in row["error"]
    assert rows["weird/bytes-\\xff\\xfe.txt"]["source_bytes"] == b"weird/bytes-\xff\xfe.txt".hex()
    assert "the U.S." not in (out / rows["cp1252.txt"]["output"]).read_text()
    assert "“We had to make hard choices,”" in (out / rows["cp1252.txt"]["output"]).read_text()
    assert "Bürgermeister" in (out / rows["latin1.txt"]["output"]).read_text()
    assert counts["failed"] == sum(1 for e in expected.values() if e)
    summary = (out / "run-summary.md").read_text("utf-8")
    assert "## Skipped: empty" in summary and "| `empty.txt` | empty file |" in summary
    for path in GOOD:  # every good file exactly as alone
        assert (out / path.name).read_bytes() == (ROOT / "fixtures/seeds" / path.name[:3] / "expected.txt").read_bytes()
    assert (outside / "secret.txt").read_text() == "outside the input folder\n"
    assert not list(out.rglob("*.tmp"))

    big_out = tmp_path / "big"
    (tmp_path / "bigraw").mkdir()
    (tmp_path / big.name).rename(tmp_path / "bigraw" / big.name)
    clean_corpus(str(tmp_path / "bigraw"), str(big_out))
    row = json.loads((big_out / "manifest.jsonl").read_text().splitlines()[0])
    assert row["status"] == "cleaned" and row["chars_after"] == 20_000_000


def test_outputs_never_escape_the_output_folder(prefect_server, tmp_path: Path) -> None:
    from boilerstrip.flows.flow import clean_corpus

    raw, out, elsewhere = tmp_path / "raw", tmp_path / "clean", tmp_path / "elsewhere"
    (raw / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (raw / "sub" / "a.txt").write_text(ARTICLE)
    (raw / "b.txt").write_text(ARTICLE)
    out.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)  # a trap inside --out
    (out / "b.txt").symlink_to(elsewhere / "b-target.txt")
    clean_corpus(str(raw), str(out))
    rows = {r["source"]: r for r in map(json.loads, (out / "manifest.jsonl").read_text().splitlines())}
    assert rows["sub/a.txt"]["status"] == "failed" and "outside" in rows["sub/a.txt"]["error"]
    assert rows["b.txt"]["status"] == "failed" and "symbolic link" in rows["b.txt"]["error"]
    assert list(elsewhere.iterdir()) == []
    assert zlib.crc32((raw / "b.txt").read_bytes()) == zlib.crc32(ARTICLE.encode())
