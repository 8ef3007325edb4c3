"""`dedupe_captions`: a caption or label printed twice (image alt text, then caption).

Only near repeats go (within a few non-blank lines of the first), and only lines
of a few words or more: a far repeat may be a refrain or a recurring quote, and
a repeated one-word line ("Yes.") may be two answers in an interview. What stands
between the two copies must be a credit or label ("AP Photo", "(Reuters)"): a
question or a verse line in between makes the repeat an answer or a refrain.

A gallery printed twice repeats a block of captions back to back (A B A B). A
block of up to BLOCK_LINES long lines (BLOCK_MIN_WORDS or more each: captions,
not verse) that follows an identical block at once is a repeat too, and so is a
single line too long for the near-repeat rule printed twice in a row.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ..context import Context
from ..lines import ends_with, line_spans, sentence_end, whole_line
from ..model import Span
from ..registry import Cleaner, option, register

MIN_WORDS = 3
MAX_CHARS = 300
CREDIT_WORDS = 4
BLOCK_LINES = 3
BLOCK_MIN_WORDS = 10
SENTENCE_END = sentence_end(guillemet=False)


def _credit_like(key: str) -> bool:
    """A line that may sit between an image's alt text and its caption: a few words, no sentence."""
    return len(key.split()) <= CREDIT_WORDS and not ends_with(key, SENTENCE_END)


def _block_repeats(text: str) -> list[Span]:
    """Blocks of long lines that repeat the block just above them, line for line."""
    lines = [(s, e, " ".join(text[s:e].split())) for s, e in line_spans(text) if text[s:e].strip()]
    spans: list[Span] = []
    i = 1
    while i < len(lines):
        for k in range(min(BLOCK_LINES, i), 0, -1):
            block = [key for _, _, key in lines[i - k : i]]
            if k == 1 and len(block[0]) <= MAX_CHARS:
                continue  # a single short repeat: the near-repeat rule below judges it
            if [key for _, _, key in lines[i : i + k]] == block and all(
                len(key.split()) >= BLOCK_MIN_WORDS for key in block
            ):
                for s, e, _ in lines[i : i + k]:
                    start, end = whole_line(text, s, e)
                    spans.append(
                        Span(start, end, "captions.repeat_block", f"repeats the block of {k} line(s) just above")
                    )
                i += k
                break
        else:
            i += 1
    return spans


@register
@dataclass(frozen=True)
class DedupeCaptions(Cleaner):
    name = "dedupe_captions"
    version = 1
    dedupe_window: int = option(3, "non-blank lines to look back for a repeat", minimum=1)

    def find(self, text: str, ctx: Context) -> list[Span]:
        blocks = _block_repeats(text)
        if blocks:
            return blocks  # the cleaner runs again on its output for near repeats
        recent: deque[str] = deque(maxlen=max(1, self.dedupe_window))
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
