"""Gzip is read by its magic bytes wherever raw bytes come in: the library, `python -m
cleaners` and the flow's reader; every member of a multi-member file; within a cap."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from boilerstrip.cleaners import InputError, clean
from boilerstrip.cleaners.input.compressed import Corrupt, TooLarge, gunzip
from boilerstrip.flows.inputs import read_input
from golden import ROOT

SEED = ROOT / "raw/004_b7bbc19097b3fd85.txt"
EXPECTED = (ROOT / "fixtures/seeds/004/expected.txt").read_text("utf-8")


def test_library_reads_gzip_bytes_by_content() -> None:
    result = clean(gzip.compress(SEED.read_bytes()))
    assert result.text == EXPECTED
    assert result.meta.compression == "gzip" and result.meta.encoding == "utf-8"
    assert clean(SEED.read_bytes()).meta.compression is None


def test_every_member_of_a_multi_member_file_is_read() -> None:
    first, second = b"First part of the article.\n\n", b"Second part, from the second member.\n"
    joined = gzip.compress(first) + gzip.compress(second)  # what `cat a.gz b.gz` makes
    assert gunzip([joined]) == first + second
    # split anywhere, even inside the second member's magic bytes
    cut = len(gzip.compress(first)) + 1
    assert gunzip([joined[:cut], joined[cut:]]) == first + second
    assert clean(joined).text == first.decode() + second.decode()


def test_damaged_gzip_is_an_error_with_a_reason() -> None:
    whole = gzip.compress(SEED.read_bytes())
    with pytest.raises(Corrupt, match="gzip data is truncated"):
        gunzip([whole[: len(whole) // 2]])
    with pytest.raises(Corrupt, match="data after the end of the gzip stream"):
        gunzip([whole + b"not gzip"])
    assert gunzip([whole + b"\x00" * 16]) == SEED.read_bytes()  # zero padding, as gzip(1) accepts
    with pytest.raises(InputError, match="corrupt gzip data"):
        clean(b"\x1f\x8b\x08\x00" + b"garbage" * 20)


def test_the_cap_stops_a_bomb_before_it_is_all_in_memory() -> None:
    bomb = gzip.compress(b"a" * (8 * 1024 * 1024))
    with pytest.raises(TooLarge, match="gzip expands beyond the 1 MB limit"):
        gunzip([bomb], limit=1024 * 1024)
    with pytest.raises(TooLarge):  # the cap holds across members too
        gunzip([gzip.compress(b"b" * 700_000) * 2], limit=1024 * 1024)


def test_flow_reader_decompresses_by_content_and_refuses_a_false_gz_name(tmp_path: Path) -> None:
    unnamed = tmp_path / "page.html"
    unnamed.write_bytes(gzip.compress(b"<html>a page</html>") + gzip.compress(b"<p>more</p>"))
    assert read_input(unnamed, limit=1 << 20) == b"<html>a page</html><p>more</p>"
    false_name = tmp_path / "plain.txt.gz"
    false_name.write_bytes(b"plain text, not gzip")
    with pytest.raises(ValueError, match=r"not gzip data, though the name ends in \.gz"):
        read_input(false_name, limit=1 << 20)
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"x" * 2000)
    assert read_input(plain, limit=2000) == b"x" * 2000
    with pytest.raises(ValueError, match="larger than the 0 MB limit"):
        read_input(plain, limit=1999)


def library_command(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "boilerstrip.cleaners", *args], input=stdin, capture_output=True, timeout=120, cwd=ROOT
    )


def test_library_command_reads_standard_input_and_gzip() -> None:
    done = library_command("-", stdin=gzip.compress(SEED.read_bytes()))
    assert done.returncode == 0 and done.stdout.decode() == EXPECTED
    diff = library_command("--diff", "-", stdin=SEED.read_bytes())
    assert diff.stdout.decode().startswith("# boilerstrip diff log: <stdin> -> <stdin> (clean)\n")


def test_library_command_separates_several_files_and_names_a_missing_one(tmp_path: Path) -> None:
    other = tmp_path / "other.txt.gz"
    other.write_bytes(gzip.compress(b"Another short article.\n\nBe the first to comment\n"))
    done = library_command(str(SEED), str(tmp_path / "missing.txt"), str(other))
    assert done.returncode == 1
    assert done.stderr.decode() == f"error: {tmp_path / 'missing.txt'}: No such file or directory\n"
    assert done.stdout.decode() == f"==> {SEED} <==\n{EXPECTED}\n==> {other} <==\nAnother short article.\n"
