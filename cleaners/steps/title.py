"""`remove_page_title` (opt-in): the page's headline, moved out of the text.

For HTML input the extractor prints the headline (`h1`) as the first line of the
article. Some downstream uses want the body alone, with the headline as a field:
the manifest already carries it (`extraction.title`). This cleaner removes the
first line of the text when it is one of the headlines the page declares (its
`og:title`, its `<title>` without a " | Site name" part, or its `h1`), and
nothing else: no guessing from the look of a line. Text input declares no
headline, so there it never removes anything. Not in the default order: the
headline is part of the article as published.
"""

from __future__ import annotations

import re

from ..context import Context
from ..lines import line_spans, whole_line
from ..model import Span
from ..registry import Cleaner, register

_SITE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s+::\s+")
_EDGES = re.compile(r"^\W+|\W+$")


def key(text: str) -> str:
    """How headlines are compared: case, spacing and edge punctuation ignored."""
    return _EDGES.sub("", " ".join(text.split()).casefold())


def headline_keys(titles: tuple[str, ...]) -> frozenset[str]:
    """Every declared headline, and each part of a `<title>` split at its site separator."""
    keys = set()
    for title in titles:
        keys.add(key(title))
        keys.update(key(part) for part in _SITE_SEPARATORS.split(title))
    return frozenset(k for k in keys if len(k.split()) >= 2)


@register
class RemovePageTitle(Cleaner):
    """Opt-in: the headline is part of the article as published."""

    name = "remove_page_title"
    version = 1
    opt_in = True

    def find(self, text: str, ctx: Context) -> list[Span]:
        headlines = headline_keys(ctx.headlines)
        if not headlines:
            return []
        for start, end in line_spans(text):
            line = text[start:end]
            if not line.strip():
                continue
            if key(line) not in headlines:
                return []
            s, e = whole_line(text, start, end)
            return [Span(s, e, "title.page_headline", "the page's headline (in the manifest as extraction.title)")]
        return []
