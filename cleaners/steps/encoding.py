"""`fix_encoding`: repair mojibake with ftfy, and touch nothing else.

ftfy's defaults also uncurl quotes, fold full-width characters, split ligatures,
normalise to NFC and unescape HTML: all of those change *correct* text, so they
are off. Only the encoding repairs stay on. Lines are fixed one at a time (ftfy
works per segment anyway), and each changed region of a line becomes one edit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

import ftfy

from ..context import Context
from ..model import Span
from ..registry import Cleaner, register

MAX_DIFF_CHARS = 20_000

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)


def _rule(explanation: Sequence[tuple[str, str]]) -> str:
    steps = [f"{action}:{detail}" if action != "apply" else detail for action, detail in explanation]
    return "fix_encoding." + ("+".join(steps) if steps else "ftfy")


_LINE = re.compile(r"[^\r\n\x0b\x0c\u2028\u2029]+")
"""A line as normalize_whitespace will cut it (NEL excepted: ftfy turns a stray
U+0085 into the '…' it came from). ftfy's verdict depends on the whole line it
sees, so it must see the same lines on every run for cleaning to be idempotent."""


_REPAIRABLE = re.compile(r"[^\x00-\x1a\x1c-\x7f\u2018\u2019\u201c\u201d\u2013\u2014\u2026]")
"""A character some repair of FTFY_CONFIG could act on. Not ASCII (but ESC, which starts a
terminal escape), and not the typographic quotes, dashes and ellipsis: in every code page
ftfy reads mojibake through they are either absent or bytes that cannot start a UTF-8
sequence (0x85, 0x91-0x97), and in MacRoman bytes that can (0xC9, 0xD0-0xD5) but with
nothing among them that can continue one; and no other repair (C1 controls, surrogates,
the lossy and a0 sequences) involves them. A line of them and ASCII is most lines of
English prose, and ftfy costs tens of microseconds a line to say so."""


@register
class FixEncoding(Cleaner):
    name = "fix_encoding"
    version = 1

    def find(self, text: str, ctx: Context) -> list[Span]:
        return repairs(text)

    def last_look(self, text: str, ctx: Context, left: list[str]) -> list[Span]:
        """ftfy judges a line as a whole; once later steps have trimmed a line (a
        no-break space at its start, an ad token), the rest may read differently.
        Lines changed since ftfy saw them get one more look, so that cleaning the
        output again changes nothing."""
        judged: set[str] = set()
        for seen in left:
            judged.update(_LINE.findall(seen))
        return repairs(text, skip=judged)


def repairs(text: str, skip: set[str] | frozenset[str] = frozenset()) -> list[Span]:
    """Repairs for every line, except those in `skip` (lines already judged as they are)."""
    spans: list[Span] = []
    for m in _LINE.finditer(text):
        start, line = m.start(), m.group()
        if _REPAIRABLE.search(line) is None or line in skip:
            continue  # nothing ftfy could repair, or already judged: skip the cost
        fixed, explanation = ftfy.fix_and_explain(line, config=FTFY_CONFIG)
        if fixed == line:
            continue
        rule = _rule(explanation or [])
        what = "terminal escape sequence" if "terminal_escapes" in rule else "mojibake"
        for a0, a1, b0, b1 in _regions(line, fixed):
            bad, good = line[a0:a1], fixed[b0:b1]
            spans.append(
                Span(start + a0, start + a1, rule, f"{what} {bad!r} repaired to {good!r}", replacement=good, kind="fix")
            )
    return spans


def _regions(line: str, fixed: str) -> list[tuple[int, int, int, int]]:
    """Changed regions, widened over adjacent unchanged non-ASCII characters so that
    'Â©' → '©' reads as one repair rather than as a lone deleted 'Â'."""
    # trim what is equal at both ends first: SequenceMatcher is quadratic, and a repaired
    # megabyte line must not take minutes; a long changed middle is one region
    head = 0
    limit = min(len(line), len(fixed))
    while head < limit and line[head] == fixed[head]:
        head += 1
    tail = 0
    while tail < limit - head and line[-1 - tail] == fixed[-1 - tail]:
        tail += 1
    middle_a, middle_b = line[head : len(line) - tail], fixed[head : len(fixed) - tail]
    if len(middle_a) + len(middle_b) > MAX_DIFF_CHARS:
        return [(head, len(line) - tail, head, len(fixed) - tail)]
    opcodes = [
        (op, a0 + head, a1 + head, b0 + head, b1 + head)
        for op, a0, a1, b0, b1 in SequenceMatcher(None, middle_a, middle_b, autojunk=False).get_opcodes()
    ]
    out: list[tuple[int, int, int, int]] = []
    for op, a0, a1, b0, b1 in opcodes:
        if op == "equal":
            continue
        while a0 > 0 and b0 > 0 and line[a0 - 1] == fixed[b0 - 1] and ord(line[a0 - 1]) > 127:
            a0, b0 = a0 - 1, b0 - 1
        while a1 < len(line) and b1 < len(fixed) and line[a1] == fixed[b1] and ord(line[a1]) > 127:
            a1, b1 = a1 + 1, b1 + 1
        if out and a0 <= out[-1][1]:
            p0, _, q0, _ = out.pop()
            a0, b0 = p0, q0
        out.append((a0, a1, b0, b1))
    return out
