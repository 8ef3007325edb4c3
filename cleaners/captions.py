"""`dedupe_captions`: a caption or label printed twice (image alt text, then caption).

Only near repeats go (within a few non-blank lines of the first), and only lines
of a few words or more: a far repeat may be a refrain or a recurring quote, and
a repeated one-word line ("Yes.") may be two answers in an interview. What stands
between the two copies must be a credit or label ("AP Photo", "(Reuters)"): a
question or a verse line in between makes the repeat an answer or a refrain.
"""

from __future__ import annotations

import re
from collections import deque

from .context import Context
from .model import Span
from .spans import line_spans, whole_line

NAME = "dedupe_captions/v1"
MIN_WORDS = 3
MAX_CHARS = 300
CREDIT_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?…\"”]$")


def _credit_like(key: str) -> bool:
    """A line that may sit between an image's alt text and its caption: a few words, no sentence."""
    return len(key.split()) <= CREDIT_WORDS and not _SENTENCE_END.search(key)


def find(text: str, ctx: Context) -> list[Span]:
    recent: deque[str] = deque(maxlen=max(1, ctx.config.dedupe_window))
    spans: list[Span] = []
    for start, end in line_spans(text):
        line = text[start:end]
        if not line.strip():
            continue
        key = " ".join(line.split())
        first = max((i for i, seen in enumerate(recent) if seen == key), default=None)
        # "MARSH: I don't recall." twice around a question, or a refrain
        # around a verse line, is content; only credits may stand between two copies.
        if (
            first is not None
            and len(key) <= MAX_CHARS
            and len(key.split()) >= MIN_WORDS
            and all(_credit_like(seen) for seen in list(recent)[first + 1 :])
        ):
            back = len(recent) - first
            s, e = whole_line(text, start, end)
            where = "the line just above" if back == 1 else f"a line {back} lines above"
            spans.append(Span(s, e, "captions.repeat", f"repeats {where} (a caption or label shown twice)"))
            continue
        recent.append(key)
    return spans
