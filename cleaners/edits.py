"""The one place where findings become edits: apply spans, record them, replay them."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import groupby

from .errors import ReplayError
from .lines import line_starts
from .model import Edit, Span


class LineIndex:
    """Maps character offsets to 1-based line numbers in O(log n)."""

    def __init__(self, text: str) -> None:
        self._starts = line_starts(text)

    def line_of(self, offset: int) -> int:
        return bisect_right(self._starts, offset)


def apply(text: str, spans: Iterable[Span], *, step: int, cleaner: str) -> tuple[str, list[Edit]]:
    """Apply non-overlapping spans to `text`; return the new text and the edits.

    Spans that overlap an earlier (or longer, at the same start) span are dropped:
    one piece of text is removed once, for one reason. Empty no-op spans are ignored.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    last_end = -1
    for span in ordered:
        if span.start < last_end or (span.start == span.end and not span.replacement):
            continue
        if text[span.start : span.end] == span.replacement:
            continue
        kept.append(span)
        last_end = span.end
    if not kept:
        return text, []
    index = LineIndex(text)
    pieces: list[str] = []
    edits: list[Edit] = []
    cursor = 0
    for span in kept:
        removed = text[span.start : span.end]
        pieces.append(text[cursor : span.start])
        pieces.append(span.replacement)
        cursor = span.end
        last_char = max(span.start, span.end - 1)
        edits.append(
            Edit(
                step=step,
                cleaner=cleaner,
                rule=span.rule,
                reason=span.reason,
                kind=span.kind,
                line_start=index.line_of(span.start),
                line_end=index.line_of(last_char),
                start=span.start,
                end=span.end,
                removed=removed,
                replacement=span.replacement,
            )
        )
    pieces.append(text[cursor:])
    return "".join(pieces), edits


def replay(text: str, edits: Sequence[Edit]) -> str:
    """Re-apply recorded edits, step by step, checking that each removed text is where it says."""
    for _, group in groupby(edits, key=lambda e: e.step):
        step_edits = list(group)
        pieces: list[str] = []
        cursor = 0
        for edit in step_edits:
            if edit.start < cursor or text[edit.start : edit.end] != edit.removed:
                raise ReplayError(
                    f"step {edit.step} {edit.cleaner} {edit.rule}: expected {edit.removed!r} "
                    f"at {edit.start}:{edit.end}, found {text[edit.start : edit.end]!r}"
                )
            pieces.append(text[cursor : edit.start])
            pieces.append(edit.replacement)
            cursor = edit.end
        pieces.append(text[cursor:])
        text = "".join(pieces)
    return text
