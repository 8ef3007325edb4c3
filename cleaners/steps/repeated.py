"""`remove_repeated_lines`: lines a site prints on many of its pages (cc_net's idea).

One page cannot tell its site's furniture from its content; many pages of the same site
can: "Sign up for the Morning Briefing" on 37 of 40 pages is the site's, not the
article's. This cleaner needs corpus statistics, gathered in a pass over all documents
before cleaning (the flow's `[run] repeated_lines`): per site, in how many documents
each normalised line occurs. Without them (`clean()` called alone) it does nothing.

Only candidate lines are counted and removed, which guards content and bounds the
statistics: short (`repeated_max_chars`), not a sentence (no closing punctuation), and
with a few letters (datelines like "2016-12-27 21:56" stay, as everywhere in boilerstrip).
A line must occur in `repeated_min_documents` documents of its site and in
`repeated_min_share` of them. Lines are compared by a stable 64-bit hash of their
normalised, case-folded form, so the statistics take memory per distinct line, never
per document, and the same corpus gives the same result in any process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from ..context import Context
from ..lines import ends_with, line_spans, normalize_line, sentence_end, whole_line
from ..model import SiteRepeats, Span
from ..registry import Cleaner, OptionSource, option, register

MIN_LETTERS = 3
SENTENCE_END = sentence_end()


def line_key(line: str, max_chars: int) -> str | None:
    """What two lines must share to be "the same line", or None for a line that is never
    counted (too long, a sentence, hardly any letters)."""
    norm = normalize_line(line)
    if not norm or len(norm) > max_chars or ends_with(norm, SENTENCE_END):
        return None
    if sum(ch.isalpha() for ch in norm) < MIN_LETTERS:
        return None
    return norm.casefold()


def line_hash(key: str) -> int:
    """A stable 64-bit hash (not Python's `hash`, which changes from process to process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def document_hashes(text: str, max_chars: int) -> set[int]:
    """The candidate lines of one document, each once (the map step, per document)."""
    found = set()
    for start, end in line_spans(text):
        key = line_key(text[start:end], max_chars)
        if key is not None:
            found.add(line_hash(key))
    return found


@register
@dataclass(frozen=True)
class RemoveRepeatedLines(Cleaner):
    name = "remove_repeated_lines"
    version = 1
    repeated_min_documents: int = option(
        5, "a line goes when at least this many documents of its site hold it", minimum=2
    )
    repeated_min_share: float = option(0.5, "... and at least this share of them", above=0, maximum=1)
    repeated_max_chars: int = option(100, "... and it is no longer than this (normalised)", minimum=1)

    def find(self, text: str, ctx: Context) -> list[Span]:
        repeats = ctx.repeats
        if repeats is None or not repeats.lines:
            return []
        spans = []
        for start, end in line_spans(text):
            key = line_key(text[start:end], self.repeated_max_chars)
            if key is None:
                continue
            count = repeats.lines.get(line_hash(key))
            if count is None:
                continue
            s, e = whole_line(text, start, end)
            where = f"site {repeats.site}" if repeats.site else "the corpus"
            spans.append(
                Span(
                    s, e, "repeated.site_line", f"line repeated in {count} of {repeats.documents} documents of {where}"
                )
            )
        return spans


def select(site: str, documents: int, counts: Iterable[tuple[int, int]], config: OptionSource) -> SiteRepeats:
    """The reduce step's verdict for one site: the lines repeated often enough to go."""
    step = RemoveRepeatedLines.configured(config)
    needed = max(step.repeated_min_documents, step.repeated_min_share * documents)
    lines = {h: n for h, n in counts if n >= needed}
    return SiteRepeats(site, documents, dict(sorted(lines.items())))
