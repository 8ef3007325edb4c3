"""The index page: the run's totals, bars per cleaner, rule and language, and the table
of documents (its data embedded as JSON, drawn, filtered and paged by index.js)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..manifest import Summary
from ..outputs import MANIFEST, SETTINGS, SUMMARY, ManifestRecord, Status
from .folder import SHELL
from .html import INDEX_JS, embed_json, esc, page

PAGE_SIZE = 50


@dataclass
class Totals:
    """The overview's numbers: the run summary's totals (`Summary`, here over every
    record in the folder, whichever run cleaned it), and what only the report counts."""

    summary: Summary = field(default_factory=Summary)
    cleaners: Counter = field(default_factory=Counter)  # edits per cleaner of every document (Summary: this run's)
    removals: int = 0
    removals_by_cleaner: Counter = field(default_factory=Counter)  # removal edits, from the edit logs
    rules: Counter = field(default_factory=Counter)  # (cleaner, rule, kind) -> edits, from the edit logs

    def add(self, record: ManifestRecord, rules: Counter) -> None:
        self.summary.add([record])
        if record.get("status") in (Status.FAILED, Status.EMPTY):
            return
        self.removals += record.get("removals", 0)
        self.cleaners.update(record.get("edits") or {})
        self.rules.update(rules)
        for (cleaner, _, kind), count in rules.items():
            if kind == "removal":
                self.removals_by_cleaner[cleaner] += count


COLUMNS = ["source", "language", "share", "edits", "removals", "flags", "status", "error", "cleaners", "rules"]


class Index:
    """The index, built one document at a time in manifest order: the totals, and a row
    of the table per document (cleaners and rules as numbers into the lists of names)."""

    def __init__(self) -> None:
        self.totals = Totals()
        self.cleaners: dict[str, int] = {}
        self.rules: dict[tuple[str, str, str], int] = {}
        self.docs: list[list] = []

    def add(self, record: ManifestRecord, rules: Counter) -> None:
        """The next document of the manifest (its page: the document page with `?n=` its
        place); `rules`: its edits per (cleaner, rule, kind)."""
        self.totals.add(record, rules)
        failed = record.get("status") == Status.FAILED
        words = record.get("words_before") or 0
        self.docs.append(
            [
                str(record.get("source", "")),
                record.get("language") or ("" if failed else "unknown"),
                round(record.get("words_removed", 0) / words, 4) if words else 0,
                sum((record.get("edits") or {}).values()),
                record.get("removals", 0),
                (record.get("review_reason") or "needs review") if record.get("needs_review") else "",
                record.get("status", ""),
                record.get("error") or record.get("reason") or "",
                sorted(self.cleaners.setdefault(c, len(self.cleaners)) for c in (record.get("edits") or {})),
                sorted(self.rules.setdefault(key, len(self.rules)) for key in rules),
            ]
        )

    def render(self, pages: str) -> str:
        """The index page; `pages`: the folder of the document page and the data files."""
        return render_index(self.totals, self.docs, list(self.cleaners), list(self.rules), pages)


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
    summary = totals.summary
    s, flagged = summary.status, len(summary.flagged)
    removed = summary.chars_before - summary.chars_after
    share = removed / summary.chars_before if summary.chars_before else 0
    cards = [
        ("documents", summary.files, "", "documents"),
        ("cleaned", s[Status.CLEANED], "", "cleaned in this run"),
        ("skipped", s[Status.SKIPPED], "", "unchanged, skipped"),
        ("empty", s[Status.EMPTY], "", "empty, skipped"),
        ("failed", s[Status.FAILED], "bad" if s[Status.FAILED] else "", "failed"),
        ("flagged", flagged, "warn" if flagged else "", "flagged for review"),
        ("chars-removed", f"{removed:,}", "", f"characters removed ({share:.1%})"),
        ("words-removed", f"{summary.words_removed:,}", "", "words removed"),
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
        (lang, esc(lang), n, 0, "") for lang, n in sorted(summary.languages.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    data = {
        "columns": {name: i for i, name in enumerate(COLUMNS)},
        "pages": pages,
        "shell": SHELL,
        "pageSize": PAGE_SIZE,
        "cleaners": cleaners,
        "rules": [[c, r, k] for c, r, k in rules],
        "docs": docs,
    }
    body = f"""<header><h1>boilerstrip run report</h1>
<p class="mute">{summary.files:,} documents in this folder · <a href="{MANIFEST}">{MANIFEST}</a> ·
<a href="{SUMMARY}">{SUMMARY}</a> · <a href="{SETTINGS}">{SETTINGS}</a></p>
</header><main>
<section id="overview"><div class="cards">{card_html}</div>
<p class="mute">Characters {summary.chars_before:,} → {summary.chars_after:,}. Counts cover every document in the
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
<noscript><p class="note">The table and the document pages need JavaScript.</p></noscript>
<table id="docs"><thead><tr><th>document</th><th>language</th><th class="num">share removed</th>
<th class="num">edits</th><th>flags</th><th>status</th></tr></thead><tbody></tbody></table>
<div class="pager"><button type="button" id="prev">← previous</button><span id="page"></span>
<button type="button" id="next">next →</button></div></section></main>
<script type="application/json" id="data">{embed_json(data)}</script>"""
    return page("boilerstrip run report", body, INDEX_JS)
