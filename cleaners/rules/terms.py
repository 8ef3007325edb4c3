"""What the phrase files' ``[trailer]`` terms say about a line no rule matched.

The trailer step asks it of the lines between recognised junk at the end of a page,
classify_paragraphs of every paragraph ("the site talking about itself").
"""

from __future__ import annotations

import re

from ..lines import ends_with, sentence_end

SHORT_WORDS = 4
"""A line of at most this many words that does not end a sentence is a short line."""
SHORT_SITE_TEXT_WORDS = 12
"""Up to this many words, one site term makes site text; up to LONG_SITE_TEXT_WORDS,
two distinct terms; beyond, three."""
LONG_SITE_TEXT_WORDS = 25
MAX_GAP_CHARS = 600
"""A longer line is never site text."""
GAP_SENTENCE_END = sentence_end(ellipsis=False)
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
    if len(words) <= SHORT_WORDS and not ends_with(norm, GAP_SENTENCE_END):
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
