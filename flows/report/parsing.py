"""Reading a diff log back: its header's notes and its hunks; the decoded input rebuilt
from the clean text, the changes marked on it, and each given the note that made it."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .folder import ReportError

MAX_CHAR_DIFF = 250_000  # product of the lengths above which a changed block is shown whole, not char by char


@dataclass(slots=True)
class Note:
    """One edit as the diff log's header states it."""

    first: int  # 1-based lines of the decoded input (split at "\n")
    last: int
    cleaner: str
    rule: str
    kind: str
    reason: str
    removed: str  # decoded; only a prefix when `truncated`
    replacement: str
    truncated: bool
    shown: str  # the header's own rendering of removed -> replacement

    @property
    def label(self) -> str:
        return f"{self.cleaner} {self.rule}"


@dataclass(slots=True)
class Hunk:
    old_start: int  # 0-based index of the first old line
    new_start: int
    label: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" ", "-" or "+", line with its line end)


@dataclass(slots=True)
class DiffLog:
    notes: list[Note] = field(default_factory=list)
    byte_fixes: list[str] = field(default_factory=list)
    hunks: list[Hunk] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # header lines this parser did not understand


_NOTE = re.compile(r"# lines? (\d+)(?:-(\d+))?: (\S+) (\S+) \((\w+)\): (.*)\Z", re.DOTALL)
_BYTE = re.compile(r"# decode/v\d+ byte \d+: ")
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)\Z", re.DOTALL)
_LIT = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_CUT = r"['\"](?:[^\\]|\\.)*?\\?\.\.\.'"  # a repr cut short by difflog._short: ends in ...'
_VALUE = re.compile(rf"(?P<a>{_LIT}|{_CUT})(?: -> (?P<b>{_LIT}|{_CUT}))?\Z", re.DOTALL)


def _literal(shown: str) -> tuple[str, bool]:
    """A repr from the header back to text; (prefix, True) when it was cut short
    (difflog._short cuts a repr longer than 80 characters to 76 and adds ...')."""
    if not (len(shown) == 80 and shown.endswith("...'")):
        try:
            value = ast.literal_eval(shown)
            if isinstance(value, str):
                return value, False
        except (ValueError, SyntaxError):
            pass
    body = shown[1:].removesuffix("...'")
    for trim in range(4):  # the cut may have split an escape sequence
        try:
            value = ast.literal_eval(shown[0] + body[: len(body) - trim] + shown[0])
            if isinstance(value, str):
                return value, True
        except (ValueError, SyntaxError):
            continue
    return "", True


def _note(line: str) -> Note | None:
    match = _NOTE.match(line)
    if not match:
        return None
    first, last, cleaner, rule, kind, rest = match.groups()
    # "reason: 'removed' -> 'replacement'": the reason may contain ": " itself, so take
    # the first split whose remainder reads as the header's repr(s)
    pos = rest.find(": ")
    while pos != -1:
        value = _VALUE.match(rest, pos + 2)
        if value:
            removed, cut = _literal(value["a"])
            replacement = _literal(value["b"])[0] if value["b"] else ""
            return Note(
                int(first),
                int(last or first),
                cleaner,
                rule,
                kind,
                rest[:pos],
                removed,
                replacement,
                cut,
                rest[pos + 2 :],
            )
        pos = rest.find(": ", pos + 1)
    return Note(int(first), int(last or first), cleaner, rule, kind, rest, "", "", True, "")


def _span(start: str, count: str | None) -> int:
    """difflog._range backwards: the 0-based index of a hunk side's first line."""
    return int(start) if count == "0" else int(start) - 1


