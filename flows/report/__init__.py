"""The run report: `OUT/report.html` and one page per document under `OUT/report/`.

Everything comes from what a run leaves in the output folder: `manifest.jsonl`, and
per document its clean `.txt` and its edit log (`.edits.jsonl`, `cleaners.editlog`).
The edit log says what each edit removed and put in, and where; undone on the clean
text it gives the decoded input back (checked against every edit and the manifest's
`chars_before`), and done again it places every edit on that input, with its cleaner,
rule and reason. A page whose edit log is missing or does not fit says so.

The index is one self-contained page (inline CSS and JavaScript, the table's data
as compact embedded JSON, paginated in the browser): for 10,000 documents it is
under 1 MB and opens in about 0.15 s. Each document's view is its own small file
(with one shared stylesheet). No network, no external assets: it works from
`file://`. Every piece of text from the corpus (file names, article text, reasons)
is HTML-escaped, and the embedded JSON has `<`, `>` and `&` escaped, so an article
containing markup shows it as text.

The modules: `build` writes the report (`write_report`), `folder` puts its pages in
place, `marking` places the edits, `document` and `index` make the two kinds of page,
`html` escapes and frames them (with `report.css`, `index.js` and `document.js`,
package data beside it).
"""

from .build import manifest_records, report_section, write_report
from .document import edit_log, render_document
from .folder import MARKER, ReportError
from .html import esc
from .index import PAGE_SIZE
from .marking import Unfit, mark, rebuild, rows

__all__ = [
    "MARKER",
    "PAGE_SIZE",
    "ReportError",
    "Unfit",
    "edit_log",
    "esc",
    "manifest_records",
    "mark",
    "rebuild",
    "render_document",
    "report_section",
    "rows",
    "write_report",
]
