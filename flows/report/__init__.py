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

The package: `build` writes the report (`write_report`), `folder` puts its pages in
place, `document` and `index` make the two kinds of page, `html` escapes and frames
them (with `report.css`, `index.js` and `document.js`, package data beside it),
`parsing` reads the diff logs back. Standard library only.
"""

from .build import manifest_records, report_section, write_report
from .document import render_document
from .folder import MARKER, ReportError
from .html import esc
from .index import PAGE_SIZE
from .parsing import label, mark, parse_difflog, reconstruct

__all__ = [
    "MARKER",
    "PAGE_SIZE",
    "ReportError",
    "esc",
    "label",
    "manifest_records",
    "mark",
    "parse_difflog",
    "reconstruct",
    "render_document",
    "report_section",
    "write_report",
]
