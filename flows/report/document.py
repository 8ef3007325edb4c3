"""One document's page: its record, the input with every edit marked in place and
labelled with its cleaner, rule and reason, the list of edits, and the clean text.

The input is not stored again: it is rebuilt from the clean text and the document's
edit log (`marking`). A page whose edit log is missing (`[run] write_diff = false`, an
output folder of an older version) or does not fit says so, and shows the clean text.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from boilerstrip.cleaners import Edit
from boilerstrip.cleaners.output import editlog
from boilerstrip.cleaners.output.editlog import DECODER, EditLog

from ..outputs import NAME_MAX, REPORT, ManifestRecord
from .folder import STYLE
from .html import CONTROLS, DOC_JS, VISIBLE, esc, page
from .marking import Lines, Piece, Unfit, mark, rebuild, rows
from .records import inside


def edit_log(out: Path, record: ManifestRecord) -> tuple[EditLog | None, str]:
    """The document's edit log; or None, and why there is none to show."""
    if "edit_log" not in record:
        return None, "it was cleaned by a version of boilerstrip that wrote no edit logs (the next run writes one)"
    name = record["edit_log"]
    if name is None:
        if record.get("diff") is None:
            return None, "no edit log was written for it ([run] write_diff = false)"
        return None, f"no edit log was written for it: its name would pass {NAME_MAX} bytes (see the diff log)"
    path = inside(out, name)
    if path is None:
        return None, f"its edit log {name} is not inside the output folder"
    try:
        return editlog.read(path), ""
    except OSError as err:
        return None, f"its edit log {name} cannot be read: {err.strerror or err}"
    except editlog.EditLogError as err:
        return None, f"its edit log {name} is not an edit log: {err}"


def _piece_html(piece: Piece) -> str:
    if piece.kind == "eq":
        return esc(piece.text.removesuffix("\n"))
    blank = not piece.text.strip()
    # a removed blank line or space is shown by a symbol; a line's own end is the row's end
    shown = piece.text.translate(VISIBLE) if blank else piece.text.removesuffix("\n").translate(CONTROLS)
    edit = piece.edit
    attrs = f' title="{esc(f"{edit.cleaner} {edit.rule}")}"' if edit is not None else ""
    cls = ' class="ws"' if blank or (edit is not None and edit.kind == "whitespace") else ""
    return f"<{piece.kind}{cls}{attrs}>{esc(shown)}</{piece.kind}>"


def _marked_html(marked: list[list[Piece]], anchors: set[int]) -> str:
    """One row per input line (numbered by a CSS counter); `anchors`: rows that get an id.
    Each edit's label (cleaner, rule, reason) follows the first row it touches."""
    out = []
    seen: set[int] = set()
    for index, row in enumerate(marked):
        text = "".join(_piece_html(p) for p in row)
        tags = []
        for piece in row:
            edit = piece.edit
            if edit is None or id(edit) in seen:
                continue
            seen.add(id(edit))
            tags.append(
                f'<span class="tag k-{esc(edit.kind)}">'
                f"{esc(edit.cleaner)} · {esc(edit.rule)}: {esc(edit.reason)}</span>"
            )
        gone = bool(row) and all(p.kind == "del" for p in row)
        cls = "l gone" if gone else "l"
        anchor = f' id="L{index + 1}"' if index in anchors else ""
        out.append(f'<div class="{cls}"{anchor}>{text}{"".join(tags)}</div>')
    return "\n".join(out)


def _rel(depth: int, target: str) -> str:
    return "../" * depth + target


def _meta_rows(record: ManifestRecord) -> str:
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
    return "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in keys if v not in (None, ""))


