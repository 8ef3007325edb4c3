"""HTML input: find the page's charset, tell HTML from text, extract the main content.

Extraction is trafilatura's; what it leaves behind goes through the same text
cleaners as any article, so the diff log explains every change after extraction.
The page's own metadata (title, author, date) is kept for the manifest.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

EXTRACTOR = "trafilatura"
SETTINGS = {"include_comments": False, "include_tables": True, "favor_precision": False, "deduplicate": False}

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.IGNORECASE)
_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(
    r"</?(?:html|head|body|div|p|span|a|meta|script|link|title|br|li|ul|table|article|section)\b[^>]{0,300}>",
    re.IGNORECASE,
)
# WHATWG: pages that declare latin-1 or ascii are read as windows-1252
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
}


def declared_charset(raw: bytes) -> str | None:
    """The charset a page declares in its first few kilobytes, as a Python codec name."""
    m = _META_CHARSET.search(raw[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    name = _WHATWG_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_like_html(text: str) -> bool:
    """By content, not by file name: a document start, or markup dense in the first 4 KB."""
    head = text[:4096]
    if _HTML_START.match(head):
        return True
    return len(_TAG.findall(head)) >= 5


@dataclass(slots=True)
class Extracted:
    text: str
    info: dict = field(default_factory=dict)


def extract(html: str) -> Extracted:
    import trafilatura

    document = trafilatura.bare_extraction(html, with_metadata=True, **SETTINGS)
    if document is None:
        return Extracted("", _info(None))
    return Extracted(document.text or "", _info(document))


def _info(document) -> dict:
    import trafilatura

    info = {"extractor": EXTRACTOR, "extractor_version": trafilatura.__version__, "extractor_settings": SETTINGS}
    for key in ("title", "author", "date"):
        info[key] = getattr(document, key, None) if document is not None else None
    return info
