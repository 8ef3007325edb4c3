"""The run report: `OUT/report.html` and one page per document under `OUT/report/`.

Everything comes from what a run leaves in the output folder: `manifest.jsonl`,
each clean `.txt` and its `.diff` log. The diff log is a unified diff from the
decoded input to the clean text, so applying its hunks backwards to the clean
text gives the decoded input back; that is checked line by line against the
hunks' context and against the manifest's `chars_before`, and a page says so
when it cannot be done (it then shows the log's hunks as they are).

The index is one self-contained page (inline CSS and JavaScript, the table's data
as compact embedded JSON, paginated in the browser): for 10,000 documents it is
under 1 MB and opens in about 0.15 s. Each document's view is its own small file
(with one shared stylesheet). No network, no external assets: it works from
`file://`. Every piece of text from the corpus
(file names, article text, reasons) is HTML-escaped, and the embedded JSON has
`<`, `>` and `&` escaped, so an article containing markup shows it as text.

Standard library only.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import quote

from .files import write_atomic
from .outputs import MANIFEST, PAGES, REPORT, SETTINGS, SUMMARY, ManifestRecord, Status

MARKER = ".boilerstrip-report"
STAGING, OLD = ".report-staging-", ".report-old-"  # + pid: pages being written, pages being replaced
STYLE = "report.css"  # in the pages folder, shared by the pages (no page is named *.css)
PAGE_SIZE = 50
MAX_CHAR_DIFF = 250_000  # product of the lengths above which a changed block is shown whole, not char by char


class ReportError(Exception):
    """The output folder cannot be reported on (no manifest, ...)."""


# --------------------------------------------------------------------------- the diff log


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
    starts = _nl_lines(lines) if any(not ln.endswith("\n") for ln in lines[:-1]) else None
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


def _nl_lines(lines: list[str]) -> list[int]:
    """For each splitlines() line, its 1-based number counting "\\n" only (the header's count)."""
    numbers, n = [], 1
    for line in lines:
        numbers.append(n)
        n += line.count("\n")
    return numbers


# --------------------------------------------------------------------------- HTML

_SURROGATE = re.compile("[\ud800-\udfff]")


def esc(text: object) -> str:
    """HTML-escape anything shown (quotes too, so it is safe in attributes)."""
    return html.escape(_SURROGATE.sub("\ufffd", str(text)), quote=True)


def embed_json(value: object) -> str:
    """JSON for a <script type="application/json"> block: no "<", ">" or "&" left to
    end the block or open a comment; JSON.parse reads the escapes back."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = _SURROGATE.sub("\ufffd", text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_CONTROLS = {c: 0x2400 + c for c in range(32) if c not in (9, 10)} | {0x7F: 0x2421}  # as control pictures
_VISIBLE = str.maketrans({"\n": "↵", "\t": "⇥", " ": "·", "\xa0": "⍽", "\u2028": "⤶", "\u2029": "¶"} | _CONTROLS)

CSS = """
:root{--fg:#1d2126;--mute:#5f6b76;--line:#d9dee3;--bg:#fff;--soft:#f4f6f8;--rm:#c0392b;--rmbg:#fdecea;
--ins:#1e7b34;--insbg:#e6f4ea;--ws:#8a94a0;--acc:#1f5fa8;--warn:#b9770e}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main{max-width:1200px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:22px;margin:0 0 4px;word-break:break-all}
h2{font-size:16px;margin:22px 0 8px}
a{color:var(--acc)}
.mute{color:var(--mute)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:120px;background:var(--soft)}
.card b{display:block;font-size:20px}
.card span{color:var(--mute);font-size:12px}
.card.warn b{color:var(--warn)}
.card.bad b{color:var(--rm)}
.charts{display:grid;grid-template-columns:1fr 1.5fr .6fr;gap:8px 28px}
@media (max-width:900px){.charts{grid-template-columns:1fr}}
.bars{margin:0;padding:0;list-style:none;max-height:340px;overflow:auto}
.bars li{display:grid;grid-template-columns:minmax(120px,50%) 1fr;gap:8px;align-items:center;margin:2px 0}
.bars button{all:unset;cursor:pointer;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-size:12.5px}
.bars button:hover{text-decoration:underline}
.bars small{color:var(--mute)}
.bars li>span:first-child{font-size:12.5px}
.bar{display:flex;align-items:center;font-size:12px;color:var(--mute)}
.bar i{display:block;height:12px;min-width:0}
.bar i.rm{background:var(--rm)}
.bar i.ot{background:#b8c2cc;margin-right:6px}
.filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;margin:10px 0;padding:10px;
background:var(--soft);border-radius:8px}
.filters input[type=search]{min-width:240px;padding:4px 8px}
.filters select{max-width:300px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
#docs th{cursor:pointer;user-select:none;white-space:nowrap;background:var(--soft)}
th.num,td.num{text-align:right}
th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}
td.name{word-break:break-all}
.st-failed{color:var(--rm);font-weight:600}
.st-skipped-empty{color:var(--mute)}
.st-skipped-unchanged{color:var(--mute)}
.flag{color:var(--warn)}
.pager{display:flex;gap:10px;align-items:center;margin:10px 0 30px}
.doc{font:13px/1.55 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border:1px solid var(--line);
border-radius:8px;padding:8px 0;overflow-x:auto;margin-bottom:30px}
.doc{counter-reset:l}
.l{padding:0 10px 0 5.2em;text-indent:-4.4em;white-space:pre-wrap;word-break:break-word;min-height:1.55em}
.l::before{counter-increment:l;content:counter(l);display:inline-block;width:3.4em;margin-right:1em;text-align:right;
color:var(--ws);text-indent:0}
.l:target{background:#fff7d6}
del{color:var(--rm);background:var(--rmbg);text-decoration:line-through;text-decoration-color:var(--rm)}
ins{color:var(--ins);background:var(--insbg);text-decoration:none}
del.ws,ins.ws{color:var(--ws);background:none;text-decoration:none}
.l.gone{background:#fff6f5}
.tag{display:inline-block;text-indent:0;margin:0 0 0 10px;padding:0 6px;border-radius:10px;
font:11.5px/1.6 system-ui,sans-serif;background:var(--rmbg);color:var(--rm);white-space:normal}
.tag.k-whitespace,.tag.k-fix{background:var(--soft);color:var(--mute)}
.hide-rm del,.hide-rm .l.gone,.hide-rm .tag,.hide-rm ins.ws{display:none}
.hide-ws .k-whitespace,.hide-ws del.ws,.hide-ws ins.ws{display:none}
pre.clean{white-space:pre-wrap;word-break:break-word;font:13px/1.55 ui-monospace,Menlo,Consolas,monospace;
border:1px solid var(--line);border-radius:8px;padding:10px;margin-bottom:30px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
.meta dt{color:var(--mute)}
.meta dd{margin:0;word-break:break-all}
.edits td{font-size:12.5px}
.edits code{word-break:break-all}
.note{padding:8px 12px;border-radius:6px;background:#fff6e0}
.tabs{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:10px 0}
[hidden]{display:none!important}
"""

INDEX_JS = """
(function(){
const D=JSON.parse(document.getElementById('data').textContent);
const $=s=>document.querySelector(s);
const S={q:'',cleaner:-1,rule:-1,flagged:false,failed:false,sort:0,dir:1,page:0};
const C=D.columns;
function href(d){return d[C.href]||(D.pages+'/'+d[C.source].split('/').map(encodeURIComponent).join('/')+'.html');}
function keep(d){
 if(S.flagged&&!d[C.flags])return false;
 if(S.failed&&d[C.status]!=='failed')return false;
 if(S.cleaner>=0&&d[C.cleaners].indexOf(S.cleaner)<0)return false;
 if(S.rule>=0&&d[C.rules].indexOf(S.rule)<0)return false;
 if(S.q){const q=S.q;if((d[C.source]+' '+d[C.flags]+' '+d[C.error]).toLowerCase().indexOf(q)<0)return false;}
 return true;}
const KEYS=[C.source,C.language,C.share,C.edits,C.flags,C.status];
function rows(){
 const k=KEYS[S.sort],r=D.docs.filter(keep);
 r.sort((a,b)=>{const x=a[k],y=b[k];return (x<y?-1:x>y?1:(a[C.source]<b[C.source]?-1:1))*S.dir;});
 return r;}
function cell(tr,text,cls){const td=document.createElement('td');td.textContent=text;if(cls)td.className=cls;
 tr.appendChild(td);return td;}
function render(){
 const r=rows(),pages=Math.max(1,Math.ceil(r.length/D.pageSize));
 if(S.page>=pages)S.page=pages-1;
 const body=$('#docs tbody'),frag=document.createDocumentFragment();
 for(const d of r.slice(S.page*D.pageSize,(S.page+1)*D.pageSize)){
  const tr=document.createElement('tr');
  const td=cell(tr,'','name'),a=document.createElement('a');a.href=href(d);a.textContent=d[C.source];td.appendChild(a);
  cell(tr,d[C.language]);
  const idle=d[C.status]==='failed'||d[C.status]==='skipped-empty';
  cell(tr,idle?'':(d[C.share]*100).toFixed(1)+' %','num');
  cell(tr,idle?'':String(d[C.edits]),'num');
  cell(tr,d[C.flags]||d[C.error],d[C.flags]?'flag':'');
  cell(tr,d[C.status],'st-'+d[C.status]);
  frag.appendChild(tr);}
 body.replaceChildren(frag);
 $('#shown').textContent=r.length+' of '+D.docs.length+' documents';
 $('#page').textContent='page '+(S.page+1)+' of '+pages;
 $('#prev').disabled=S.page===0;$('#next').disabled=S.page>=pages-1;
 document.querySelectorAll('#docs th').forEach((th,i)=>{
  if(i===S.sort)th.setAttribute('aria-sort',S.dir>0?'ascending':'descending');else th.removeAttribute('aria-sort');});}
function fill(sel,names){names.forEach((n,i)=>{const o=document.createElement('option');o.value=i;o.textContent=n;
 sel.appendChild(o);});}
fill($('#f-cleaner'),D.cleaners);fill($('#f-rule'),D.rules.map(r=>r[0]+' '+r[1]));
const set=(k,v)=>{S[k]=v;S.page=0;render();};
$('#q').addEventListener('input',e=>set('q',e.target.value.trim().toLowerCase()));
$('#f-cleaner').addEventListener('change',e=>set('cleaner',+e.target.value));
$('#f-rule').addEventListener('change',e=>set('rule',+e.target.value));
$('#f-flagged').addEventListener('change',e=>set('flagged',e.target.checked));
$('#f-failed').addEventListener('change',e=>set('failed',e.target.checked));
$('#prev').addEventListener('click',()=>{S.page--;render();});
$('#next').addEventListener('click',()=>{S.page++;render();});
document.querySelectorAll('#docs th').forEach((th,i)=>th.addEventListener('click',()=>{
 S.dir=S.sort===i?-S.dir:(i===2||i===3?-1:1);S.sort=i;render();}));
document.querySelectorAll('[data-cleaner]').forEach(b=>b.addEventListener('click',()=>{
 $('#f-cleaner').value=b.dataset.cleaner;set('cleaner',+b.dataset.cleaner);$('#documents').scrollIntoView();}));
document.querySelectorAll('[data-rule]').forEach(b=>b.addEventListener('click',()=>{
 $('#f-rule').value=b.dataset.rule;set('rule',+b.dataset.rule);$('#documents').scrollIntoView();}));
render();
})();
"""

DOC_JS = """
(function(){
const b=document.body,sw=(id,cls)=>{const e=document.getElementById(id);if(e)e.addEventListener('change',
 ()=>b.classList.toggle(cls,e.checked));};
sw('hide-rm','hide-rm');sw('hide-ws','hide-ws');
document.querySelectorAll('input[name=view]').forEach(r=>r.addEventListener('change',()=>{
 document.getElementById('marked').hidden=r.value!=='marked'&&r.checked;
 document.getElementById('clean').hidden=r.value!=='clean'&&r.checked;}));
})();
"""


def _page(title: str, body: str, script: str, stylesheet: str | None = None) -> str:
    """A page whose only script is its own (allowed by its hash: defence in depth on
    top of escaping); styles inline, or from the pages' shared stylesheet."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    policy = f"script-src 'sha256-{digest}'; object-src 'none'; base-uri 'none'; form-action 'none'"
    style = f'<link rel="stylesheet" href="{esc(stylesheet)}">' if stylesheet else f"<style>{CSS}</style>"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f"<title>{esc(title)}</title>{style}</head>\n<body>\n{body}\n<script>{script}</script>\n</body></html>\n"
    )


def _piece_html(piece: Piece) -> str:
    if piece.kind == "eq":
        return esc(piece.text.removesuffix("\n"))
    blank = not piece.text.strip()
    # a removed blank line or space is shown by a symbol; a line's own end is the row's end
    shown = piece.text.translate(_VISIBLE) if blank else piece.text.removesuffix("\n").translate(_CONTROLS)
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


def _meta_rows(record: dict) -> str:
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


def render_document(record: dict, clean: str | None, diff: str | None, depth: int) -> tuple[str, DiffLog]:
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
        return _page(source, "\n".join(parts), DOC_JS, style), log
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
            for row, number in enumerate(_nl_lines(lines), 1):
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
    return _page(source, "\n".join(parts), DOC_JS, style), log


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


# --------------------------------------------------------------------------- the run


def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
            return handle.read()
    except OSError:
        return None


def _page_path(source: str, used: set[str]) -> str:
    """report/<source>.html, unless the name cannot be one (too long, not UTF-8, taken)."""
    name = source + ".html"
    parts = name.split("/")
    ok = (
        not _SURROGATE.search(name)
        and all(p not in ("", ".", "..") and len(p.encode()) <= 255 for p in parts)
        and name not in used
        and not any("/".join(parts[:i]) in used for i in range(1, len(parts)))
    )
    if not ok:
        name = "_/" + hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()[:20] + ".html"
    used.add(name)
    for i in range(1, len(parts)):
        used.add("/".join(parts[:i]) + "/")  # folders: a later page may not be a file of that name
    return name


def _pages_dir(out: Path, records: Iterable[dict]) -> str:
    """A folder of our own for the pages: never one that holds the run's outputs."""
    taken = {r[key].split("/", 1)[0] for r in records for key in ("output", "diff") if r.get(key) and "/" in r[key]}
    for name in (PAGES, *(f"{PAGES}-pages-{n}" for n in range(1, 100))):
        if name in taken:
            continue
        path = out / name
        if not path.exists() or (not path.is_symlink() and (path / MARKER).is_file()):
            return name
    raise ReportError(f"no free folder name for the report pages in {out}")


def _sweep(out: Path) -> None:
    """Remove what a report killed half-way left behind (its staging or old pages)."""
    for entry in out.iterdir():
        if entry.name.startswith((STAGING, OLD)) and entry.is_dir() and not entry.is_symlink() and _ours(entry):
            shutil.rmtree(entry)


def _ours(folder: Path) -> bool:
    """Only a folder of report pages (and nothing else) may be replaced."""
    for _, _, files in os.walk(folder):
        if any(not (f.endswith(".html") or f in (MARKER, STYLE)) for f in files):
            return False
    return True


def manifest_records(out: Path) -> Iterator[ManifestRecord]:
    """The manifest's records, one at a time (a run's manifest can be large)."""
    path = out / MANIFEST
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                yield json.loads(line)
            except json.JSONDecodeError as err:
                raise ReportError(f"{path}:{number}: not JSON: {err}") from err


@dataclass
class Totals:
    documents: int = 0
    status: Counter = field(default_factory=Counter)
    flagged: int = 0
    chars_before: int = 0
    chars_after: int = 0
    words_removed: int = 0
    removals: int = 0
    cleaners: Counter = field(default_factory=Counter)  # edits per cleaner, from the manifest
    removals_by_cleaner: Counter = field(default_factory=Counter)  # removal edits, from the diff logs
    rules: Counter = field(default_factory=Counter)  # (cleaner, rule, kind) -> edits, from the diff logs
    languages: Counter = field(default_factory=Counter)

    def add(self, record: dict, log: DiffLog) -> None:
        self.documents += 1
        self.status[record.get("status")] += 1
        if record.get("status") in (Status.FAILED, Status.EMPTY):
            return
        self.flagged += bool(record.get("needs_review"))
        self.chars_before += record.get("chars_before", 0)
        self.chars_after += record.get("chars_after", 0)
        self.words_removed += record.get("words_removed", 0)
        self.removals += record.get("removals", 0)
        self.cleaners.update(record.get("edits") or {})
        self.languages[record.get("language") or "unknown"] += 1
        for note in log.notes:
            self.rules[(note.cleaner, note.rule, note.kind)] += 1
            if note.kind == "removal":
                self.removals_by_cleaner[note.cleaner] += 1


COLUMNS = ["source", "href", "language", "share", "edits", "removals", "flags", "status", "error", "cleaners", "rules"]


CHUNK = 200  # documents a worker process renders at a time


@dataclass(slots=True)
class _Rendered:
    """What the index needs of a rendered page: the parsed log's edit notes."""

    notes: list[Note]


def _render_pages(out: Path, staging: Path, work: list[tuple[dict, str]]) -> list[_Rendered]:
    """Render and write the pages of some documents (in a worker process, or here)."""
    done = []
    for record, name in work:
        clean = _read(out / record["output"]) if record.get("output") else None
        diff = _read(out / record["diff"]) if record.get("diff") and clean is not None else None
        page, log = render_document(record, clean, diff, name.count("/") + 1)
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page.encode("utf-8"))
        done.append(_Rendered(log.notes))
    return done


def _rendered(out: Path, staging: Path, records: Iterator[dict], used: set[str], pool) -> Iterator:
    """(record, page name, rendered) in manifest order; pages rendered by `pool` (an
    Executor) a chunk at a time, at most two chunks per worker ahead, when there is one."""
    named = ((record, _page_path(str(record.get("source", "")), used)) for record in records)
    if pool is None:
        for record, name in named:
            yield record, name, _render_pages(out, staging, [(record, name)])[0]
        return
    from collections import deque
    from itertools import islice

    pending: deque = deque()
    ahead = 2 * max(1, getattr(pool, "_max_workers", 1))
    while True:
        chunk = list(islice(named, CHUNK))
        if chunk:
            pending.append((chunk, pool.submit(_render_pages, out, staging, chunk)))
        if pending and (len(pending) >= ahead or not chunk):
            chunk_done, future = pending.popleft()
            for (record, name), rendered in zip(chunk_done, future.result(), strict=True):
                yield record, name, rendered
        if not chunk and not pending:
            return


def write_report(out_dir: str | Path, pool=None) -> Path:
    """Write OUT/report.html and OUT/report/<source>.html for every manifest record.
    The same folder gives the same report, byte for byte (no dates, no absolute paths),
    whether `pool` (a process pool that renders pages in parallel) is given or not."""
    out = Path(out_dir)
    if not (out / MANIFEST).is_file():
        raise ReportError(f"{out / MANIFEST} does not exist: run `boilerstrip clean` first")
    pages = _pages_dir(out, manifest_records(out))
    _sweep(out)
    staging = out / f"{STAGING}{os.getpid()}"
    staging.mkdir()
    (staging / MARKER).write_text("boilerstrip report pages: this folder is replaced by every report\n")
    (staging / STYLE).write_text(CSS, encoding="utf-8")
    totals = Totals()
    cleaner_ids: dict[str, int] = {}
    rule_ids: dict[tuple[str, str, str], int] = {}
    docs = []
    used: set[str] = set()
    try:
        for record, name, log in _rendered(out, staging, manifest_records(out), used, pool):
            source = str(record.get("source", ""))
            totals.add(record, log)
            failed = record.get("status") == Status.FAILED
            words = record.get("words_before") or 0
            default = not name.startswith("_/")
            docs.append(
                [
                    source,
                    0 if default else f"{pages}/{quote(name)}",
                    record.get("language") or ("" if failed else "unknown"),
                    round(record.get("words_removed", 0) / words, 4) if words else 0,
                    sum((record.get("edits") or {}).values()),
                    record.get("removals", 0),
                    (record.get("review_reason") or "needs review") if record.get("needs_review") else "",
                    record.get("status", ""),
                    record.get("error") or record.get("reason") or "",
                    sorted(cleaner_ids.setdefault(c, len(cleaner_ids)) for c in (record.get("edits") or {})),
                    sorted({rule_ids.setdefault((n.cleaner, n.rule, n.kind), len(rule_ids)) for n in log.notes}),
                ]
            )
        old = out / f"{OLD}{os.getpid()}"
        final = out / pages
        if final.exists():
            if not _ours(final):
                raise ReportError(f"{final} holds files that are not report pages; not replacing it")
            os.replace(final, old)
        os.replace(staging, final)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    index = render_index(totals, docs, list(cleaner_ids), list(rule_ids), pages)
    path = out / REPORT
    write_atomic(path, index.encode("utf-8"))
    return path


def _bars(items: list[tuple[str, str, int, int, int | str]], attr: str, unit: str) -> str:
    """Bars of (name, name as HTML, total, the part that is removals, data-attribute value)."""
    if not items:
        return '<p class="mute">none</p>'
    top = max(item[2] for item in items) or 1
    rows = []
    for name, shown, total, part, key in items:
        whole = 85 * total / top  # leave room for the number
        red = whole * part / total if total else 0
        title = esc(f"{name}: {total} {unit}" + (f", {part} removals" if part else ""))
        if attr:
            label = f'<button type="button" {attr}="{key}" title="{title}">{shown}</button>'
        else:
            label = f'<span title="{title}">{shown}</span>'
        rows.append(
            f'<li>{label}<span class="bar"><i class="rm" style="width:{red:.2f}%"></i>'
            f'<i class="ot" style="width:{whole - red:.2f}%"></i>{total:,}</span></li>'
        )
    return f'<ul class="bars">{"".join(rows)}</ul>'


def render_index(
    totals: Totals,
    docs: list[list],
    cleaners: list[str],
    rules: list[tuple[str, str, str]],
    pages: str,
) -> str:
    s = totals.status
    removed = totals.chars_before - totals.chars_after
    share = removed / totals.chars_before if totals.chars_before else 0
    cards = [
        ("documents", totals.documents, "", "documents"),
        ("cleaned", s[Status.CLEANED], "", "cleaned in this run"),
        ("skipped", s[Status.SKIPPED], "", "unchanged, skipped"),
        ("empty", s[Status.EMPTY], "", "empty, skipped"),
        ("failed", s[Status.FAILED], "bad" if s[Status.FAILED] else "", "failed"),
        ("flagged", totals.flagged, "warn" if totals.flagged else "", "flagged for review"),
        ("chars-removed", f"{removed:,}", "", f"characters removed ({share:.1%})"),
        ("words-removed", f"{totals.words_removed:,}", "", "words removed"),
        ("removals", f"{totals.removals:,}", "", "removals"),
    ]
    card_html = "".join(
        f'<div class="card {cls}"><b id="count-{key}">{esc(value)}</b><span>{esc(text)}</span></div>'
        for key, value, cls, text in cards
    )
    cleaner_index = {name: i for i, name in enumerate(cleaners)}
    by_cleaner = [
        (name, esc(name), count, totals.removals_by_cleaner.get(name, 0), cleaner_index.get(name, -1))
        for name, count in sorted(totals.cleaners.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    rule_index = {key: i for i, key in enumerate(rules)}
    by_rule = [
        (f"{c} {r}", f"{esc(r)} <small>{esc(c)}</small>", count, count if k == "removal" else 0, rule_index[(c, r, k)])
        for (c, r, k), count in sorted(totals.rules.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    languages = [
        (lang, esc(lang), n, 0, "") for lang, n in sorted(totals.languages.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    data = {
        "columns": {name: i for i, name in enumerate(COLUMNS)},
        "pages": pages,
        "pageSize": PAGE_SIZE,
        "cleaners": cleaners,
        "rules": [[c, r, k] for c, r, k in rules],
        "docs": docs,
    }
    body = f"""<header><h1>boilerstrip run report</h1>
<p class="mute">{totals.documents:,} documents in this folder · <a href="{MANIFEST}">{MANIFEST}</a> ·
<a href="{SUMMARY}">{SUMMARY}</a> · <a href="{SETTINGS}">{SETTINGS}</a></p>
</header><main>
<section id="overview"><div class="cards">{card_html}</div>
<p class="mute">Characters {totals.chars_before:,} → {totals.chars_after:,}. Counts cover every document in the
output folder (cleaned in this run or unchanged from an earlier one). Bars: red is removed content, grey whitespace
and encoding fixes. Click a cleaner or rule to filter the table.</p>
<div class="charts"><div><h2>Edits per cleaner</h2>{_bars(by_cleaner, "data-cleaner", "edits")}</div>
<div><h2>Edits per rule</h2>{_bars(by_rule, "data-rule", "edits")}</div>
<div><h2>Languages</h2>{_bars(languages, "", "documents")}</div></div></section>
<section id="documents"><h2>Documents</h2>
<div class="filters"><input type="search" id="q" placeholder="search names, flags, errors" aria-label="search">
<label>cleaner <select id="f-cleaner"><option value="-1">any</option></select></label>
<label>rule <select id="f-rule"><option value="-1">any</option></select></label>
<label><input type="checkbox" id="f-flagged"> flagged only</label>
<label><input type="checkbox" id="f-failed"> failed only</label>
<span id="shown" class="mute"></span></div>
<noscript><p class="note">The table needs JavaScript; the pages are in the folder {esc(pages)}/.</p></noscript>
<table id="docs"><thead><tr><th>document</th><th>language</th><th class="num">share removed</th>
<th class="num">edits</th><th>flags</th><th>status</th></tr></thead><tbody></tbody></table>
<div class="pager"><button type="button" id="prev">← previous</button><span id="page"></span>
<button type="button" id="next">next →</button></div></section></main>
<script type="application/json" id="data">{embed_json(data)}</script>"""
    return _page("boilerstrip run report", body, INDEX_JS)


def report_section(out_dir: str | Path, logger=None, pool=None) -> str:
    """Write the report at the end of a run; markdown that links it, for the run's
    Prefect artifact. A report that cannot be written is logged, not fatal: the
    cleaning is done and recorded by then."""
    try:
        path = write_report(out_dir, pool)
    except Exception as err:  # the run's outputs stand without it
        if logger is not None:
            logger.error("run report not written: %s: %s", type(err).__name__, err)
        return f"\nThe run report could not be written: {type(err).__name__}: {err}\n"
    uri = path.resolve().as_uri()
    return (
        f"\n## Run report\n\n[{path.name}]({uri}): `{uri}`\n\n"
        "A browser opens it from disk (browsers do not follow file:// links from a web page: copy the address).\n"
    )
