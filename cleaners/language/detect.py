"""`detect_language`: which language the article is in, so the right phrase lists apply.

langdetect is random by design; our own factory with a fixed seed makes it
repeatable without touching the library's global one. It reads a bounded sample
made of the document's prose-like lines (menus and captions mislead it), without
the lines any language's phrase rules call page furniture: the language of the
article, not of the site's buttons. That also keeps cleaning idempotent: the
furniture a first pass removes did not count towards the language in the first
place. It says "unknown" when there is too little text to tell.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when first needed: it brings numpy
    from .fastdetect import FastDetector

UNKNOWN = "unknown"
SAMPLE_CHARS = 1000
"""Enough prose for langdetect to be sure (the same language on all 1,778 benchmark texts
and 57 undeclared pages as with 2,000, bar one Portuguese page whose long table of
English names had outvoted its prose); each sampled line costs a phrase-rule check."""
MIN_LETTERS = 40
MIN_PROB = 0.5

_lock = threading.Lock()
_factory: Any = None  # langdetect's DetectorFactory (langdetect has no type information)
_detector: FastDetector | None = None


def _get_factory() -> Any:
    global _factory
    with _lock:
        if _factory is None:
            from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

            factory = DetectorFactory()
            factory.load_profile(PROFILES_DIRECTORY)
            factory.set_seed(0)
            _factory = factory
        return _factory


def _get_detector() -> FastDetector:
    """langdetect's answers, about four times faster (see `fastdetect`)."""
    global _detector
    factory = _get_factory()
    with _lock:
        if _detector is None:
            from .fastdetect import FastDetector

            _detector = FastDetector(factory)
        return _detector


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    prob: float
    source: str = "langdetect"
    """langdetect, or html-lang: the page's own <html lang>."""


def sample(text: str, limit: int = SAMPLE_CHARS, skip: Callable[[str], bool] | None = None) -> str:
    """Prose lines (six words or more) in document order, up to `limit` characters;
    lines for which `skip` says yes (page furniture) are left out. Without prose,
    whatever lines there are. Stops reading at the limit: `skip` is not cheap."""
    out: list[str] = []
    size = 0
    for line in text.split("\n"):
        if len(line.split()) < 6 or (skip is not None and skip(line)):
            continue
        out.append(line[: limit - size])
        size += len(out[-1]) + 1
        if size >= limit:
            break
    if not out:
        return text[:limit]
    return "\n".join(out)


def detect(text: str, skip: Callable[[str], bool] | None = None) -> Language:
    chunk = sample(text, skip=skip)
    if sum(ch.isalpha() for ch in chunk) < MIN_LETTERS:
        return Language(UNKNOWN, 0.0)
    from langdetect.lang_detect_exception import LangDetectException

    try:
        best = _get_detector().probabilities(chunk)[0]
    except (LangDetectException, IndexError):
        return Language(UNKNOWN, 0.0)
    if best.prob < MIN_PROB:
        return Language(UNKNOWN, round(best.prob, 4))
    return Language(best.lang, round(best.prob, 4))
