"""`dedupe_captions`: a caption or label printed twice (image alt text, then caption).

Only near repeats go (within a few non-blank lines of the first), and only lines
of a few words or more: a far repeat may be a refrain or a recurring quote, and
a repeated one-word line ("Yes.") may be two answers in an interview.
"""

from __future__ import annotations

from collections import deque

from .context import Context
from .model import Span
from .spans import LineIndex, line_spans, whole_line

NAME = "dedupe_captions/v1"
MIN_WORDS = 3
MAX_CHARS = 300


def find(text: str, ctx: Context) -> list[Span]:
    recent: deque[tuple[str, int]] = deque(maxlen=max(1, ctx.config.dedupe_window))
    spans: list[Span] = []
    index: LineIndex | None = None
    for start, end in line_spans(text):
        line = text[start:end]
        if not line.strip():
            continue
        key = " ".join(line.split())
        first = next((pos for seen, pos in recent if seen == key), None)
        if first is not None and len(key) <= MAX_CHARS and len(key.split()) >= MIN_WORDS:
            index = index or LineIndex(text)
            s, e = whole_line(text, start, end)
            spans.append(Span(s, e, "captions.repeat", f"repeats line {index.line_of(first)} a few lines above"))
            continue
        recent.append((key, start))
    return spans
