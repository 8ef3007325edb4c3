"""Web archives as input: a `.warc`, `.warc.gz`, `.wet` or `.wet.gz` file is read as its
records, each one a document of its own.

- a `response` record holding HTML (HTTP status 2xx, `text/html` or XHTML, or no type and
  markup by content) goes through the HTML path;
- a WET `conversion` record (Common Crawl's extracted text) goes through the text path;
- every other record (request, metadata, warcinfo, revisit, resource, a redirect, an
  image, a PDF ...) is skipped and counted by its kind.

Records are read with FastWARC (Resiliparse): it read our benchmark archive at about twice
warcio's speed on one core (docs/benchmarks.md). The HTTP part of a response is parsed
here, not by FastWARC: the block's length is checked against its `Content-Length`, which
is how a truncated record is told from a whole one, and the body is decoded (chunked,
gzip, deflate) within the run's size limit.

A damaged archive yields every record before the damage, then `Damaged`, which says at
which byte of the file and after which record. FastWARC ends quietly on a gzip member cut
in its trailer or header; the tail of a `.gz` archive is therefore checked with zlib.
Nothing here cleans or writes: `flows.work` does that with each `Member`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from boilerstrip.cleaners.input.compressed import MAGIC, gunzip
from boilerstrip.cleaners.input.html import looks_like_html

SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HEAD = 64 * 1024  # an HTTP response's headers are looked for in its first 64 KiB
DIGITS = 6  # a member's output name: its record number, zero-padded (sorts as the archive)


def is_archive(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def member_source(archive: str, number: int) -> str:
    """A record's name in the manifest: the archive's, then `#` and its record number."""
    return f"{archive}#{number}"


def member_output(folder: str, number: int) -> str:
    return f"{folder}/{number:0{DIGITS}d}.txt"


@dataclass(frozen=True, slots=True)
class Member:
    """One record of an archive that is a document (`body` is None when it failed alone:
    `problem` says why, e.g. too large or an unknown content encoding)."""

    number: int  # the record's place in the archive, counting every record from 1
    format: str  # html | text
    body: bytes | None
    url: str | None
    record_id: str | None
    date: str | None
    problem: str | None = None


class Damaged(Exception):
    """The archive is truncated or corrupt; the message says where, in bytes of the file
    as stored. `whole`: how many records before the damage were read whole."""

    def __init__(self, where: str, why: str, whole: int) -> None:
        super().__init__(f"archive damaged {where}: {why}")
        self.whole = whole


def _cut(number: int, start: int, why: str) -> Damaged:
    return Damaged(f"at record {number}, which starts at byte {start:,}", why, number - 1)


def _after(number: int, start: int, why: str) -> Damaged:
    if not number:
        return Damaged("before its first record", why, 0)
    return Damaged(f"after record {number}, which starts at byte {start:,}", why, number)


@dataclass
class Tally:
    """What an archive held: records read, documents, and the rest skipped by kind."""

    records: int = 0
    documents: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def counts(self) -> dict[str, int]:
        """For the run's totals: archives, records, documents, and `skipped: KIND` each."""
        skipped = {f"skipped: {kind}": n for kind, n in self.skipped.items()}
        return {"archives": 1, "records": self.records, "documents": self.documents, **skipped}


def members(stream: BinaryIO, limit: int, tally: Tally) -> Iterator[Member]:
    """The documents of the archive open in `stream`, in order; `tally` counts every
    record. Raises `Damaged` once the records before the damage are out. `limit`: the
    largest body a document may have (the run's `max_input_mb`)."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    wanted = {int(WarcRecordType.response): "html", int(WarcRecordType.conversion): "text"}
    last_start = 0
    try:
        for record in ArchiveIterator(stream, parse_http=False, stream_detect=True):
            tally.records += 1
            number, last_start = tally.records, record.stream_pos
            headers = record.headers
            declared = headers.get("Content-Length")
            if declared is None or not declared.strip().isdigit() or not headers.get("WARC-Type"):
                raise _cut(number, last_start, "no WARC-Type or Content-Length (cut short or corrupt)")
            kind = wanted.get(int(record.record_type))
            if kind is None:
                tally.skip(headers.get("WARC-Type", "unknown").strip().lower())
                _consume_rest(record, 0, int(declared), last_start, number)
                continue
            member = _document(record, kind, number, int(declared), limit, tally)
            if member is not None:
                tally.documents += 1
                yield member
    except (OSError, ValueError) as err:  # FastWARC's damaged gzip, a bad header line
        raise _after(tally.records, last_start, str(err) or type(err).__name__) from None
    if _gzip_at(stream, last_start):
        _check_tail(stream, last_start, tally.records)


def _document(record, kind: str, number: int, declared: int, limit: int, tally: Tally) -> Member | None:
    """The record as a document, or None when it is not one (counted in `tally`)."""
    start = record.stream_pos
    block = record.reader.read(min(declared, limit + HEAD))  # one read: a page is read whole, once
    http: dict[str, str] = {}
    body_at = 0
    if kind == "html":
        parsed = _http(block)
        status = parsed[0] if parsed else 0
        skip = "response without HTTP headers" if parsed is None else _not_a_page(status, parsed[1], block, parsed[2])
        if skip:
            tally.skip(skip)
            _consume_rest(record, len(block), declared, start, number)
            return None
        _, http, body_at = parsed  # type: ignore[misc]
    headers = record.headers
    url = (headers.get("WARC-Target-URI") or "").strip().strip("<>") or None
    member = Member(
        number,
        kind,
        None,
        url,
        (headers.get("WARC-Record-ID") or "").strip() or None,
        (headers.get("WARC-Date") or "").strip() or None,
    )
    if declared - body_at > limit:
        _consume_rest(record, len(block), declared, start, number)
        return replace(member, problem=f"record is larger than the {limit // (1024 * 1024)} MB limit")
    if len(block) < declared:
        raise _cut(number, start, f"cut short ({len(block):,} of {declared:,} bytes)")
    try:
        body = _decode_body(block[body_at:], http, limit) if http else block
    except ValueError as err:
        return replace(member, problem=str(err))
    return replace(member, body=body)


def _consume_rest(record, got: int, declared: int, start: int, number: int) -> None:
    """Read the rest of a record's block (`got` bytes were read), to see that it is whole."""
    while chunk := record.reader.read(1 << 20):
        got += len(chunk)
    if got < declared:
        raise _cut(number, start, f"cut short ({got:,} of {declared:,} bytes)")


