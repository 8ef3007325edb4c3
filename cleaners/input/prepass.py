"""The HTML pre-pass: page furniture removed from the parsed page before extraction.

Extractors are known to let through comment sections, login and sign-up forms, share
bars, newsletter boxes, cookie banners, hover cards and lists of other stories. The
pre-pass judges elements by tag, ARIA role, id and class, matching whole words of
those names ("add-to-cart" is not an ad; "comment-form" is a comment form), and never
removes an element holding much of the page's text. Its version is in the run
fingerprint, so a changed pre-pass re-cleans HTML files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

PREPASS_VERSION = "prepass/v4"
MAX_SHARE = 0.4
"""An element holding more than this share of the page's visible text is never
removed: whatever its class says, it may be the article."""
PROSE_CHARS = 400
"""Article-length prose: an element whose paragraphs of PROSE_WORDS words or more hold
this many characters is not a share bar, a newsletter box or a login form, whatever its
class says (sites wrap the article in `newsletter-wrapper` or `id="share-btn"`)."""
PROSE_WORDS = 20
_INVISIBLE = ("script", "style", "template", "noscript")

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
    "follow",
)
"""Not "article", "story" or "post": `share-article` names the article as often as a bar."""
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
_STATE_WORDS = {"enabled", "disabled", "open", "closed", "has", "is", "allow", "allowed", "count", "toggle", "js", "no"}
"""Words that make a class token a state or a hook rather than a section's name:
`comments-enabled`, `has-tooltip`, `replies-open`, `js-share-article`, `comment-count`
are set on an article, not on its comment section or share bar."""
_NEVER_REMOVE = {"html", "body", "main", "article"}
# Words that are not furniture although they sound like it: sites wrap the article
# itself in class="paywall" or "subscriber-content".
COMMENT_REASONS = frozenset({"comment section", "comment form"})
_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words(name: str) -> set[str]:
    """Whole words of an id or class attribute: 'js-shareBar comment_list' ->
    {'js', 'share', 'bar', 'comment', 'list'}."""
    return {w for w in _SPLIT.split(_CAMEL.sub(" ", name).lower()) if w}


def _name_words(name: str) -> set[str]:
    """The words of an id or class that may name furniture: each space-separated token's
    words, leaving out tokens that name a state or a hook (`comments-enabled`)."""
    found: set[str] = set()
    for token in name.split():
        token_words = words(token)
        if not token_words & _STATE_WORDS:
            found |= token_words
    return found


def visible_words(element: HtmlElement) -> int:
    """Words of text a reader sees (as `visible_chars`)."""
    hidden = sum(len(node.text_content().split()) for node in element.iter(*_INVISIBLE))
    return len(element.text_content().split()) - hidden


def visible_chars(element: HtmlElement) -> int:
    """Characters of text a reader sees: scripts, styles and templates left out (a page's
    inline scripts can be ten times its text)."""
    hidden = sum(len(node.text_content()) for node in element.iter(*_INVISIBLE))
    return len(element.text_content()) - hidden


def prose_chars(element: HtmlElement) -> int:
    """Characters in paragraphs long enough to be an article's (PROSE_WORDS words or more)."""
    total = 0
    for paragraph in element.iter("p"):
        text = paragraph.text_content()
        if len(text.split()) >= PROSE_WORDS:
            total += len(text)
    return total


