"""One document's view as data: its record, the input with every edit placed on it, the
list of edits, and the clean text; `document.js` draws the page from it in the browser.

The input is not stored again: it is rebuilt from the clean text and the document's
edit log (`marking`). A view whose edit log is missing (`[run] write_diff = false`, an
output folder of an older version) or does not fit says so, and shows the clean text.

Data, not HTML: the pages of a report are most of its cost (issue 15), and a page made
here as HTML cost more to escape and to write (one file each) than to place the edits.
As data, the views of many documents go in one file (`build`), and the browser, which
sets every text as text, escapes nothing it could miss.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from boilerstrip.cleaners import Edit
from boilerstrip.cleaners.output import editlog
from boilerstrip.cleaners.output.editlog import DECODER, EditLog

from ..outputs import NAME_MAX, ManifestRecord
from .marking import Lines, Piece, Unfit, mark, rebuild, rows
from .records import inside

KINDS = {"del": "d", "ins": "i"}  # a piece of a row: a string (kept), or [kind, text, edit]


def edit_log(out: Path, record: ManifestRecord, root: Path | None = None) -> tuple[EditLog | None, str]:
    """The document's edit log; or None, and why there is none to show (`root`: as `inside`'s)."""
    if "edit_log" not in record:
        return None, "it was cleaned by a version of boilerstrip that wrote no edit logs (the next run writes one)"
    name = record["edit_log"]
    if name is None:
        if record.get("diff") is None:
            return None, "no edit log was written for it ([run] write_diff = false)"
        return None, f"no edit log was written for it: its name would pass {NAME_MAX} bytes (see the diff log)"
    path = inside(out, name, root)
    if path is None:
        return None, f"its edit log {name} is not inside the output folder"
    try:
        return editlog.read(path), ""
    except OSError as err:
        return None, f"its edit log {name} cannot be read: {err.strerror or err}"
    except editlog.EditLogError as err:
        return None, f"its edit log {name} is not an edit log: {err}"


def _meta_rows(record: ManifestRecord) -> list[tuple[str, str]]:
    keys = [
        ("status", record.get("status")),
        ("source", record.get("source")),
        ("output", record.get("output")),
        ("format", record.get("format")),
        ("encoding", record.get("encoding")),
        ("language", f"{record.get('language')} ({record.get('language_prob', 0):.2f})"),
        ("characters", f"{record.get('chars_before', 0):,} → {record.get('chars_after', 0):,}"),
        ("words removed", f"{record.get('words_removed', 0):,} of {record.get('words_before', 0):,}"),
        ("edits", ", ".join(f"{k}: {v}" for k, v in sorted((record.get("edits") or {}).items())) or "none"),
    ]
    if record.get("needs_review"):
        keys.append(("needs review", record.get("review_reason")))
    if record.get("error"):
        keys.append(("error", record.get("error")))
    if record.get("reason"):
        keys.append(("skipped", record.get("reason")))
    extraction = record.get("extraction") or {}
    for key in ("title", "author", "date"):
        if extraction.get(key):
            keys.append((key, extraction[key]))
    return [(k, str(v)) for k, v in keys if v not in (None, "")]


def document_data(record: ManifestRecord, clean: str | None, log: EditLog | None, missing: str = "") -> dict[str, Any]:
    """One document's view (`missing`: why `log` is None). Keys: `source`, `meta` (rows
    of the header), `links` (name, address from the pages folder); with a clean text
    also `edits` (cleaner, rule, kind, reason, first and last line, row; the lines None
    when not placed), `order` (the edits in the order of the input), `fixes` (bytes the
    decoder could not read), and either `rows` (the input, a list of pieces per line:
    a kept string, or [`d`|`i`, text, edit]) with `nl` (the clean file's final newline
    the cleaner's text lacks), or `clean` and `problem` (why the input cannot be shown)."""
    data: dict[str, Any] = {"source": str(record.get("source", "?")), "meta": _meta_rows(record)}
    if not record.get("output") or clean is None:
        return data
    links = [("clean text file", record["output"]), ("diff log", record.get("diff"))]
    links.append(("edit log", record.get("edit_log") if log is not None else None))
    data["links"] = [(name, "../" + quote(target)) for name, target in links if target]
    problem = missing or "no edit log"
    where: list[tuple[int, int, int]] = []  # per edit: first and last line of the input, row of its anchor
    if log is not None:
        try:
            decoded, text = _decoded(clean, log.edits, record.get("chars_before"))
            pieces, spans = mark(decoded, log.edits)
            marked = rows(decoded, pieces)
        except Unfit as err:
            problem = f"the edit log does not fit the clean text: {err}"
        except Exception as err:  # one odd document must not cost the run its report
            problem = f"{type(err).__name__}: {err}"
        else:
            problem = ""
            where = _where(decoded, marked, log.edits, spans)
    if log is not None:
        data["edits"] = [
            [e.cleaner, e.rule, e.kind, e.reason, *(where[i] if where else (None, None, None))]
            for i, e in enumerate(log.edits)
        ]
        data["order"] = sorted(range(len(where)), key=where.__getitem__) if where else list(range(len(log.edits)))
        data["fixes"] = [f"{DECODER} byte {fix.offset}: {fix.raw} {fix.reason}" for fix in log.byte_fixes]
    if problem:
        data["problem"], data["clean"] = problem, clean
    else:
        data["rows"], data["nl"] = _rows_data(marked, log.edits if log else []), len(clean) - len(text)
    return data


def _rows_data(marked: list[list[Piece]], edits: list[Edit]) -> list[list[Any]]:
    number = {id(edit): i for i, edit in enumerate(edits)}
    return [[p.text if p.kind == "eq" else [KINDS[p.kind], p.text, number[id(p.edit)]] for p in row] for row in marked]


def _decoded(clean: str, edits: list[Edit], chars_before: int | None) -> tuple[str, str]:
    """The decoded input rebuilt from the clean file and the edit log, and the clean text
    it was rebuilt from: the .txt on disk has a final newline the cleaner's text may lack,
    so both are tried."""
    errors = []
    for text in (clean, clean[:-1]) if clean.endswith("\n") else (clean,):
        try:
            decoded = rebuild(text, edits)
        except Unfit as err:
            errors.append(str(err))
            continue
        if chars_before is None or len(decoded) == chars_before:
            return decoded, text
        errors.append(f"rebuilt {len(decoded)} characters, the manifest says {chars_before}")
    raise Unfit(errors[0])


def _where(
    decoded: str, marked: list[list[Piece]], edits: list[Edit], spans: list[tuple[int, int]]
) -> list[tuple[int, int, int]]:
    """Per edit: the first and last line of the input it removes from (or stands at),
    and the row that shows it first."""
    first_row: dict[int, int] = {}
    for number, row in enumerate(marked):
        for piece in row:
            if piece.edit is not None:
                first_row.setdefault(id(piece.edit), number)
    lines = Lines(decoded)
    out = []
    for edit, (start, end) in zip(edits, spans, strict=True):
        row = first_row.get(id(edit), lines.row(start))
        out.append((lines.line(start), lines.line(max(start, end - 1)), row))
    return out
