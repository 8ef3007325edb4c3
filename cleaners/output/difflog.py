"""The diff log: a unified diff from the decoded input to the clean text, each hunk
labelled with the cleaners and rules that made it, and a header listing every edit
with its reason.

It is a plain unified diff: `patch` and pagers read it (the header before `---`
is the kind of leading text patch skips). Edits are recorded against each step's
own input; to label hunks of the one diff, every edit is traced back to the lines
of the decoded input it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from difflib import SequenceMatcher
from itertools import groupby

from ..input.decode import VERSION as DECODE_VERSION
from ..lines import line_starts
from ..model import Cleaned, Edit

CONTEXT = 1


class _Origins:
    """Builds, for the text a step produces, the decoded-input line each line came from."""

    def __init__(self, text: str, origins: list[int]) -> None:
        self.starts = line_starts(text)
        self.old = origins
        self.new: list[int] = []
        self.need = True  # the next emitted character starts a new line

    def at(self, offset: int) -> int:
        return self.old[bisect_right(self.starts, offset) - 1]

    def emit(self, segment: str, offset: int, fixed: bool) -> None:
        """`segment` came from `offset` of the old text; `fixed`: every character of it
        (a replacement) takes the origin of `offset`."""
        if not segment:
            return
        if self.need:
            self.new.append(self.at(offset))
            self.need = False
        pos = segment.find("\n")
        while pos != -1:
            if pos + 1 < len(segment):
                self.new.append(self.at(offset if fixed else offset + pos + 1))
            else:
                self.need = True
            pos = segment.find("\n", pos + 1)

    def finish(self) -> list[int]:
        if self.need or not self.new:
            self.new.append(self.old[-1])
        return self.new


def trace(cleaned: Cleaned) -> list[tuple[Edit, tuple[int, int]]]:
    """Each edit with the (first, last) 1-based line of the decoded input it touches."""
    text = cleaned.decoded
    origins = list(range(1, len(line_starts(text)) + 1))
    traced: list[tuple[Edit, tuple[int, int]]] = []
    for _, group in groupby(cleaned.edits, key=lambda e: e.step):
        step = list(group)
        for edit in step:
            lines = [origins[i - 1] for i in range(edit.line_start, edit.line_end + 1)]
            traced.append((edit, (min(lines), max(lines))))
        builder = _Origins(text, origins)
        pieces: list[str] = []
        cursor = 0
        for edit in step:
            builder.emit(text[cursor : edit.start], cursor, fixed=False)
            builder.emit(edit.replacement, edit.start, fixed=True)
            pieces += [text[cursor : edit.start], edit.replacement]
            cursor = edit.end
        builder.emit(text[cursor:], cursor, fixed=False)
        pieces.append(text[cursor:])
        text = "".join(pieces)
        origins = builder.finish()
    return traced


def _label(edits: list[Edit]) -> str:
    seen: dict[str, None] = {}
    for edit in edits:
        seen.setdefault(f"{edit.cleaner} {edit.rule}", None)
    return "; ".join(seen)


def _range(start: int, count: int) -> str:
    # unified diff convention: an empty range names the line before it
    if count == 0:
        return f"{start},0"
    return f"{start + 1}" if count == 1 else f"{start + 1},{count}"


def _body(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return out


def _printable(name: str) -> str:
    """A file name on one line: a newline in a name must not end the diff header."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in name)


def render(cleaned: Cleaned, old_name: str, new_name: str) -> str:
    """The whole diff log as text (empty diff body when nothing changed)."""
    old_name, new_name = _printable(old_name), _printable(new_name)
    traced = trace(cleaned)
    header = [f"# boilerstrip diff log: {old_name} -> {new_name}\n"]
    meta = cleaned.meta
    header.append(
        f"# encoding {meta.encoding}{' (BOM)' if meta.bom else ''}, language {meta.language} "
        f"({meta.language_prob:.2f}), {meta.words_removed} of {meta.words_before} words removed\n"
    )
    if meta.needs_review:
        header.append(f"# NEEDS REVIEW: {meta.review_reason}\n")
    for fix in meta.byte_fixes:
        header.append(f"# {DECODE_VERSION} byte {fix.offset}: {fix.raw} {fix.reason}\n")
    for edit, (first, last) in sorted(traced, key=lambda t: (t[1], t[0].step)):
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        header.append(
            f"# {where}: {edit.cleaner} {edit.rule} ({edit.kind}): {edit.reason}: {_short(edit.removed)}"
            f"{' -> ' + _short(edit.replacement) if edit.replacement else ''}\n"
        )
    old = cleaned.decoded.splitlines(keepends=True)
    new = cleaned.text.splitlines(keepends=True)
    body: list[str] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        a0, a1, b0, b1 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        changed = [(i1 + 1, max(i1 + 1, i2)) for tag, i1, i2, _, _ in group if tag != "equal"]
        hits = [e for e, (first, last) in traced if any(first <= hi and last >= lo for lo, hi in changed)]
        body.append(f"@@ -{_range(a0, a1 - a0)} +{_range(b0, b1 - b0)} @@ {_label(hits)}\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                body.extend(_body([" " + line for line in old[i1:i2]]))
                continue
            body.extend(_body(["-" + line for line in old[i1:i2]]))
            body.extend(_body(["+" + line for line in new[j1:j2]]))
    if not body:
        return "".join(header)
    return "".join([*header, f"--- {old_name}\n", f"+++ {new_name}\n", *body])


def _short(text: str, limit: int = 80) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"
