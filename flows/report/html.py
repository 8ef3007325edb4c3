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


def embed_json(value: object) -> str:
    """JSON for a <script type="application/json"> block: no "<", ">" or "&" left to
    end the block or open a comment; JSON.parse reads the escapes back."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = SURROGATE.sub("\ufffd", text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


CONTROLS = {c: 0x2400 + c for c in range(32) if c not in (9, 10)} | {0x7F: 0x2421}  # as control pictures
VISIBLE = str.maketrans({"\n": "↵", "\t": "⇥", " ": "·", "\xa0": "⍽", "\u2028": "⤶", "\u2029": "¶"} | CONTROLS)


def page(title: str, body: str, script: str, stylesheet: str | None = None) -> str:
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
