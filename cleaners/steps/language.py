"""`detect_language`: which phrase lists apply (the detector itself is `cleaners.language`)."""

from __future__ import annotations

from ..context import Context
from ..language.detect import Language, detect
from ..registry import Detector, register


@register
class DetectLanguage(Detector):
    """The page's own `<html lang>` when it declares one; else langdetect on the prose
    lines that no language's rules call page furniture (the language is still
    unknown here, so every phrase list is asked)."""

    name = "detect_language"
    version = 1

    def detect(self, text: str, ctx: Context) -> Language:
        if ctx.language_hint:
            return Language(ctx.language_hint, 1.0, source="html-lang")  # the page says so; saves ~3 ms
        return detect(text, skip=lambda line: ctx.is_junk(line) is not None)
