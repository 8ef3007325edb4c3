"""Escaping every text from the corpus, and the frame of a page: its stylesheet, its one
script allowed by hash, and the CSS and JavaScript files they come from."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib.resources import files


def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


CSS = _asset("report.css")  # inline in the index, and the pages' shared stylesheet
INDEX_JS = _asset("index.js")
DOC_JS = _asset("document.js")

SURROGATE = re.compile("[\ud800-\udfff]")


def esc(text: object) -> str:
    """HTML-escape anything shown (quotes too, so it is safe in attributes)."""
    return html.escape(SURROGATE.sub("\ufffd", str(text)), quote=True)


def script_json(value: object) -> str:
    """JSON for a script file of its own (no markup around it to end: only the lone
    surrogates of undecodable file names go, as they cannot be written in UTF-8)."""
    return SURROGATE.sub("\ufffd", json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def embed_json(value: object) -> str:
    """JSON for a <script type="application/json"> block: no "<", ">" or "&" left to
    end the block or open a comment; JSON.parse reads the escapes back."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = SURROGATE.sub("\ufffd", text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(title: str, body: str, script: str, stylesheet: str | None = None, loads: bool = False) -> str:
    """A page whose only script is its own (allowed by its hash: defence in depth on
    top of escaping), and those it `loads` itself ('strict-dynamic': never one in the
    markup); styles inline, or from the pages' shared stylesheet."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    dynamic = " 'strict-dynamic'" if loads else ""
    policy = f"script-src 'sha256-{digest}'{dynamic}; object-src 'none'; base-uri 'none'; form-action 'none'"
    style = f'<link rel="stylesheet" href="{esc(stylesheet)}">' if stylesheet else f"<style>{CSS}</style>"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f"<title>{esc(title)}</title>{style}</head>\n<body>\n{body}\n<script>{script}</script>\n</body></html>\n"
    )


def document_page(chunk: int) -> str:
    """The page that shows any document of the report (`document.html?n=` its place in the
    manifest): document.js loads the data file of its chunk and draws the view."""
    body = (
        '<header><p><a href="../report.html">← run report</a></p><h1 id="source"></h1>'
        '<dl class="meta" id="meta"></dl><p id="links"></p></header>\n'
        f'<main id="main" data-chunk="{chunk}"><noscript><p class="note">This page needs JavaScript: it draws the '
        "document from the report's data files.</p></noscript></main>"
    )
    return page("boilerstrip document", body, DOC_JS, "report.css", loads=True)
