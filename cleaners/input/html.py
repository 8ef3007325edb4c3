"""HTML input: the page's charset and language, main-content extraction, page metadata.

The page is parsed once, as trafilatura's own loader parses it (`parse`), so
extraction sees the same tree it would alone. The pre-pass (`prepass`) removes the page furniture extractors
are known to let through; trafilatura extracts the main content from the pruned
tree; what it still lets through goes through the text cleaners like any article,
so the diff log explains every change after extraction. Each page has a time
limit: trafilatura can take very long on pathological pages.
"""

from __future__ import annotations

import codecs
import re
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypedDict
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring

from ..errors import ExtractionTimeout, InputError
from ..limits import time_limit as _time_limit
from .prepass import PREPASS_VERSION, page_root, prepass, visible_chars

EXTRACTOR = "trafilatura"


class Settings(TypedDict):
    include_comments: bool
    include_tables: bool
    favor_precision: bool
    deduplicate: bool
    fast: bool


SETTINGS: Settings = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "deduplicate": False,
    "fast": True,
}
"""trafilatura settings. `fast` skips its second opinion from a readability port: on the
benchmark that is 27 % faster and, with our cleaners after it, no worse (F1 0.962 with
fast, 0.960 without; recall 0.978 both; see bench/quality.py)."""


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
    language: str | None = None  # from <html lang>, if the page declares one
    info: dict[str, Any] = field(default_factory=dict)
    headlines: tuple[str, ...] = ()  # og:title, <title>, h1: for the opt-in remove_page_title
    url: str | None = None  # the page's own address (`page_url`)


def _metadata(tree: HtmlElement) -> dict[str, str | None]:
    """Title, author and date as the page's head declares them (cheap: no heuristics)."""

    def first(*xpaths: str) -> str | None:
        for xpath in xpaths:
            found = tree.xpath(xpath)
            if found:
                value = found[0] if isinstance(found[0], str) else found[0].text_content()
                value = " ".join(str(value).split())
                if value:
                    return value[:300]
        return None

    return {
        "title": first("//meta[@property='og:title']/@content", "//title", "//h1"),
        "author": first(
            "//meta[@name='author']/@content", "//meta[@property='article:author']/@content", "//*[@rel='author']"
        ),
        "date": first(
            "//meta[@property='article:published_time']/@content",
            "//time/@datetime",
            "//meta[@name='date']/@content",
            "//meta[@itemprop='datePublished']/@content",
        ),
    }


def page_url(tree: HtmlElement) -> str | None:
    """The address a page gives itself: its canonical link, else its og:url. A relative
    canonical link is resolved against og:url when that is absolute; otherwise it is kept
    as written (a page saved without its address cannot tell us more)."""

    def first(xpath: str) -> str | None:
        for value in tree.xpath(xpath):
            text = str(value).strip()
            if text:
                return text[:2000]
        return None

    rel = "concat(' ', translate(normalize-space(@rel), 'CANOICL', 'canoicl'), ' ')"  # rel is case-insensitive
    canonical = first(f"//link[contains({rel}, ' canonical ')]/@href")
    og_url = first("//meta[@property='og:url']/@content")
    if canonical is None:
        return og_url
    if og_url is not None and not urlsplit(canonical).scheme and urlsplit(og_url).scheme in ("http", "https"):
        return urljoin(og_url, canonical)
    return canonical


def _headlines(tree: HtmlElement) -> tuple[str, ...]:
    """Every headline the page declares, in full (the manifest's title is cut at 300)."""
    found = [*tree.xpath("//meta[@property='og:title']/@content"), *tree.xpath("//title//text()")]
    found += [h1.text_content() for h1 in islice(tree.iter("h1"), 3)]
    return tuple(dict.fromkeys(" ".join(str(t).split()) for t in found if str(t).strip()))


def _language(tree: HtmlElement) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    code = lang.strip().lower().split("-")[0].split("_")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


MAX_ATTRIBUTES = 1000
"""More attributes than this on one tag refuse the page: libxml2 checks each new attribute
against the earlier ones, in C where no time limit reaches (40,000 attributes take 5 s,
200,000 over two minutes). Real pages stay far below: a few dozen at most."""
LONG_TAG = 4 * MAX_ATTRIBUTES
"""Tags shorter than this cannot hold too many attributes (each takes two characters or
more, a space and a name); only longer ones are counted."""

_OPEN_TAG = re.compile(r"""<[A-Za-z][^\s/>]*+(?:[\s/]++[^\s/>=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+)*+""")
"""A start tag as libxml2 reads it: name, then attributes (bare, or = a quoted or unquoted
value). Possessive throughout, and each match consumes its whole tag (quoted `<` and all):
one pass over the page, never back."""
_ATTRIBUTE = re.compile(r"""[\s/]++[^\s/>=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+""")


def shape_problem(html: str) -> str | None:
    """Why the page must not be parsed at all, if it must not: its shape would keep the C
    parser busy for minutes (the page fails alone, with this reason, in a few milliseconds)."""
    for m in _OPEN_TAG.finditer(html):
        if m.end() - m.start() > LONG_TAG:
            tag = m.group()
            count = len(_ATTRIBUTE.findall(tag))
            if count > MAX_ATTRIBUTES:
                return (
                    f"a tag with {count} attributes, more than {MAX_ATTRIBUTES} ({tag[:40]}...): "
                    "refused before parsing (the HTML parser would take minutes on it)"
                )
    return None


