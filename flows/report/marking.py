"""The decoded input with every edit placed on it, from the clean text and the edit log.

The edit log gives, for each edit, what it removed and what it put in, at offsets of
the text as it was before its step. Undoing the steps, last first, on the clean text
gives the decoded input back (each replacement is checked to stand where its edit
says); doing them again on that input then places every edit exactly: each piece of
the input is kept, or removed by the edit that removed it, and each inserted text
stands where it was put, with the edit that put it. Nothing is guessed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from boilerstrip.cleaners import Edit


class Unfit(ValueError):
    """The edit log does not fit the text (an edited clean file, a log of another run)."""


@dataclass(slots=True)
class Piece:
    kind: str  # "eq" (kept), "del" (removed by `edit`) or "ins" (put in by `edit`)
    text: str
    edit: Edit | None = None
    at: int = 0  # offset in the decoded input (of an insertion: of what follows it)


def _steps(edits: Sequence[Edit]) -> list[list[Edit]]:
    return [list(step) for _, step in groupby(edits, key=lambda e: e.step)]


def rebuild(clean: str, edits: Sequence[Edit]) -> str:
    """The decoded input: `clean` with every step undone, the last first."""
    text = clean
    for step in reversed(_steps(edits)):
        pieces: list[str] = []
        cursor = shift = 0  # shift: how much longer the step's output is, so far, than its input
        for edit in step:
            at = edit.start + shift
            if edit.end - edit.start != len(edit.removed) or at < cursor or at > len(text):
                raise Unfit(f"step {edit.step}: the edits of {edit.cleaner} overlap, miscount or overrun the text")
            if text[at : at + len(edit.replacement)] != edit.replacement:
                raise Unfit(f"{edit.cleaner} {edit.rule}: {edit.replacement!r} is not where the edit log puts it")
            pieces += [text[cursor:at], edit.removed]
            cursor = at + len(edit.replacement)
            shift += len(edit.replacement) - len(edit.removed)
        pieces.append(text[cursor:])
        text = "".join(pieces)
    return text


def mark(decoded: str, edits: Sequence[Edit]) -> tuple[list[Piece], list[tuple[int, int]]]:
    """The pieces of the decoded input and of what was put in, in reading order; and for
    each edit, the span of the decoded input it removes (where it stands, when it
    removes none of it: an insertion, or a change to text an earlier step put in)."""
    pieces = [Piece("eq", decoded)] if decoded else []
    spans: dict[int, tuple[int, int]] = {}
    for step in _steps(edits):
        pieces = _apply(pieces, step, len(decoded), spans)
    return _merged(pieces), [spans[id(edit)] for edit in edits]


def _apply(pieces: list[Piece], step: list[Edit], end: int, spans: dict[int, tuple[int, int]]) -> list[Piece]:
    """One step's edits on the pieces. What an edit removes and puts back unchanged at
    its ends (a run of three newlines made two) stays as it was; of the rest, what it
    removes from the input becomes `del`, text an earlier step put in just goes, and
    what it puts in is a new `ins`."""
    cursor = _Cursor(pieces, end)
    for edit in step:
        head, tail = _same_ends(edit.removed, edit.replacement)
        cursor.advance(edit.start)
        before, _ = cursor.advance(edit.start + head)
        here = cursor.where()
        middle, gone = cursor.advance(edit.end - tail, edit)
        put = edit.replacement[head : len(edit.replacement) - tail]
        if put:
            cursor.out.append(Piece("ins", put, edit, cursor.where()))
        after, _ = cursor.advance(edit.end)
        if before + middle + after != edit.removed:
            raise Unfit(f"{edit.cleaner} {edit.rule}: {edit.removed!r} is not where the edit log puts it")
        spans[id(edit)] = (gone[0].at, gone[-1].at + len(gone[-1].text)) if gone else (here, here)
    return cursor.out + list(cursor.queue)


def _same_ends(removed: str, replacement: str) -> tuple[int, int]:
    """How many characters at the start and at the end an edit gives back as they were."""
    limit = min(len(removed), len(replacement))
    head = 0
    while head < limit and removed[head] == replacement[head]:
        head += 1
    tail = 0
    while tail < limit - head and removed[-1 - tail] == replacement[-1 - tail]:
        tail += 1
    return head, tail


class _Cursor:
    """Walks one step's input: the text of the `eq` and `ins` pieces (`del` pieces, gone
    before this step, are passed by where they stand)."""

    def __init__(self, pieces: list[Piece], end: int) -> None:
        self.queue = deque(pieces)
        self.out: list[Piece] = []
        self.pos = 0  # offset in the step's input where the queue starts
        self.end = end  # the decoded input's length: where the end of the text stands

    def where(self) -> int:
        """The offset of the decoded input the cursor stands at."""
        return self.queue[0].at if self.queue else self.end

    def advance(self, to: int, edit: Edit | None = None) -> tuple[str, list[Piece]]:
        """Move to offset `to` of the step's input, and return the text passed; with
        `edit`, remove it, and also return the `del` pieces made of the input."""
        passed: list[str] = []
        gone: list[Piece] = []
        queue = self.queue
        while queue:
            if queue[0].kind == "del":
                self.out.append(queue.popleft())
                continue
            if self.pos >= to:
                break
            piece = queue.popleft() if self.pos + len(queue[0].text) <= to else _cut(queue, to - self.pos)
            self.pos += len(piece.text)
            passed.append(piece.text)
            if edit is None:
                self.out.append(piece)
            elif piece.kind == "eq":
                gone.append(Piece("del", piece.text, edit, piece.at))
                self.out.append(gone[-1])
        if self.pos < to:
            raise Unfit(f"an edit at {to} runs past the end of the text")
        return "".join(passed), gone


def _cut(queue: deque[Piece], size: int) -> Piece:
    """Take the first `size` characters of the queue's first piece."""
    piece = queue[0]
    rest = piece.at + size if piece.kind != "ins" else piece.at
    queue[0] = Piece(piece.kind, piece.text[size:], piece.edit, rest)
    return Piece(piece.kind, piece.text[:size], piece.edit, piece.at)


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1].kind == piece.kind and out[-1].edit is piece.edit:
            out[-1].text += piece.text
        else:
            out.append(piece)
    return out


