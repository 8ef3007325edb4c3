"""`dedupe_captions`: a caption or label printed twice (image alt text, then caption).

Only near repeats go (within a few non-blank lines of the first), and only lines
of a few words or more: a far repeat may be a refrain or a recurring quote, and
a repeated one-word line ("Yes.") may be two answers in an interview.
"""

from __future__ import annotations

from collections import deque

from .context import Context
from .model import Span
from .spans import line_spans, whole_line

NAME = "dedupe_captions/v1"
MIN_WORDS = 3
MAX_CHARS = 300


def find(text: str, ctx: Context) -> list[Span]:
    recent: deque[str] = deque(maxlen=max(1, ctx.config.dedupe_window))
    spans: list[Span] = []
    for start, end in line_spans(text):
        line = text[start:end]
        if not line.strip():
            continue
        key = " ".join(line.split())
        if key in recent and len(key) <= MAX_CHARS and len(key.split()) >= MIN_WORDS:
            back = len(recent) - max(i for i, seen in enumerate(recent) if seen == key)
            s, e = whole_line(text, start, end)
            where = "the line just above" if back == 1 else f"a line {back} lines above"
            spans.append(Span(s, e, "captions.repeat", f"repeats {where} (a caption or label shown twice)"))
            continue
        recent.append(key)
    return spans
