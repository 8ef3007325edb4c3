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

from dataclasses import dataclass

from ..context import Context
from ..lines import line_spans, normalize_line, whole_line
from ..model import Span
from ..registry import Cleaner, option, register
from ..rules.terms import gap_kind


@register
@dataclass(frozen=True)
class RemoveTrailerBlock(Cleaner):
    name = "remove_trailer_block"
    version = 1
    trailer_max_gap: int = option(2, "gap lines allowed between two junk lines of the trailer", minimum=0)

    def find(self, text: str, ctx: Context) -> list[Span]:
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
            hit = ctx.is_junk(line)
            if hit is not None:
                absorbed.extend(pending)
                pending = []
                anchor = (norm, hit[0])
                continue
            kind = gap_kind(norm, site_terms, reader_terms)
            if kind is None or len(pending) >= self.trailer_max_gap:
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