def rows(decoded: str, pieces: list[Piece]) -> list[list[Piece]]:
    """The pieces spread over the lines of the input (split as `str.splitlines` splits,
    as a browser shows them); an insertion at a line's end stays on that line."""
    lines = decoded.splitlines(keepends=True)
    if not lines:
        return [pieces] if pieces else []
    out: list[list[Piece]] = [[] for _ in lines]
    row, room = 0, len(lines[0])
    for piece in pieces:
        if piece.kind == "ins":
            out[row].append(piece)
            continue
        text, pos = piece.text, 0  # an offset, not the rest sliced off: a piece can span many lines
        while pos < len(text):
            while room == 0 and row + 1 < len(lines):
                row += 1
                room = len(lines[row])
            take = min(room, len(text) - pos) if room else len(text) - pos
            out[row].append(Piece(piece.kind, text[pos : pos + take], piece.edit, piece.at))
            pos += take
            room -= take
    return out


class Lines:
    """Offsets of the decoded input to its rows (as `rows` splits) and to its line
    numbers counted at "\\n" (as the diff log and the edit log count)."""

    def __init__(self, decoded: str) -> None:
        self.row_starts = [0]
        for line in decoded.splitlines(keepends=True)[:-1]:
            self.row_starts.append(self.row_starts[-1] + len(line))
        self.line_starts = [0]
        pos = decoded.find("\n")
        while pos != -1:
            self.line_starts.append(pos + 1)
            pos = decoded.find("\n", pos + 1)

    def row(self, offset: int) -> int:
        """0-based row."""
        return bisect_right(self.row_starts, offset) - 1

    def line(self, offset: int) -> int:
        """1-based line."""
        return bisect_right(self.line_starts, offset)
