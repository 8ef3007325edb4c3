"""Where a document comes from: its address, and the site that address belongs to.

A document's url is what the user maps to its file (a sidecar, `urls.tsv` at the top of
RAW or `--urls FILE`), else what an HTML page says of itself (its canonical link, else
og:url, read by `cleaners.input.html.page_url`); a web archive's document has its
record's target URI (`flows.archives`). Its `site` is the registered domain, from the
public suffix list that tldextract ships: no download, no cache written, ever.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from boilerstrip.cleaners.errors import BoilerstripError

SIDECAR = "urls.tsv"
"""Read from the top of a local RAW folder when there is no `--urls`: `source<TAB>url` per
line. It is not an input (`.tsv` is not cleaned)."""


class UrlMapError(BoilerstripError, ValueError):
    """A url sidecar that cannot be read; the message names the file and line."""


def read_urls(path: Path) -> dict[str, str]:
    """source -> url from a sidecar: `.tsv` (`source<TAB>url`; blank lines and lines
    starting with `#` are skipped) or `.jsonl` (`{"source": ..., "url": ...}`). Sources
    are paths relative to RAW, as the manifest writes them."""
    urls: dict[str, str] = {}
    jsonl = path.name.lower().endswith(".jsonl")
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                entry = _entry(line, jsonl, f"{path}:{number}")
                if entry is not None:
                    urls[entry[0]] = entry[1]
    except UnicodeDecodeError as err:
        raise UrlMapError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise UrlMapError(f"cannot read url file {path}: {err.strerror or err}") from None
    return urls


def _entry(line: str, jsonl: bool, where: str) -> tuple[str, str] | None:
    text = line.rstrip("\r\n")
    if not text.strip() or (not jsonl and text.startswith("#")):
        return None
    if jsonl:
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as err:
            raise UrlMapError(f"{where}: not JSON: {err.msg} at column {err.colno}") from None
        if not (isinstance(data, dict) and isinstance(data.get("source"), str) and isinstance(data.get("url"), str)):
            raise UrlMapError(f'{where}: expected {{"source": "...", "url": "..."}}')
        source, url = data["source"], data["url"]
    else:
        source, tab, url = text.partition("\t")
        if not tab:
            raise UrlMapError(f"{where}: expected source<TAB>url")
    source, url = source.strip(), url.strip()
    if not source or not url:
        raise UrlMapError(f"{where}: expected a source and a url, both non-empty")
    return source, url


def sidecar_for(raw: str, local: bool, given: str | None) -> Path | None:
    """The url file of a run: the one given, else RAW's `urls.tsv` if there is one."""
    if given:
        return Path(given)
    if local and (Path(raw) / SIDECAR).is_file():
        return Path(raw) / SIDECAR
    return None


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract

    # No suffix list fetched (suffix_list_urls=()), none cached on disk (cache_dir=None):
    # the snapshot inside the package is the list, so a run is offline and repeatable.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@lru_cache(maxsize=65536)
def site_of_url(url: str) -> str | None:
    """The registered domain of `url` (`https://www.bbc.co.uk/x` -> `bbc.co.uk`); the host
    itself when it has no public suffix (localhost, an IP address); None without a host."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # a malformed address (an unclosed IPv6 bracket, ...)
        return None
    if not host:
        return None
    found = _extractor()(host)
    return str(found.top_domain_under_public_suffix or host)