_STATUS = re.compile(r"HTTP/\d(?:\.\d)? +(\d{3})")


def _http(block: bytes) -> tuple[int, dict[str, str], int] | None:
    """(status, headers lower-cased, where the body starts) of an HTTP response block
    (its headers within the first `HEAD` bytes)."""
    end = block.find(b"\r\n\r\n", 0, HEAD)
    skip = 4
    if end < 0:
        end, skip = block.find(b"\n\n", 0, HEAD), 2
    if end < 0:
        return None
    lines = block[:end].decode("latin-1").splitlines()
    match = _STATUS.match(lines[0]) if lines else None
    if match is None:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return int(match.group(1)), headers, end + skip


def _not_a_page(status: int, http: dict[str, str], block: bytes, body_at: int) -> str | None:
    """Why a response is not an HTML page to clean, as the kind it is counted under."""
    if not 200 <= status < 300:
        return f"response {status}"
    mime = http.get("content-type", "").split(";")[0].strip().lower()
    if mime in HTML_TYPES:
        return None
    if not mime and looks_like_html(block[body_at : body_at + 4096].decode("utf-8", "replace")):
        return None
    return f"response {mime or 'without a type'}"


def _decode_body(body: bytes, http: dict[str, str], limit: int) -> bytes:
    """The body as the page's bytes: chunked transfer undone, then a content encoding
    (Common Crawl stores bodies decoded and says so in `X-Crawler-*` headers instead)."""
    if "chunked" in http.get("transfer-encoding", "").lower():
        body = _unchunk(body)
    encoding = http.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity", "none"):
        return body
    if encoding in ("gzip", "x-gzip") and body.startswith(MAGIC):
        return gunzip([body], limit)
    if encoding == "deflate":
        inflater = zlib.decompressobj(zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS)
        try:
            out = inflater.decompress(body, limit + 1)
        except zlib.error as err:
            raise ValueError(f"corrupt deflate body: {err}") from None
        if len(out) > limit:
            raise ValueError(f"body expands beyond the {limit // (1024 * 1024)} MB limit")
        return out
    if encoding in ("gzip", "x-gzip"):
        return body  # said gzip, stored decoded (some crawlers keep the header)
    raise ValueError(f"content encoding {encoding!r} is not supported")


def _unchunk(body: bytes) -> bytes:
    """HTTP/1.1 chunked transfer coding undone; a body that is not chunked after all (a
    crawler that stored it decoded, header kept) is returned as it is."""
    out = bytearray()
    at = 0
    while True:
        end = body.find(b"\r\n", at)
        if end < 0:
            return body
        size_text = body[at:end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return body
        if size == 0:
            return bytes(out)
        out += body[end + 2 : end + 2 + size]
        at = end + 2 + size + 2


def _gzip_at(stream: BinaryIO, offset: int) -> bool:
    try:
        stream.seek(offset)
        return stream.read(2) == MAGIC
    except (OSError, ValueError):
        return False


def _check_tail(stream: BinaryIO, start: int, records: int) -> None:
    """Every gzip member from the last record's on must be whole: FastWARC stops without a
    word at a member cut in its trailer, or at the start of one cut in its header."""
    stream.seek(start)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    member_at = position = start  # where the current member starts; the file offset read to
    try:
        while data := stream.read(1 << 20):
            position += len(data)
            while data:
                if inflater.eof:
                    if not data.strip(b"\x00"):  # zero padding after the last member, as gzip(1) allows
                        break
                    inflater, member_at = zlib.decompressobj(16 + zlib.MAX_WBITS), position - len(data)
                inflater.decompress(data, 1 << 16)
                data = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
    except zlib.error as err:
        raise Damaged(f"at byte {member_at:,}, after record {records}", f"corrupt gzip data: {err}", records) from None
    if not inflater.eof:
        raise Damaged(f"at byte {member_at:,}, after record {records}", "the file ends inside a gzip member", records)
