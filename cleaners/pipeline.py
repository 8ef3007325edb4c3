"""The pipeline: decode, then run the configured cleaners in order, recording every edit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .context import Context
from .edits import apply
from .input import html
from .input.decode import VERSION as DECODE_VERSION
from .input.reader import read
from .language import detect as language
from .language.detect import Language
from .model import Cleaned, Edit, Meta, Span
from .rules.book import PhraseBook, load_book, shipped_files
from .rules.engine import PHRASE_CLEANERS, is_junk
from .steps import captions, encoding, paragraphs, repeated, title, trailer, whitespace


@dataclass(frozen=True, slots=True)
class Step:
    """A registered cleaner: its stable name, its version, and its finder."""

    name: str
    version: int
    find: Callable[[str, Context], list[Span]]

    @property
    def label(self) -> str:
        return f"{self.name}/v{self.version}"


def _detect_language(text: str, ctx: Context) -> list[Span]:
    if ctx.language_hint:
        ctx.language = Language(ctx.language_hint, 1.0)  # the page says so; saves ~3 ms
        return []
    # ctx.language is still unknown here, so is_junk applies every language's rules
    ctx.language = language.detect(text, skip=lambda line: is_junk(line, ctx) is not None)
    return []


def _plain(module) -> Callable[[str, Context], list[Span]]:
    return lambda text, ctx: module.find(text)


REGISTRY: dict[str, Step] = {
    "fix_encoding": Step("fix_encoding", 1, _plain(encoding)),
    "normalize_whitespace": Step("normalize_whitespace", 1, _plain(whitespace)),
    "detect_language": Step("detect_language", 1, _detect_language),
    "remove_trailer_block": Step("remove_trailer_block", 1, trailer.find),
    "dedupe_captions": Step("dedupe_captions", 1, captions.find),
    "classify_paragraphs": Step("classify_paragraphs", 1, paragraphs.find),
    "remove_page_title": Step("remove_page_title", 1, title.find),
    "remove_repeated_lines": Step("remove_repeated_lines", 1, repeated.find),
    **{c.name: Step(c.name, c.version, c.find) for c in PHRASE_CLEANERS},
}
PHRASE_CLEANER_NAMES = {c.name for c in PHRASE_CLEANERS}


def cleaner_versions() -> dict[str, str]:
    return {name: step.label for name, step in REGISTRY.items()} | {
        "decode": DECODE_VERSION,
        "html": html.PREPASS_VERSION,
    }


_books: dict[tuple, PhraseBook] = {}
_books_lock = threading.Lock()


def phrase_book(config: Config) -> PhraseBook:
    """The shipped phrase files plus the config's own, loaded once per process."""
    paths = [*shipped_files(), *config.phrase_files]
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    with _books_lock:
        book = _books.get(key)
        if book is None:
            book = _books[key] = load_book(paths, PHRASE_CLEANER_NAMES)
        return book


def _word_count(text: str) -> int:
    return len(text.split())


def clean(
    raw: bytes | str,
    *,
    config: Config | None = None,
    source: str | Path | None = None,
    format: str = "auto",
    repeats: repeated.SiteRepeats | None = None,
) -> Cleaned:
    """Clean one article. `raw` bytes are decoded first; a str is taken as decoded text.

    `format` is "text", "html" or "auto" (decided by content). HTML goes through
    main-content extraction first; `Cleaned.decoded` is then the extracted text,
    which the edits (and the diff log) start from.

    Gzip bytes (by their magic number) are decompressed first, every member, up to
    `compressed.MAX_EXPANDED`; damaged or oversized gzip raises `compressed.InputError`.

    `repeats` are the corpus statistics of the document's site, for
    `remove_repeated_lines` (which does nothing without them).

    Each enabled cleaner runs in config order; one that changed something runs again
    (up to `config.max_rounds`) so that a cleaner is idempotent on its own output.
    """
    config = config or Config()
    doc = read(raw, format=format, extract_timeout=config.extract_timeout)
    meta = Meta(source=str(source) if source is not None else None, format=doc.format, compression=doc.compression)
    meta.encoding, meta.bom, meta.byte_fixes, meta.extraction = doc.encoding, doc.bom, doc.byte_fixes, doc.extraction
    text, invalid, hint = doc.text, doc.invalid_bytes, doc.language
    headlines = title.headline_keys(doc.headlines)
    original = text
    enabled = config.enabled()
    ctx = Context(config=config, book=phrase_book(config), language_hint=hint, headlines=headlines, repeats=repeats)
    by_name = {c.name: c for c in PHRASE_CLEANERS}
    # in config order: the first cleaner that claims a line is the one that removes it
    ctx.classifiers = tuple(by_name[name] for name in dict.fromkeys(enabled) if name in by_name)
    edits: list[Edit] = []

    def run(name: str) -> None:
        nonlocal text
        step = REGISTRY[name]
        for _ in range(config.max_rounds):
            spans = step.find(text, ctx)
            if not spans:
                return
            text, made = apply(text, spans, step=len({e.step for e in edits}) + 1, cleaner=step.label)
            if not made:
                return
            edits.extend(made)

    judged: set[str] = set()
    for name in enabled:
        run(name)
        if name == "fix_encoding":
            judged |= encoding.lines(text)
    # ftfy judges a line as a whole; once later cleaners have trimmed a line (a
    # no-break space at its start, an ad token), the rest may read differently.
    # Lines changed since ftfy saw them get one more look, so that cleaning the
    # output again changes nothing.
    if "fix_encoding" in enabled:
        spans = encoding.find(text, skip=judged)
        if spans:
            text, made = apply(
                text, spans, step=len({e.step for e in edits}) + 1, cleaner=REGISTRY["fix_encoding"].label
            )
            edits.extend(made)
            if made and "normalize_whitespace" in enabled:
                run("normalize_whitespace")
    meta.language, meta.language_prob = ctx.language.code, ctx.language.prob
    meta.language_source = "html-lang" if hint and "detect_language" in enabled else "langdetect"
    meta.chars_before, meta.chars_after = len(original), len(text)
    meta.lines_before, meta.lines_after = _line_count(original), _line_count(text)
    meta.words_before = _word_count(original)
    meta.words_removed = sum(_word_count(e.removed) for e in edits if e.kind == "removal")
    _review(meta, text, invalid, config)
    return Cleaned(text=text, decoded=original, edits=edits, meta=meta)


def _line_count(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _review(meta: Meta, text: str, invalid_bytes: int, config: Config) -> None:
    """Flag, with a reason, what a person should look at rather than trust."""
    reasons = []
    if meta.words_before:
        share = meta.words_removed / meta.words_before
        if share > config.review_share:
            reasons.append(f"removed {share:.0%} of the words (threshold {config.review_share:.0%})")
        if not text.strip():
            reasons.append("nothing left after cleaning")
    if invalid_bytes:
        reasons.append(f"{invalid_bytes} undecodable bytes replaced by U+FFFD")
    meta.needs_review = bool(reasons)
    meta.review_reason = "; ".join(reasons)


def repeated_line_hashes(raw: bytes | str, *, config: Config | None = None, format: str = "auto") -> set[int]:
    """The map step of `remove_repeated_lines` for one document: the hashes of its
    candidate lines, read as `clean` reads the document (decoded; for HTML, extracted)."""
    config = config or Config()
    text = read(raw, format=format, extract_timeout=config.extract_timeout).text
    return repeated.document_hashes(text, config.repeated_max_chars)
