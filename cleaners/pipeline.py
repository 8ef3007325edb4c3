"""The pipeline: read the input, then run the configured steps in order, recording every edit."""

from __future__ import annotations

from pathlib import Path

from .config import Config, cleaner_versions, phrase_book
from .context import Context
from .edits import apply
from .errors import CleaningTimeout
from .input.prepass import COMMENT_REASONS
from .input.reader import read
from .limits import time_limit
from .model import Cleaned, Edit, Meta, SiteRepeats
from .registry import Cleaner, Detector, Step
from .rules.engine import PhraseCleaner
from .steps import REGISTRY
from .steps.repeated import RemoveRepeatedLines, document_hashes

__all__ = ["REGISTRY", "clean", "cleaner_versions", "repeated_line_hashes"]


def clean(
    raw: bytes | str,
    *,
    config: Config | None = None,
    source: str | Path | None = None,
    format: str = "auto",
    repeats: SiteRepeats | None = None,
) -> Cleaned:
    """Clean one article. `raw` bytes are decoded first; a str is taken as decoded text.

    `format` is "text", "html" or "auto" (decided by content). HTML goes through
    main-content extraction first; `Cleaned.decoded` is then the extracted text,
    which the edits (and the diff log) start from.

    Gzip bytes (by their magic number) are decompressed first, every member, up to
    `compressed.MAX_EXPANDED`; damaged or oversized gzip raises `InputError`.

    `repeats` are the corpus statistics of the document's site, for
    `remove_repeated_lines` (which does nothing without them).

    Each enabled step runs in config order; one that changed something runs again
    (up to `config.max_rounds`) so that a step is idempotent on its own output.
    After the last step, steps that want one get a last look (`Cleaner.last_look`);
    if that changed the text, the tidying steps run once more.

    The whole of it has a time limit, `config.document_timeout` (`CleaningTimeout`): a
    user's phrase rule that backtracks fails its document instead of hanging the run.
    """
    config = config or Config()
    limit = config.document_timeout
    with time_limit(limit, lambda: CleaningTimeout(f"cleaning took longer than {limit:g} s (document_timeout)")):
        return _clean(raw, config, source, format, repeats)


def _clean(
    raw: bytes | str, config: Config, source: str | Path | None, format: str, repeats: SiteRepeats | None
) -> Cleaned:
    doc = read(raw, format=format, extract_timeout=config.extract_timeout)
    meta = Meta(source=str(source) if source is not None else None, format=doc.format, compression=doc.compression)
    meta.encoding, meta.bom, meta.byte_fixes, meta.extraction = doc.encoding, doc.bom, doc.byte_fixes, doc.extraction
    meta.url = doc.url
    original = text = doc.text
    order = config.enabled()
    steps: dict[str, Step] = {name: REGISTRY[name].configured(config) for name in order}
    ctx = Context(
        config=config, book=phrase_book(config), language_hint=doc.language, headlines=doc.headlines, repeats=repeats
    )
    # in config order: the first cleaner that claims a line is the one that removes it
    ctx.classifiers = tuple(step for step in steps.values() if isinstance(step, PhraseCleaner))
    edits: list[Edit] = []
    left: dict[str, list[str]] = {}  # the text as each step left it, once per run

    def run(step: Cleaner) -> None:
        nonlocal text
        for _ in range(config.max_rounds):
            spans = step.find(text, ctx)
            if not spans:
                break
            text, made = apply(text, spans, step=len({e.step for e in edits}) + 1, cleaner=step.label)
            if not made:
                break
            edits.extend(made)
        left.setdefault(step.name, []).append(text)

    for name in order:
        step = steps[name]
        if isinstance(step, Detector):
            ctx.language = step.detect(text, ctx)
        elif isinstance(step, Cleaner):
            run(step)
    cleaners = [step for step in steps.values() if isinstance(step, Cleaner)]
    changed = False
    for step in cleaners:
        spans = step.last_look(text, ctx, left.get(step.name, []))
        if spans:
            text, made = apply(text, spans, step=len({e.step for e in edits}) + 1, cleaner=step.label)
            edits.extend(made)
            changed = changed or bool(made)
    if changed:
        for step in cleaners:
            if step.tidies:
                run(step)
    meta.language, meta.language_prob, meta.language_source = ctx.language.code, ctx.language.prob, ctx.language.source
    meta.chars_before, meta.chars_after = len(original), len(text)
    meta.lines_before, meta.lines_after = _line_count(original), _line_count(text)
    meta.words_before = _word_count(original)
    meta.words_removed = sum(_word_count(e.removed) for e in edits if e.kind == "removal")
    _review(meta, text, doc.invalid_bytes, config)
    return Cleaned(text=text, decoded=original, edits=edits, meta=meta)


def _word_count(text: str) -> int:
    return len(text.split())


def _line_count(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def _review(meta: Meta, text: str, invalid_bytes: int, config: Config) -> None:
    """Flag, with a reason, what a person should look at rather than trust. For HTML, an
    extraction still suspect after every retry (`html.suspect`: empty, a menu, or far
    shorter than the page's paragraph text) is flagged with what the pre-pass
    removed, so a page gutted before extraction is not passed as clean."""
    reasons = []
    if meta.words_before:
        share = meta.words_removed / meta.words_before
        if share > config.review_share:
            reasons.append(f"removed {share:.0%} of the words (threshold {config.review_share:.0%})")
        if not text.strip():
            reasons.append("nothing left after cleaning")
    extraction = meta.extraction or {}
    if extraction.get("prepass_undone"):
        reasons.append("extracted without the HTML pre-pass: with it, the article was lost")
    elif extraction.get("suspect"):
        furniture = sum(r.get("words", 0) for r in extraction.get("removed", []) if r["reason"] not in COMMENT_REASONS)
        took = f"; the pre-pass removed {furniture} words as furniture" if furniture else ""
        reasons.append(f"the extracted text looks short or wrong: {extraction['suspect']}{took}")
    if invalid_bytes:
        reasons.append(f"{invalid_bytes} undecodable bytes replaced by U+FFFD")
    meta.needs_review = bool(reasons)
    meta.review_reason = "; ".join(reasons)


def repeated_line_hashes(raw: bytes | str, *, config: Config | None = None, format: str = "auto") -> set[int]:
    """The map step of `remove_repeated_lines` for one document: the hashes of its
    candidate lines, read as `clean` reads the document (decoded; for HTML, extracted)."""
    config = config or Config()
    text = read(raw, format=format, extract_timeout=config.extract_timeout).text
    return document_hashes(text, RemoveRepeatedLines.configured(config).repeated_max_chars)