_PARSER = etree.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs 0.5 lacks default_doctype
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
"""trafilatura's parser settings (`trafilatura.utils.HTML_PARSER`), with element classes
looked up in C. lxml.html's parser calls a Python method to choose the class of every
element proxy it creates, a few thousand a page in the pre-pass and in trafilatura: with
this lookup the HTML path takes 2-4 % less CPU a page (about 1 ms on wcxb-dev, paired).
The only other difference is that forms and their fields are plain `HtmlElement`s, not
lxml.html's `FormElement` and kin, whose form methods nothing here or in trafilatura uses."""
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def parse(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura's `load_html` builds it from a str (the same repairs,
    the same fall-back to bytes, the same refusal of a dubious one-element tree), parsed
    with `_PARSER`. None when it is not HTML."""
    from trafilatura.utils import is_dubious_html, repair_faulty_html

    beginning = html[:50].lower()
    dubious = is_dubious_html(beginning)
    html = repair_faulty_html(html, beginning)
    tree: HtmlElement | None = None
    as_bytes = False
    try:
        tree = fromstring(html, parser=_PARSER)
    except ValueError:  # a str with an encoding declaration: lxml wants bytes
        tree, as_bytes = _parse_bytes(html), True
    except Exception:  # as trafilatura's loader: try bytes below
        tree = None
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _parse_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        return None
    return tree


def _parse_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception:
        return None


def time_limit(seconds: float | None) -> AbstractContextManager[None]:
    """Raise ExtractionTimeout in this thread after `seconds` (main thread only: that
    is where the command line, workers and serve run flows; elsewhere no limit). The
    timer's exception passes through trafilatura's `except Exception` (`limits`)."""
    return _time_limit(seconds, lambda: ExtractionTimeout(f"extraction took longer than {seconds:g} s"))


def extract(html: str, timeout: float | None = 30.0) -> Extracted:
    """Main content of a page as text (paragraphs on their own lines).

    Fast first: trafilatura without its second opinion. When that result is suspect
    (`suspect`), the page is extracted again with the second opinion; when that is still
    suspect and the pre-pass removed something, once more without the pre-pass, which is
    kept if it recovers the article. `info["extraction_path"]` says which was taken and why.
    """
    import trafilatura

    info: dict[str, Any] = {
        "extractor": EXTRACTOR,
        "extractor_version": trafilatura.__version__,
        "extractor_settings": SETTINGS,
        "prepass": PREPASS_VERSION,
    }
    refused = shape_problem(html)
    if refused:
        raise InputError(refused)
    with time_limit(timeout):
        tree = parse(html)
        if tree is None:
            return Extracted("", None, {**info, "title": None, "author": None, "date": None, "removed": []})
        info.update(_metadata(tree))
        headlines = _headlines(tree)
        url = page_url(tree)
        language = _language(tree)
        largest = paragraph_chars(tree)
        info["page_chars"] = visible_chars(page_root(tree))
        info["removed"] = prepass(tree, info["page_chars"])
        text = trafilatura.extract(tree, **SETTINGS) or ""
        info["extraction_path"] = "fast"
        why = suspect(text, largest)
        if why:
            # trafilatura's second opinion, on the same pruned tree: trafilatura extracts
            # from a copy of the tree it is given and leaves that one as it was
            slow: Settings = {**SETTINGS, "fast": False}
            text = trafilatura.extract(tree, **slow) or ""
            info["extractor_settings"] = slow
            info["extraction_path"] = f"second opinion: the fast result was {why}"
            still = suspect(text, largest)
            if still and info["removed"]:
                whole = trafilatura.extract(parse(html), **slow) or ""
                if len(whole) > RECOVERED * max(len(text), 1) and not suspect(whole, largest):
                    text, still = whole, None
                    info["prepass_undone"] = info["removed"]
                    info["removed"] = []
                    info["extraction_path"] = f"without the pre-pass: with it the result was {why}"
            if still:
                info["suspect"] = still
    return Extracted(text, language, info, headlines, url)


SHORT_SHARE = 0.2
"""A result shorter than this share of the page's paragraph text is suspect:
fast mode returned a fragment (an intro, a blurb) of a longer article. Chosen on the
benchmark's two dev sets (0.1-0.2 equally good on scrapinghub, 0.2 on wcxb-dev)."""
RECOVERED = 2.0
"""Extraction without the pre-pass is kept only when it gives this many times the text."""


def paragraph_chars(tree: HtmlElement) -> int:
    """Characters of paragraph text on the whole page, before anything is removed: a
    cheap upper estimate of how long its article is (a page's paragraphs are mostly
    its article; menus and footers are rarely written in <p>)."""
    return sum(len(" ".join(paragraph.text_content().split())) for paragraph in tree.iter("p"))


def suspect(text: str, largest: int) -> str | None:
    """Why an extraction result looks wrong, in words for the manifest; None when it does not."""
    if not text.strip():
        return "empty"
    if _menu_like(text):
        return "a menu of short lines"
    if len(text) < SHORT_SHARE * largest:
        return f"{len(text)} characters against {largest} characters of paragraphs on the page"
    return None


MENU_MIN_LINES = 30
MENU_SHORT_SHARE = 0.7


def _menu_like(text: str) -> bool:
    """Mostly short lines, many of them: a site menu rather than an article."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < MENU_MIN_LINES:
        return False
    return sum(1 for line in lines if len(line.split()) <= 4) >= MENU_SHORT_SHARE * len(lines)
