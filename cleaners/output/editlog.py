"""The edit log: one document's edits as data, one JSON object a line.

The diff log is for people and `patch`; this is for programs (the run report reads it).
Each edit is a line with the keys of `KEYS`, in the order the edits were made: its
cleaner, rule, reason and kind, `removed` and `replacement`, and where: `start`/`end`
and `line_start`/`line_end` index the input of the step that made it, so replaying the
lines on the decoded input (`cleaners.replay`) gives the clean text. Bytes the decoder
could not read come first, as lines with the keys of `BYTE_KEYS` (`offset` in the raw
bytes, `raw` in hex) and no `step`: they happened before the decoded text, and are
not replayed.

Golden files' `expected-edits.jsonl` is this format too (their edits only).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BoilerstripError
from ..input.decode import VERSION as DECODE_VERSION
from ..model import ByteFix, Edit

KEYS = (
    "step",
    "cleaner",
    "rule",
    "reason",
    "kind",
    "line_start",
    "line_end",
    "start",
    "end",
    "removed",
    "replacement",
)
BYTE_KEYS = ("cleaner", "rule", "reason", "kind", "offset", "raw")
DECODER = DECODE_VERSION  # the name the diff log gives the decoder's byte fixes


class EditLogError(BoilerstripError, ValueError):
    """A text that is not an edit log."""


@dataclass(slots=True)
class EditLog:
    edits: list[Edit] = field(default_factory=list)
    byte_fixes: list[ByteFix] = field(default_factory=list)


def dumps(edits: Sequence[Edit], byte_fixes: Sequence[ByteFix] = ()) -> str:
    rows = [
        {"cleaner": DECODER, "rule": "byte", "reason": fix.reason, "kind": "fix", "offset": fix.offset, "raw": fix.raw}
        for fix in byte_fixes
    ]
    rows += [{key: getattr(edit, key) for key in KEYS} for edit in edits]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def loads(text: str) -> EditLog:
    log = EditLog()
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines: U+2028 may stand in a string
        if not line:
            continue
        try:
            row = json.loads(line)
            if "step" in row:
                log.edits.append(Edit(**{key: row[key] for key in KEYS}))
            else:
                log.byte_fixes.append(ByteFix(row["offset"], row["raw"], row["reason"]))
        except (ValueError, KeyError, TypeError) as err:
            raise EditLogError(f"line {number}: not an edit: {err}") from None
    return log


def write(path: str | Path, edits: Sequence[Edit], byte_fixes: Sequence[ByteFix] = ()) -> None:
    """Write the log (the flow writes `dumps` itself, atomically). Text that is not
    UTF-8 (a lone surrogate from undecodable str input) is written as the diff log
    writes it."""
    Path(path).write_bytes(dumps(edits, byte_fixes).encode("utf-8", "surrogateescape"))


def read(path: str | Path) -> EditLog:
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return loads(handle.read())
