"""Raw input to the text the cleaners start from: gunzip, decode, and for HTML extract.

`clean` and the map step of `remove_repeated_lines` read a document the same way
through `read`, so the statistics count the lines the cleaners will see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import ByteFix
from . import compressed, html
from .decode import decode

FORMATS = ("auto", "text", "html")


@dataclass(slots=True)
class Document:
    """The text to clean, and what reading it taught us."""

    text: str
    format: str = "text"  # text | html
    compression: str | None = None  # "gzip" when the raw bytes were gzip data
    encoding: str = "str"  # "str": given as text, nothing decoded
    bom: bool = False
    byte_fixes: list[ByteFix] = field(default_factory=list)
    invalid_bytes: int = 0
    extraction: dict[str, Any] | None = None  # HTML: extractor, settings, title, author, date, pre-pass removals
    language: str | None = None  # HTML: the page's <html lang>
    headlines: tuple[str, ...] = ()  # HTML: og:title, <title>, h1
    url: str | None = None  # HTML: the page's canonical link, else og:url


def read(raw: bytes | str, *, format: str = "auto", extract_timeout: float | None = 30.0) -> Document:
    """Gzip bytes (by their magic number) are decompressed first, every member, up to
    `compressed.MAX_EXPANDED`; other bytes are decoded; a str is taken as decoded.
    `format` is "text", "html" or "auto" (HTML recognised by content)."""
    if format not in FORMATS:
        raise ValueError(f"format must be auto, text or html, not {format!r}")
    compression = None
    if isinstance(raw, bytes) and compressed.is_gzip(raw):
        raw, compression = compressed.gunzip([raw]), "gzip"
    if isinstance(raw, bytes):
        decoded = decode(raw, declared=html.declared_charset(raw) if format != "text" else None)
        doc = Document(decoded.text, encoding=decoded.encoding, bom=decoded.bom, byte_fixes=decoded.fixes)
        doc.invalid_bytes = decoded.invalid_bytes
    else:
        doc = Document(raw)
    doc.compression = compression
    if format == "html" or (format == "auto" and html.looks_like_html(doc.text)):
        extracted = html.extract(doc.text, timeout=extract_timeout)
        doc.text, doc.format, doc.extraction = extracted.text, "html", extracted.info
        doc.language, doc.headlines, doc.url = extracted.language, extracted.headlines, extracted.url
    return doc
