"""`remove_trailer_block`: the end of a scraped page as one region, not line by line.

Junk clusters after the article: comment forms, profile settings, sign-in boxes.
Phrase rules recognise most of those lines, but between them sit lines no phrase
list can know ("Hi News addict,", a long paragraph of site policy). Walking up
from the end, a run of recognised lines with small gaps between them forms the
trailer; the gap lines inside it go, if each is short and unpunctuated or talks
about the site (profiles, comments, sign-in...). The first line that is neither
ends the walk, so the article's last paragraph always stays. This cleaner runs
before the phrase cleaners and removes only the gap lines; the recognised lines
are left to their own cleaners, which remove them with their own reasons.
"""

from __future__ import annotations

import re

from ..context import Context
from ..lines import ends_with, line_spans, normalize_line, sentence_end, whole_line
from ..model import Span
from ..rules.engine import is_junk

NAME = "remove_trailer_block/v1"
SHORT_WORDS = 4
SHORT_SITE_TEXT_WORDS = 12
LONG_SITE_TEXT_WORDS = 25
MAX_GAP_CHARS = 600
SENTENCE_END = sentence_end(ellipsis=False)
"""A short line ending in an ellipsis ("Read more…") is still unpunctuated here."""


def gap_kind(norm: str, site_terms: list[re.Pattern[str]], reader_terms: list[re.Pattern[str]]) -> str | None:
    """Why a line that no rule matched may still belong to a trailer, or None.

    `site_terms` and `reader_terms` hold one pattern per term of the phrase files'
    [trailer] tables. Site text is the site talking about itself *to the reader*:
    "Creating your profile will enable you to submit photos", "Join the community".
    A news sentence that happens to use one site word ("Residents can register for
    the hearing until Friday.") addresses nobody, and stays.
    """
    words = norm.split()
    if len(words) <= SHORT_WORDS and not ends_with(norm, SENTENCE_END):
        return "short_line"
    if not site_terms or len(norm) > MAX_GAP_CHARS:
        return None
    # A news paragraph near the end may mention subscribers or comments once
    # or twice ("The company has about 1.8 million paying subscribers, ... every
    # subscription."); the longer the line, the more distinct site words it needs:
    # one up to 12 words, two up to 25, three beyond.
    n = len(words)
    needed = 1 if n <= SHORT_SITE_TEXT_WORDS else 2 if n <= LONG_SITE_TEXT_WORDS else 3
    # Distinct terms: "subscribers ... subscription" is one term (one pattern counts
    # once), and so is "newsletter" matched by the German and the English list.
    found = len({m.group(0).lower() for term in site_terms if (m := term.search(norm))})
    if found < needed:
        return None
    if found >= 2 or any(term.search(norm) for term in reader_terms):
        return "site_text"
    return None


def find(text: str, ctx: Context) -> list[Span]:
    classifiers = ctx.classifiers
    if not classifiers:
        return []
    site_terms = ctx.book.term_patterns("site_terms", ctx.languages)
    reader_terms = ctx.book.term_patterns("reader_terms", ctx.languages)
    pending: list[tuple[int, int, str]] = []
    absorbed: list[tuple[int, int, str]] = []
    anchor: tuple[str, str] | None = None
    for start, end in reversed(line_spans(text)):
        line = text[start:end]
        if not line.strip():
            continue
        norm = normalize_line(line)
        hit = is_junk(line, ctx)
        if hit is not None:
            absorbed.extend(pending)
            pending = []
            anchor = (norm, hit[0])
            continue
        kind = gap_kind(norm, site_terms, reader_terms)
        if kind is None or len(pending) >= ctx.config.trailer_max_gap:
            break
        pending.append((start, end, kind))
    if not absorbed or anchor is None:
        return []
    first = anchor[0] if len(anchor[0]) <= 40 else anchor[0][:39] + "…"
    spans = []
    for start, end, kind in absorbed:
        s, e = whole_line(text, start, end)
        what = "short line" if kind == "short_line" else "text about the site itself"
        spans.append(
            Span(
                s,
                e,
                f"trailer.{kind}",
                f"{what} inside the trailing block of page furniture that starts with '{first}' ({anchor[1]})",
            )
        )
    return spans