def render_document(
    record: ManifestRecord, clean: str | None, log: EditLog | None, depth: int, missing: str = ""
) -> str:
    """One document's page; `missing`: why `log` is None."""
    source = record.get("source", "?")
    index = _rel(depth, REPORT)
    parts = [
        f'<header><p><a href="{esc(index)}">← run report</a></p><h1>{esc(source)}</h1>',
        f'<dl class="meta">{_meta_rows(record)}</dl>',
    ]
    if record.get("output") and clean is not None:
        links = [("clean text file", record["output"]), ("diff log", record.get("diff"))]
        links.append(("edit log", record.get("edit_log") if log is not None else None))
        shown = [f'<a href="{esc(_rel(depth, quote(target)))}">{name}</a>' for name, target in links if target]
        parts.append(f"<p>{' · '.join(shown)}</p>")
    parts.append("</header><main>")
    style = _rel(depth - 1, STYLE)
    if clean is None:
        parts.append('<p class="note">No clean text for this document.</p></main>')
        return page(source, "\n".join(parts), DOC_JS, style)
    problem = missing or "no edit log"
    where: list[tuple[int, int, int]] = []  # per edit: first and last line of the input, row of its anchor
    if log is not None:
        try:
            decoded = _decoded(clean, log.edits, record.get("chars_before"))
            pieces, spans = mark(decoded, log.edits)
            marked = rows(decoded, pieces)
        except Unfit as err:
            problem = f"the edit log does not fit the clean text: {err}"
        except Exception as err:  # one odd document must not cost the run its report
            problem = f"{type(err).__name__}: {err}"
        else:
            problem = ""
            where = _where(decoded, marked, log.edits, spans)
    if log is not None and (log.edits or log.byte_fixes):
        parts.append(_edits_table(log, where))
    parts.append(
        '<div class="tabs"><label><input type="radio" name="view" value="marked" checked> input with changes marked'
        '</label><label><input type="radio" name="view" value="clean"> clean text</label>'
        '<label><input type="checkbox" id="hide-rm"> hide removals</label>'
        '<label><input type="checkbox" id="hide-ws"> hide whitespace edits</label></div>'
    )
    if not problem:
        anchors = {row for _, _, row in where}
        parts.append(f'<section id="marked" class="doc">{_marked_html(marked, anchors)}</section>')
    else:
        parts.append(
            f'<section id="marked"><p class="note">The input cannot be shown with the changes in place: '
            f"{esc(problem)}. The clean text is shown instead.</p></section>"
        )
    hidden = "" if problem else " hidden"
    parts.append(f'<pre id="clean" class="clean"{hidden}>{esc(clean)}</pre></main>')
    return page(source, "\n".join(parts), DOC_JS, style)


def _decoded(clean: str, edits: list[Edit], chars_before: int | None) -> str:
    """The decoded input rebuilt from the clean file and the edit log; the .txt on disk
    has a final newline the cleaner's text may lack, so both are tried."""
    errors = []
    for text in (clean, clean[:-1]) if clean.endswith("\n") else (clean,):
        try:
            decoded = rebuild(text, edits)
        except Unfit as err:
            errors.append(str(err))
            continue
        if chars_before is None or len(decoded) == chars_before:
            return decoded
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


def _edits_table(log: EditLog, where: list[tuple[int, int, int]]) -> str:
    """The edits in the order of the input (in the order made when they could not be
    placed), and the bytes the decoder could not read."""
    out = []
    order = sorted(range(len(log.edits)), key=lambda i: where[i]) if where else range(len(log.edits))
    for i in order:
        edit = log.edits[i]
        cell = ""
        if where:
            first, last, row = where[i]
            cell = f'<a href="#L{row + 1}">{first if first == last else f"{first}-{last}"}</a>'
        out.append(
            f"<tr><td>{cell}</td><td>{esc(edit.cleaner)}</td><td>{esc(edit.rule)}</td><td>{esc(edit.kind)}</td>"
            f"<td>{esc(edit.reason)}</td></tr>"
        )
    out += [
        f'<tr><td></td><td colspan="4">{esc(f"{DECODER} byte {fix.offset}: {fix.raw} {fix.reason}")}</td></tr>'
        for fix in log.byte_fixes
    ]
    return (
        f'<details><summary>{len(log.edits)} edits (line numbers of the input)</summary><table class="edits">'
        "<thead><tr><th>line</th><th>cleaner</th><th>rule</th><th>kind</th><th>reason</th></tr></thead><tbody>"
        + "".join(out)
        + "</tbody></table></details>"
    )
