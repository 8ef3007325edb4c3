"""The run report: `OUT/report.html`, and under `OUT/report/` a page that shows any
document, drawn in the browser from the data files of the documents' views.

Everything comes from what a run leaves in the output folder: `manifest.jsonl`, and
per document its clean `.txt` and its edit log (`.edits.jsonl`, `cleaners.editlog`).
The edit log says what each edit removed and put in, and where; undone on the clean
text it gives the decoded input back (checked against every edit and the manifest's
`chars_before`), and done again it places every edit on that input, with its cleaner,
rule and reason. A page whose edit log is missing or does not fit says so.

The index is one self-contained page (inline CSS and JavaScript, the table's data
as compact embedded JSON, paginated in the browser): for 10,000 documents it is
under 1 MB and opens in about 0.15 s. A document's view is data (`document`), a
hundred documents to a file (`report/data/<n>.js`, loaded by a script element, which
works from `file://` where reading a file does not); `report/document.html?n=<place
in the manifest>` loads its document's file and draws it. Writing one HTML page per
document cost more than the rest of the report (issue 15). No network, no external
assets. Every piece of text from the corpus (file names, article text, reasons) is
set as text by the browser, or HTML-escaped in the index, and the JSON has `<`, `>`
and `&` escaped, so an article containing markup shows it as text.

The modules: `build` writes the report (`write_report`), `folder` puts its pages in
place, `marking` places the edits, `document` makes a document's view and `index` the index,
`html` escapes and frames them (with `report.css`, `index.js` and `document.js`,
package data beside it).
"""

from .build import manifest_records, report_section, write_report
from .document import document_data, edit_log
from .folder import CHUNK, MARKER, ReportError
from .html import esc
from .index import PAGE_SIZE
from .marking import Unfit, mark, rebuild, rows

__all__ = [
    "CHUNK",
    "MARKER",
    "PAGE_SIZE",
    "ReportError",
    "Unfit",
    "document_data",
    "edit_log",
    "esc",
    "manifest_records",
    "mark",
    "rebuild",
    "report_section",
    "rows",
    "write_report",
]
