"""One document's page: its record, the input with every change marked in place, the
list of edits, and the clean text."""

from __future__ import annotations

from urllib.parse import quote

from ..outputs import REPORT, ManifestRecord
from .folder import STYLE, ReportError
from .html import CONTROLS, DOC_JS, VISIBLE, esc, page
from .parsing import DiffLog, Piece, label, mark, nl_lines, parse_difflog, reconstruct


def _piece_html(piece: Piece) -> str:
    if piece.kind == "eq":
        return esc(piece.text.removesuffix("\n"))
    blank = not piece.text.strip()
    # a removed blank line or space is shown by a symbol; a line's own end is the row's end
    shown = piece.text.translate(VISIBLE) if blank else piece.text.removesuffix("\n").translate(CONTROLS)
    note = piece.note
    if note is not None:
        attrs = f' title="{esc(note.label)}"'
    else:
        attrs = f' title="{esc(piece.hunk)}"' if piece.hunk else ""
    cls = ' class="ws"' if blank or (note is not None and note.kind == "whitespace") else ""
    return f"<{piece.kind}{cls}{attrs}>{esc(shown)}</{piece.kind}>"


def _marked_html(pieces: list[list[Piece]], anchors: set[int]) -> str:
    """One row per input line (numbered by a CSS counter); `anchors`: rows that get an id."""
    out = []
    seen: set[int] = set()
    for index, row in enumerate(pieces):
        text = "".join(_piece_html(p) for p in row)
        tags = []
        for piece in row:
            note = piece.note
            if note is None or id(note) in seen:
                continue
            seen.add(id(note))
            tags.append(
                f'<span class="tag k-{esc(note.kind)}">'
                f"{esc(note.cleaner)} · {esc(note.rule)}: {esc(note.reason)}</span>"
            )
        gone = bool(row) and all(p.kind == "del" for p in row)
        cls = "l gone" if gone else "l"
        anchor = f' id="L{index + 1}"' if index + 1 in anchors else ""
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


def render_document(record: ManifestRecord, clean: str | None, diff: str | None, depth: int) -> tuple[str, DiffLog]:
    """One document's page; also returns the parsed diff log (for the run's counts)."""
    source = record.get("source", "?")
    index = _rel(depth, REPORT)
    parts = [
        f'<header><p><a href="{esc(index)}">← run report</a></p><h1>{esc(source)}</h1>',
        f'<dl class="meta">{_meta_rows(record)}</dl>',
    ]
    if record.get("output") and clean is not None:
        parts.append(f'<p><a href="{esc(_rel(depth, quote(record["output"])))}">clean text file</a>')
        if record.get("diff") and diff is not None:
            parts.append(f' · <a href="{esc(_rel(depth, quote(record["diff"])))}">diff log</a>')
        parts.append("</p>")
    parts.append("</header><main>")
    log = DiffLog()
    style = _rel(depth - 1, STYLE)
    if clean is None:
        parts.append('<p class="note">No clean text for this document.</p></main>')
        return page(source, "\n".join(parts), DOC_JS, style), log
    problem = None
    if diff is not None:
        try:
            log = parse_difflog(diff)
            decoded = _decoded(clean, log, record.get("chars_before"))
        except ReportError as err:
            problem = str(err)
    else:
        problem = "no diff log was written for this document (write_diff = false)"
    rows: dict[int, int] = {}  # header line number -> row of the marked text
    if problem is None:
        try:
            lines, pieces = mark(decoded, log.hunks)
            label(lines, pieces, log.notes)
        except Exception as err:  # one odd document must not cost the run its report
            problem = f"{type(err).__name__}: {err}"
        else:
            for row, number in enumerate(nl_lines(lines), 1):
                rows.setdefault(number, row)
    if log.notes or log.byte_fixes or log.unparsed:
        parts.append(_edits_table(log, rows))
    parts.append(
        '<div class="tabs"><label><input type="radio" name="view" value="marked" checked> input with changes marked'
        '</label><label><input type="radio" name="view" value="clean"> clean text</label>'
        '<label><input type="checkbox" id="hide-rm"> hide removals</label>'
        '<label><input type="checkbox" id="hide-ws"> hide whitespace edits</label></div>'
    )
    if problem is None:
        anchors = {rows[n.first] for n in log.notes if n.first in rows}
        parts.append(f'<section id="marked" class="doc">{_marked_html(pieces, anchors)}</section>')
    else:
        body = "".join(esc(f"@@ {h.label}\n" + "".join(t + c for t, c in h.lines)) for h in log.hunks)
        parts.append(
            f'<section id="marked"><p class="note">The input cannot be shown with the changes in place: '
            f'{esc(problem)}. The diff log\'s hunks:</p><pre class="clean">{body}</pre></section>'
        )
    parts.append(f'<pre id="clean" class="clean" hidden>{esc(clean)}</pre></main>')
    return page(source, "\n".join(parts), DOC_JS, style), log


def _decoded(clean: str, log: DiffLog, chars_before: int | None) -> str:
    """The decoded input rebuilt from the clean file and the log; the .txt on disk
    has a final newline the cleaner's text may lack, so both are tried."""
    errors = []
    for text in (clean, clean[:-1]) if clean.endswith("\n") else (clean,):
        try:
            decoded = reconstruct(text, log.hunks)
        except ReportError as err:
            errors.append(str(err))
            continue
        if chars_before is None or len(decoded) == chars_before:
            return decoded
        errors.append(f"rebuilt {len(decoded)} characters, the manifest says {chars_before}")
    raise ReportError(errors[0])


def _edits_table(log: DiffLog, rows: dict[int, int]) -> str:
    out = []
    for note in log.notes:
        where = f"{note.first}" if note.first == note.last else f"{note.first}-{note.last}"
        if note.first in rows:
            where = f'<a href="#L{rows[note.first]}">{where}</a>'
        out.append(
            f"<tr><td>{where}</td><td>{esc(note.cleaner)}</td><td>{esc(note.rule)}</td><td>{esc(note.kind)}</td>"
            f"<td>{esc(note.reason)}</td></tr>"
        )
    out += [f'<tr><td></td><td colspan="4">{esc(line)}</td></tr>' for line in (*log.byte_fixes, *log.unparsed)]
    return (
        f'<details><summary>{len(log.notes)} edits (line numbers of the input)</summary><table class="edits">'
        "<thead><tr><th>line</th><th>cleaner</th><th>rule</th><th>kind</th><th>reason</th></tr></thead><tbody>"
        + "".join(out)
        + "</tbody></table></details>"
    )
