"""`normalize_whitespace`: line endings, trailing blanks, control characters, blank-line runs.

Layout only: no character inside a line's text changes, except control characters
(recorded as fixes). Inner runs of spaces and no-break spaces stay as they are.
One regex scan finds everything; cascades (a line that becomes blank once its
no-break spaces go) are settled by the pipeline re-running a cleaner that changed
something, so no pattern here needs look-ahead over unbounded runs.
"""

from __future__ import annotations

import re

from ..context import Context
from ..model import EditKind, Span
from ..registry import Cleaner, register

_HSPACE = " \t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_STRIP = _HSPACE + _BREAKS + _CONTROLS

_SCAN = re.compile(
    # trailing blanks only: start at the start of a run (look-behind), take the run whole
    # (possessive), and keep it if a line break follows - linear even on a megabyte of spaces
    rf"(?P<hspace>(?<![{_HSPACE}])[{_HSPACE}]++(?=[{_BREAKS}]))"
    r"|(?P<crlf>\r\n)"
    r"|(?P<linebreak>[\r\x0b\x0c\x85\u2028\u2029])"
    r"|(?P<control>[\x00-\x08\x0e-\x1f\x7f]+)"
    r"|(?P<blank>\n\n\n+)"
)

_RULES: dict[str, tuple[str, str, EditKind]] = {
    "crlf": ("\n", "CRLF line ending made LF", "whitespace"),
    "linebreak": ("\n", "CR, form feed or Unicode line separator made LF", "whitespace"),
    "control": ("", "control characters removed", "fix"),
    "blank": ("\n\n", "run of blank lines collapsed to one", "whitespace"),
}


_TROUBLE = re.compile(rf"[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]|[{_HSPACE}]\n|\n\n\n")


@register
class NormalizeWhitespace(Cleaner):
    """Runs first to give the other steps tidy lines, and last to close the gaps removals leave."""

    name = "normalize_whitespace"
    version = 1
    tidies = True

    def find(self, text: str, ctx: Context) -> list[Span]:
        return layout_spans(text)


def layout_spans(text: str) -> list[Span]:
    if text.endswith("\n") and not text.endswith("\n\n") and not text[:1].isspace() and not _TROUBLE.search(text):
        return []  # already tidy: one cheap scan instead of the full one
    head = len(text) - len(text.lstrip(_STRIP))
    if head == len(text):
        return [Span(0, len(text), "whitespace.empty_text", "text is only whitespace", kind="whitespace")]
    tail = len(text.rstrip(_STRIP))
    spans: list[Span] = []
    if head:
        spans.append(Span(0, head, "whitespace.leading", "blank lines at the start of the text", kind="whitespace"))
    for m in _SCAN.finditer(text, head, tail):
        group = m.lastgroup
        assert group is not None
        if group == "hspace":
            spans.append(
                Span(
                    m.start(),
                    m.end(),
                    "whitespace.trailing",
                    "spaces or no-break spaces at a line end",
                    kind="whitespace",
                )
            )
            continue
        replacement, reason, kind = _RULES[group]
        spans.append(Span(m.start(), m.end(), f"whitespace.{group}", reason, replacement=replacement, kind=kind))
    if text[tail:] != "\n":
        spans.append(
            Span(
                tail,
                len(text),
                "whitespace.end_of_text",
                "text ends with exactly one newline",
                replacement="\n",
                kind="whitespace",
            )
        )
    return spans
