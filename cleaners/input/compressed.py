"""Gzip data recognised by its magic bytes, wherever raw bytes come in.

Scrapers save pages gzipped with and without a `.gz` name, and `cat a.gz b.gz`
makes one valid gzip file of two members. Reading by content rather than by name,
and every member, within a cap on what comes out (a gzip bomb stops at the cap),
keeps the library, `python -m boilerstrip.cleaners` and the flow reading the same bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from ..errors import InputError

MAGIC = b"\x1f\x8b"
MAX_EXPANDED = 200 * 1024 * 1024
"""The library's cap on decompressed size (the flow passes its own `max_input_mb`)."""


class TooLarge(InputError):
    pass


class Corrupt(InputError):
    pass


def is_gzip(head: bytes) -> bool:
    return head.startswith(MAGIC)


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


def gunzip(chunks: Iterable[bytes], limit: int = MAX_EXPANDED) -> bytes:
    """The concatenated content of every gzip member in `chunks`; `TooLarge` past
    `limit` bytes out, `Corrupt` for damaged, truncated or trailing non-gzip data
    (zero padding after the last member is allowed, as gzip(1) allows it)."""
    out = bytearray()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed = False  # has the current member received any bytes?
    try:
        for chunk in chunks:
            while chunk:
                if inflater.eof:  # the previous member ended inside this chunk
                    if not chunk.startswith(MAGIC[: len(chunk)]):
                        if chunk.strip(b"\x00"):
                            raise Corrupt("corrupt gzip data: data after the end of the gzip stream")
                        break
                    inflater, fed = zlib.decompressobj(16 + zlib.MAX_WBITS), False
                fed = True
                out += inflater.decompress(chunk, limit + 1 - len(out))
                if len(out) > limit or inflater.unconsumed_tail:
                    raise TooLarge(f"gzip expands beyond the {_megabytes(limit)} limit")
                chunk = inflater.unused_data if inflater.eof else b""
        out += inflater.flush()
    except zlib.error as err:
        raise Corrupt(f"corrupt gzip data: {err}") from None
    if fed and not inflater.eof:
        raise Corrupt("gzip data is truncated")
    if len(out) > limit:
        raise TooLarge(f"gzip expands beyond the {_megabytes(limit)} limit")
    return bytes(out)
