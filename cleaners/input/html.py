"""HTML input: the page's charset and language, main-content extraction, page metadata.

The page is parsed once (by trafilatura's own loader, so extraction sees the same
tree it would alone). A structural pre-pass then removes what extractors are known
to let through: comment sections, login and sign-up forms, share bars, newsletter
boxes, cookie banners. It judges elements by tag, ARIA role, id and class, matching
whole words of those names ("add-to-cart" is not an ad; "comment-form" is a
comment form), and never removes an element holding much of the page's text.
trafilatura extracts the main content from the pruned tree; what it still lets
through goes through the text cleaners like any article, so the diff log explains
every change after extraction. Each page has a time limit: trafilatura can take
very long on pathological pages.
"""

from __future__ import annotations

import codecs
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from ..errors import ExtractionTimeout

EXTRACTOR = "trafilatura"
SETTINGS = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "deduplicate": False,
    "fast": True,
}
"""trafilatura settings. `fast` skips its second opinion from a readability port: on the
benchmark that is 27 % faster and, with our cleaners after it, no worse (F1 0.962 with
fast, 0.960 without; recall 0.978 both; see bench/quality.py)."""
PREPASS_VERSION = "prepass/v2"
MAX_SHARE = 0.4
"""An element holding more than this share of the page's text is never removed:
whatever its class says, it may be the article."""

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

HOVER_CARD = "hover card"
# Words of ids and classes that name page furniture. Matched as whole words of the
# name split at punctuation and camelCase: "comment-list", "commentList", "js-share-bar".
_JUNK_WORDS = {
    "comment": "comment section",
    "comments": "comment section",
    "commentlist": "comment section",
    "disqus": "comment section",
    "respond": "comment form",
    "replies": "comment section",
    "talkback": "comment section",
    "sharing": "share bar",
    "sharebar": "share bar",
    "sharethis": "share bar",
    "addthis": "share bar",
    "newsletter": "newsletter box",
    "signup": "sign-up form",
    "login": "login form",
    "signin": "login form",
    "outbrain": "recommendation widget",
    "taboola": "recommendation widget",
    "recirc": "recommendation widget",  # news sites' "recirculation" modules: links to other stories
    "recirculation": "recommendation widget",
    "tooltip": HOVER_CARD,  # text shown on hover, printed inline by extractors ("Ilhan OmarIlhan Omar...")
    "popover": HOVER_CARD,
    "hovercard": HOVER_CARD,
    "rollover": HOVER_CARD,
}
# Two words together that name furniture, where each alone may not: a "cookie
# banner" goes, a recipe section about cookies stays.
_SHARE_PARTS = (
    "bar",
    "buttons",
    "button",
    "tools",
    "toolbar",
    "links",
    "icons",
    "menu",
    "widget",
    "box",
    "panel",
    "this",
    "article",
    "story",
    "post",
    "follow",
)
_JUNK_PAIRS = {
    # "share" alone may be a share price; "social" alone may be an article about social media
    **{frozenset({"share", part}): "share bar" for part in _SHARE_PARTS},
    **{frozenset({"social", part}): "social links" for part in _SHARE_PARTS},
    frozenset({"social", "share"}): "share bar",
    frozenset({"cookie", "banner"}): "cookie banner",
    frozenset({"cookie", "consent"}): "cookie banner",
    frozenset({"cookie", "notice"}): "cookie banner",
    frozenset({"cookies", "banner"}): "cookie banner",
    frozenset({"cookies", "consent"}): "cookie banner",
    frozenset({"gdpr", "consent"}): "cookie banner",
    frozenset({"related", "posts"}): "related stories",
    frozenset({"related", "articles"}): "related stories",
    frozenset({"related", "stories"}): "related stories",
    # lists of other stories: "latest-news-box", "more-stories", "popular-posts"
    **{
        frozenset({first, second}): "related stories"
        for first in ("latest", "more", "popular", "trending", "recommended")
        for second in ("news", "stories", "posts", "articles", "headlines")
    },
}
_NEVER_REMOVE = {"html", "body", "main", "article"}
# Words that are not furniture although they sound like it: sites wrap the article
# itself in class="paywall" or "subscriber-content".
_COMMENT_REASONS = {"comment section", "comment form"}
_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


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
    info: dict = field(default_factory=dict)
    headlines: tuple[str, ...] = ()  # og:title, <title>, h1: for the opt-in remove_page_title


