"""Lines of a text, and the questions several steps ask about one line.

Offsets: `line_starts`, `line_spans`, `whole_line`. What line rules see:
`normalize_line`. How a line ends (`sentence_end`, `ends_with`) and starts
(`LIST_MARKER`, `LIST_ITEM`).

The steps draw the line between "a sentence" and "a label" in slightly different
places (does an ellipsis end a sentence? a colon? a closing ’?). Each step names the
characters it admits with `sentence_end(...)`, so the differences are visible where
they are used; the golden files pin each choice.
"""

from __future__ import annotations

import re

DECORATION = " \t•·»«›‹|>–—↑→←▲►▸◂#:"
"""Trimmed from both ends of a line before matching; `*` only from the start (a
bullet), because at the end it marks a required form field ("Name *")."""


def line_starts(text: str) -> list[int]:
    """The offset at which each line starts (the first is 0)."""
    starts = [0]
    find = text.find
    pos = find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    return starts


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line's content, without its newline."""
    out: list[tuple[int, int]] = []
    start = 0
    find = text.find
    while True:
        nl = find("\n", start)
        if nl == -1:
            out.append((start, len(text)))
            return out
        out.append((start, nl))
        start = nl + 1


def whole_line(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a line's content span to take its following newline, so that removing
    it leaves no hole. The last line has none; the final whitespace pass trims the
    newline left before it. (Taking the preceding newline instead would overlap the
    removal of the line before.)"""
    if end < len(text) and text[end] == "\n":
        return start, end + 1
    return start, end


def normalize_line(line: str) -> str:
    """What line rules see: whitespace collapsed, decoration trimmed from both ends.

    A line wrapped in «guillemets» is a quotation in French and Spanish, not a
    decorated label: « Aucun commentaire » keeps them and so matches no label rule.
    """
    collapsed = " ".join(line.split())
    if collapsed.startswith("«") and collapsed.endswith("»"):
        return collapsed
    if collapsed.startswith("- "):  # a list item as extractors print them; "-5 °C" has no space
        collapsed = collapsed[2:]
    return collapsed.lstrip(DECORATION + "*").rstrip(DECORATION)


# --- how a line ends ------------------------------------------------------------

STOPS = ".!?"
ELLIPSIS = "…"
CJK_STOPS = "。！？"
CLOSING_QUOTES = '"”'
GUILLEMET = "»"
CLOSING_SINGLE_QUOTE = "’"
CLAUSE_ENDS = ":;)"
"""A colon, a semicolon or a closing bracket: the end of a clause rather than of a sentence."""


def sentence_end(
    *,
    ellipsis: bool = True,
    guillemet: bool = True,
    single_quote: bool = False,
    cjk: bool = False,
    clause: bool = False,
) -> frozenset[str]:
    """The last characters that make a line read as a sentence: always a stop (. ! ?)
    or a closing double quote; by choice an ellipsis, a closing guillemet, a closing
    single quote, the Chinese and Japanese stops, and clause ends (: ; ))."""
    chosen = STOPS + CLOSING_QUOTES
    chosen += ELLIPSIS if ellipsis else ""
    chosen += GUILLEMET if guillemet else ""
    chosen += CLOSING_SINGLE_QUOTE if single_quote else ""
    chosen += CJK_STOPS if cjk else ""
    chosen += CLAUSE_ENDS if clause else ""
    return frozenset(chosen)


def ends_with(text: str, finals: frozenset[str]) -> bool:
    """Does `text` (one line, no newline) end in one of `finals`?"""
    return text[-1:] in finals


# --- how a line starts ----------------------------------------------------------

LIST_MARKER = re.compile(r"[ \t]*(?:[-•*·–—›»►▸◦▪]|\d{1,3}[.)]|\(?[a-z]\))[ \t]")
"""A raw line that starts as a list item: indentation, then a bullet or arrow, a
number or a letter, then a space or tab (phrase rules: an item a sentence introduces)."""
LIST_ITEM = re.compile(r"(?:[-•*–—◦▪]|\d{1,3}[.)]|\(?[a-z]\))\s")
"""A stripped line that starts as a list item: one of fewer bullets than LIST_MARKER
takes (no middot or arrows), a number or a letter, then any space, a no-break space
too (classify_paragraphs: text someone laid out on purpose)."""