def parse_difflog(text: str) -> DiffLog:
    """The header notes and the hunks of a diff log written by `cleaners.difflog.render`.

    Lines are split at "\\n" only (the log's own line ends); a line of the text that
    ends otherwise (no newline at the end, or a lone "\\r" or U+2028, which Python's
    splitlines treats as line ends) is followed by a "\\ No newline" marker.
    """
    log = DiffLog()
    records = text.split("\n")
    i = 0
    while i < len(records) and records[i].startswith("#"):
        line = records[i]
        i += 1
        if line.startswith("# boilerstrip diff log") or line.startswith(("# encoding ", "# NEEDS REVIEW")):
            continue
        if _BYTE.match(line):
            log.byte_fixes.append(line[2:])
            continue
        note = _note(line)
        if note is None:
            log.unparsed.append(line)
        else:
            log.notes.append(note)
    # the body: "--- old", "+++ new", then hunks
    while i < len(records) and not records[i].startswith("@@"):
        i += 1
    hunk: Hunk | None = None
    for k in range(i, len(records)):
        record = records[k]
        last = k == len(records) - 1
        if record.startswith("@@"):
            match = _HUNK.match(record)
            if not match:
                raise ReportError(f"unreadable hunk header: {record[:80]!r}")
            a, b, c, d, label = match.groups()
            hunk = Hunk(_span(a, b), _span(c, d), label)
            log.hunks.append(hunk)
        elif record.startswith("\\"):
            if hunk is None or not hunk.lines:
                raise ReportError("a 'No newline' marker before any line")
            tag, content = hunk.lines[-1]
            hunk.lines[-1] = (tag, content.removesuffix("\n"))
        elif record[:1] in (" ", "-", "+"):
            if hunk is None:
                raise ReportError("a diff line before the first hunk")
            hunk.lines.append((record[0], record[1:] + ("" if last else "\n")))
        elif record or not last:
            raise ReportError(f"unreadable diff line: {record[:80]!r}")
    return log


def reconstruct(clean: str, hunks: list[Hunk]) -> str:
    """The decoded input: the clean text with every hunk applied backwards.
    Raises ReportError when the hunks do not fit the text."""
    new = clean.splitlines(keepends=True)
    old: list[str] = []
    pos = 0
    for number, hunk in enumerate(hunks, 1):
        if hunk.new_start < pos or hunk.new_start > len(new):
            raise ReportError(f"hunk {number} starts at clean line {hunk.new_start + 1}, outside the text")
        old.extend(new[pos : hunk.new_start])
        pos = hunk.new_start
        if len(old) != hunk.old_start:
            raise ReportError(f"hunk {number} starts at input line {hunk.old_start + 1}, expected {len(old) + 1}")
        for tag, content in hunk.lines:
            if tag != "-":
                if pos >= len(new) or new[pos] != content:
                    raise ReportError(f"hunk {number} does not match clean line {pos + 1}")
                pos += 1
            if tag != "+":
                old.append(content)
    old.extend(new[pos:])
    return "".join(old)


# --------------------------------------------------------------------------- marking the changes


@dataclass(slots=True)
class Piece:
    kind: str  # "eq" | "del" | "ins"
    text: str
    note: Note | None = None
    hunk: str = ""  # the hunk's label, when no header note fits


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _char_ops(a: str, b: str) -> list[tuple[str, str]]:
    """a -> b as ("eq"|"del"|"ins", text) pieces; eq and del pieces spell out a."""
    p = _common_prefix(a, b)
    s = _common_prefix(a[p:][::-1], b[p:][::-1])
    mid_a, mid_b = a[p : len(a) - s], b[p : len(b) - s]
    ops = [("eq", a[:p])]
    if mid_a and mid_b and len(mid_a) * len(mid_b) <= MAX_CHAR_DIFF:
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes():
            if tag == "equal":
                ops.append(("eq", mid_a[i1:i2]))
            else:
                ops += [("del", mid_a[i1:i2]), ("ins", mid_b[j1:j2])]
    else:
        ops += [("del", mid_a), ("ins", mid_b)]
    ops.append(("eq", a[len(a) - s :]))
    return [(k, t) for k, t in ops if t]