def words(name: str) -> set[str]:
    """Whole words of an id or class attribute: 'js-shareBar comment_list' ->
    {'js', 'share', 'bar', 'comment', 'list'}."""
    return {w for w in _SPLIT.split(_CAMEL.sub(" ", name).lower()) if w}


def _furniture(element) -> str | None:
    """Why an element is page furniture, judged by its tag, role, id and class."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _NEVER_REMOVE:
        return None
    role = (element.get("role") or "").lower()
    if role in ("dialog", "alertdialog") and element.get("aria-modal") == "true":
        return "modal dialog"
    if tag == "form" and element.xpath(".//input[@type='password' or @type='email']"):
        return "login or sign-up form"
    found = words(" ".join(filter(None, (element.get("id"), element.get("class")))))
    if not found:
        return None
    for word, why in _JUNK_WORDS.items():  # in the table's order, not the set's: deterministic
        if word in found:
            return why
    for pair, why in _JUNK_PAIRS.items():
        if pair <= found:
            return why
    return None


# One word of every pair is enough to make an element worth judging.
_PAIR_ANCHORS = {
    *("cookie", "cookies", "gdpr", "related", "share", "social"),
    *("latest", "more", "popular", "trending", "recommended"),
}
_STEM = re.compile("|".join(sorted({*_JUNK_WORDS, *_PAIR_ANCHORS})))


_CONTAINERS = (
    "div", "section", "aside", "footer", "header", "nav", "form", "dialog", "ul", "ol", "li", "dl",
    "span", "p", "figure", "table", "iframe", "fieldset", "label", "button",
)  # fmt: skip
"""Tags that can hold a block of furniture. Links, images, scripts, icons and inline
markup (half of a page's elements) are left to the extractor and the text cleaners;
not creating their Python proxies halves the pre-pass."""


def _candidates(root) -> Iterator:
    """Elements whose id or class contains a furniture word, forms and modal dialogs.
    A plain loop with one regex per named element: ~1 ms a page, where an XPath
    with many contains() took ten times as long."""
    for element in root.iter(*_CONTAINERS):
        name_id, name_class = element.get("id"), element.get("class")
        if name_id is None and name_class is None:
            if element.tag == "form" or element.get("aria-modal"):
                yield element
            continue
        if _STEM.search(f"{name_id} {name_class}".lower()) or element.tag == "form" or element.get("aria-modal"):
            yield element


LINK_LIST_MIN_ITEMS = 2
LINK_LIST_MIN_WORDS = 4
"""A list whose every item is one link, with headline-long items on average (menus of
one-word sections are trafilatura's business): links to other stories, set in the article."""
LINK_LIST_LINKED_SHARE = 0.9
LINK_LIST_INTRO_WORDS = 4
_PRICE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:[$€£¥]|USD|EUR|GBP)\b")


def _introduced(element) -> bool:
    """The list follows a sentence that announces it ("The committee cited five reports:"):
    its links are what the article is about, not other stories."""
    before = element.getprevious()
    if before is None or not isinstance(before.tag, str):
        return False
    intro = " ".join(before.text_content().split())
    return intro.endswith(":") and len(intro.split()) >= LINK_LIST_INTRO_WORDS


def _link_list(element) -> bool:
    """Every item of this <ul>/<ol> is a link to another page (not an anchor on this one)."""
    items = [child for child in element if child.tag == "li"]
    if len(items) < LINK_LIST_MIN_ITEMS or _introduced(element):
        return False
    # cheap tests on the whole list first: most lists are menus of short items
    text = element.text_content()
    if len(text.split()) < LINK_LIST_MIN_WORDS * len(items) or _PRICE.search(text):
        return False
    for item in items:
        text = " ".join(item.text_content().split())
        links = item.findall(".//a[@href]")
        if not text or not links or any(a.get("href", "").startswith("#") for a in links):
            return False
        if sum(len(" ".join(a.text_content().split())) for a in links) < LINK_LIST_LINKED_SHARE * len(text):
            return False
    return True


def prepass(tree) -> list[dict]:
    """Remove page furniture from the parsed page; return what went and why."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    total = len(root.text_content()) or 1
    removed: list[dict] = []
    gone: set = set()

    def inside_removed(element) -> bool:
        return any(ancestor in gone for ancestor in element.iterancestors())

    def remove(element, why: str, chars: int) -> None:
        label = element.get("id") or element.get("class") or ""
        removed.append({"tag": element.tag, "name": label[:60], "reason": why, "chars": chars})
        gone.add(element)

    for element in _candidates(root):
        if inside_removed(element):
            continue
        why = _furniture(element)
        if why is None:
            continue
        if why == HOVER_CARD and any(_furniture(d) == HOVER_CARD for d in element.iterdescendants(*_CONTAINERS)):
            continue  # the wrapper holds the name the card is about; its inner card goes instead
        chars = len(element.text_content())
        if element.xpath(".//*[@itemprop='articleBody'] | .//h1"):
            continue
        if chars > MAX_SHARE * total and element.xpath(".//article"):
            continue
        # A comment thread may well be longer than the article; anything else that
        # big may be the article itself, whatever its class says.
        if chars > MAX_SHARE * total and why not in _COMMENT_REASONS:
            continue
        remove(element, why, chars)
    for element in root.iter("ul", "ol"):
        if element not in gone and not inside_removed(element) and _link_list(element):
            remove(element, "list of links", len(element.text_content()))
    for element in gone:
        element.drop_tree()
    return removed


def _metadata(tree) -> dict:
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


def _headlines(tree) -> tuple[str, ...]:
    """Every headline the page declares, in full (the manifest's title is cut at 300)."""
    found = [*tree.xpath("//meta[@property='og:title']/@content"), *tree.xpath("//title//text()")]
    found += [h1.text_content() for h1 in islice(tree.iter("h1"), 3)]
    return tuple(dict.fromkeys(" ".join(str(t).split()) for t in found if str(t).strip()))


def _language(tree) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    code = lang.strip().lower().split("-")[0].split("_")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ExtractionTimeout in this thread after `seconds` (main thread only: that
    is where the command line, workers and serve run flows; elsewhere no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum, _frame):
        raise ExtractionTimeout(f"extraction took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract(html: str, timeout: float | None = 30.0) -> Extracted:
    """Main content of a page as text (paragraphs on their own lines)."""
    import trafilatura
    from trafilatura.utils import load_html

    info: dict = {
        "extractor": EXTRACTOR,
        "extractor_version": trafilatura.__version__,
        "extractor_settings": SETTINGS,
        "prepass": PREPASS_VERSION,
    }
    with time_limit(timeout):
        tree = load_html(html)
        if tree is None:
            return Extracted("", None, {**info, "title": None, "author": None, "date": None, "removed": []})
        info.update(_metadata(tree))
        headlines = _headlines(tree)
        language = _language(tree)
        info["removed"] = prepass(tree)
        text = trafilatura.extract(tree, **SETTINGS) or ""
        if _menu_like(text):
            # fast mode fell back to the whole page's links; ask again with trafilatura's
            # second opinion (on a fresh tree: extraction consumes the one it is given)
            tree = load_html(html)
            prepass(tree)
            text = trafilatura.extract(tree, **{**SETTINGS, "fast": False}) or ""
            info["extractor_settings"] = {**SETTINGS, "fast": False}
    return Extracted(text, language, info, headlines)


MENU_MIN_LINES = 30
MENU_SHORT_SHARE = 0.7


def _menu_like(text: str) -> bool:
    """Mostly short lines, many of them: a site menu rather than an article."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < MENU_MIN_LINES:
        return False
    return sum(1 for line in lines if len(line.split()) <= 4) >= MENU_SHORT_SHARE * len(lines)