def _furniture(element: HtmlElement) -> str | None:
    """Why an element is page furniture, judged by its tag, role, id and class."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _NEVER_REMOVE:
        return None
    role = (element.get("role") or "").lower()
    if role in ("dialog", "alertdialog") and element.get("aria-modal") == "true":
        return "modal dialog"
    if tag == "form" and element.xpath(".//input[@type='password' or @type='email']"):
        return "login or sign-up form"
    found = _name_words(" ".join(filter(None, (element.get("id"), element.get("class")))))
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


def _candidates(root: HtmlElement) -> Iterator[HtmlElement]:
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
INTRO_WRAPPERS = 2
_PRICE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:[$€£¥]|USD|EUR|GBP)\b")


def _introduced(element: HtmlElement) -> bool:
    """The list follows a sentence that announces it ("The committee cited five reports:"):
    its links are what the article is about, not other stories. A list alone in its
    wrapper (`<div class="ulist"><ul>`, as AsciiDoc writes) is announced before the wrapper."""
    before = element.getprevious()
    for _ in range(INTRO_WRAPPERS):
        parent = element.getparent()
        if before is not None or parent is None or parent.tag not in ("div", "section"):
            break
        element, before = parent, parent.getprevious()
    if before is None or not isinstance(before.tag, str):
        return False
    intro = " ".join(before.text_content().split())
    return intro.endswith(":") and len(intro.split()) >= LINK_LIST_INTRO_WORDS


_BLOCKS = ("main", "article", "form", "table")
"""Blocks no list of links holds (headings and paragraphs in items are common: "<li><h3><a>")."""


def _link_list(element: HtmlElement) -> bool:
    """Every item of this <ul>/<ol> is a link to another page (not an anchor on this one),
    and nothing but items is in it (lxml nests a page's `<main>` inside a menu's unclosed
    `<ul>`: a list holding blocks is not a list of links)."""
    items = [child for child in element if child.tag == "li"]
    if len(items) < LINK_LIST_MIN_ITEMS or _introduced(element):
        return False
    if next(element.iter(*_BLOCKS), None) is not None:
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


def _in_code(element: HtmlElement) -> bool:
    """Inside a code listing, class names are a highlighter's tokens: `hljs-comment`
    marks a comment in the code, which is the article's text."""
    return next(element.iterancestors("pre", "code"), None) is not None


def page_root(tree: HtmlElement) -> HtmlElement:
    """The element whose text the page shows: its body, or the whole tree without one."""
    body = tree.find(".//body")
    return body if body is not None else tree


def prepass(tree: HtmlElement, visible: int | None = None) -> list[dict[str, Any]]:
    """Remove page furniture from the parsed page; return what went and why. `visible`:
    the page's `visible_chars`, when the caller has measured it already."""
    root = page_root(tree)
    total = (visible if visible is not None else visible_chars(root)) or 1
    removed: list[dict[str, Any]] = []
    gone: set[HtmlElement] = set()

    def inside_removed(element: HtmlElement) -> bool:
        return any(ancestor in gone for ancestor in element.iterancestors())

    def remove(element: HtmlElement, why: str, chars: int) -> None:
        label = element.get("id") or element.get("class") or ""
        entry = {"tag": element.tag, "name": label[:60], "reason": why, "chars": chars, "words": visible_words(element)}
        removed.append(entry)
        gone.add(element)

    for element in _candidates(root):
        if inside_removed(element) or _in_code(element):
            continue
        why = _furniture(element)
        if why is None:
            continue
        if why == HOVER_CARD and any(_furniture(d) == HOVER_CARD for d in element.iterdescendants(*_CONTAINERS)):
            continue  # the wrapper holds the name the card is about; its inner card goes instead
        chars = visible_chars(element)
        if element.xpath(".//*[@itemprop='articleBody'] | .//h1"):
            continue
        if chars > MAX_SHARE * total and element.xpath(".//article"):
            continue
        # A comment thread may well be longer than the article, and is prose; anything
        # else that big, or holding article-length prose, may be the article itself.
        if why not in COMMENT_REASONS and (chars > MAX_SHARE * total or prose_chars(element) >= PROSE_CHARS):
            continue
        remove(element, why, chars)
    for element in root.iter("ul", "ol"):
        if element not in gone and not inside_removed(element) and _link_list(element):
            chars = visible_chars(element)
            if chars <= MAX_SHARE * total:
                remove(element, "list of links", chars)
    for element in gone:
        element.drop_tree()
    return removed