def _split(ops: list[tuple[str, str]], lines: list[str]) -> list[list[Piece]]:
    """Spread pieces over the old lines they cover (insertions go where they stand;
    one at a line boundary goes to the end of the line before it)."""
    out: list[list[Piece]] = [[] for _ in lines]
    row, room = 0, len(lines[0]) if lines else 0
    for kind, text in ops:
        if kind == "ins":  # the row not yet left is the one before a boundary
            out[row].append(Piece(kind, text))
            continue
        while text:
            while room == 0 and row + 1 < len(lines):
                row += 1
                room = len(lines[row])
            take = text[:room] if room else text
            out[row].append(Piece(kind, take))
            text = text[len(take) :]
            room -= len(take)
    return out


def mark(decoded: str, hunks: list[Hunk]) -> tuple[list[str], list[list[Piece]]]:
    """The decoded input's lines, and for each the pieces kept, removed and inserted."""
    old = decoded.splitlines(keepends=True)
    pieces: list[list[Piece]] = [[Piece("eq", line)] for line in old]
    lead: list[Piece] = []  # insertions into an empty input

    def flush(at: int, dels: list[str], adds: list[str], label: str) -> None:
        if not dels and not adds:
            return
        if not dels:
            target = pieces[at - 1] if at > 0 else (pieces[0] if old else lead)
            piece = Piece("ins", "".join(adds), hunk=label)
            if at > 0:
                target.append(piece)
            else:
                target.insert(0, piece)
            return
        first = at - len(dels)
        if len(dels) == len(adds):
            rows = [_split(_char_ops(d, a), [d])[0] for d, a in zip(dels, adds, strict=True)]
        else:
            rows = _split(_char_ops("".join(dels), "".join(adds)), dels)
        for offset, row in enumerate(rows):
            for piece in row:
                piece.hunk = label
            pieces[first + offset] = row

    for hunk in hunks:
        at = hunk.old_start
        dels: list[str] = []
        adds: list[str] = []
        for tag, content in hunk.lines:
            if tag == " ":
                flush(at, dels, adds, hunk.label)
                dels, adds = [], []
                at += 1
            elif tag == "-":
                dels.append(content)
                at += 1
            else:
                adds.append(content)
        flush(at, dels, adds, hunk.label)
    if lead:  # an empty input that became text
        return [""], [lead]
    return old, pieces


def _fits(piece: Piece, note: Note) -> bool:
    text = piece.text.strip()
    source = note.removed if piece.kind == "del" else note.replacement
    if not text:
        return note.kind == "whitespace" or not source.strip()
    if text in source:
        return True
    head = source.strip()
    return bool(head) and (head in text or (note.truncated and text.startswith(head)))


def label(lines: list[str], pieces: list[list[Piece]], notes: list[Note]) -> None:
    """Give each removed or inserted piece the header note (cleaner, rule, reason) that
    made it: among the notes on its line, the one whose text fits, the narrowest first.
    With none on its line (two equal lines: the diff may show the other one removed),
    the nearest note within a few lines whose text fits."""
    by_line: dict[int, list[Note]] = {}
    for note in notes:
        for n in range(note.first, note.last + 1):
            by_line.setdefault(n, []).append(note)
    starts = nl_lines(lines) if any(not ln.endswith("\n") for ln in lines[:-1]) else None
    for index, row in enumerate(pieces):
        number = starts[index] if starts else index + 1
        for piece in row:
            if piece.kind == "eq":
                continue
            blank = not piece.text.strip()

            def rank(note: Note, piece: Piece = piece, blank: bool = blank) -> tuple:
                preferred = (note.kind == "whitespace") == blank
                return (not _fits(piece, note), not preferred, note.last - note.first)

            candidates = by_line.get(number)
            if candidates:
                piece.note = min(candidates, key=rank)
                continue
            for distance in (1, 2, 3):
                near = [n for d in (-distance, distance) for n in by_line.get(number + d, ()) if _fits(piece, n)]
                if near:
                    piece.note = min(near, key=rank)
                    break


def nl_lines(lines: list[str]) -> list[int]:
    """For each splitlines() line, its 1-based number counting "\\n" only (the header's count)."""
    numbers, n = [], 1
    for line in lines:
        numbers.append(n)
        n += line.count("\n")
    return numbers
