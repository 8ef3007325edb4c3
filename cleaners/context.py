"""What a step may look at besides the text: the phrase book, the language, the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .language.detect import UNKNOWN, Language
from .model import Found, SiteRepeats
from .rules.book import PhraseBook


class LanguageSettings(Protocol):
    """What the context reads from the config: the phrase lists used whatever the language."""

    @property
    def fallback_languages(self) -> tuple[str, ...]: ...


class LineClassifier(Protocol):
    """A step that can say whether one line is page furniture (the phrase cleaners)."""

    def match(self, line: str, ctx: Context) -> Found | None: ...


@dataclass(slots=True)
class Context:
    config: LanguageSettings
    book: PhraseBook
    language: Language = field(default_factory=lambda: Language(UNKNOWN, 0.0))
    """Unknown until the language step has run (then every phrase list applies)."""
    classifiers: tuple[LineClassifier, ...] = ()
    """The enabled phrase cleaners in config order, for steps that ask "is this line junk?"."""
    language_hint: str | None = None
    """A language the document declares for itself (HTML `lang`): used instead of detection."""
    headlines: tuple[str, ...] = ()
    """The headlines an HTML page declares: og:title, <title>, h1 (for remove_page_title)."""
    repeats: SiteRepeats | None = None
    """Corpus statistics for the document's site (remove_repeated_lines); None: not gathered."""
    norms: dict[str, str] = field(default_factory=dict)
    """Per document: each line as line rules see it (`lines.normalize_line`)."""
    verdicts: dict[tuple[str, frozenset[str], str], Found | None] = field(default_factory=dict)
    """Per document: (cleaner, languages, line) -> verdict; several steps ask about the same lines."""
    _languages: tuple[str, frozenset[str]] | None = None
    every_language: frozenset[str] | None = None
    """`languages` while the language was unknown, once asked: the widest set. A line no
    rule of it matches is matched by no rule of the narrower set that detection gives."""

    @property
    def languages(self) -> frozenset[str]:
        """Phrase lists that apply: language-independent ones, the fallbacks (English
        UI strings leak into every site), and the detected language, or every
        loaded list when the language is unknown (rules are anchored to whole
        lines, so a wider list costs little precision)."""
        code = self.language.code
        if self._languages is None or self._languages[0] != code:
            base = {"*", "common", *self.config.fallback_languages}
            langs = base | (self.book.languages if code == UNKNOWN else {code})
            # only languages with phrase files: "nl" adds no rules, and must not cost
            # a fresh compilation of every matcher
            self._languages = (code, frozenset(langs & (self.book.languages | {"*", "common"})))
            if code == UNKNOWN:
                self.every_language = self._languages[1]
        return self._languages[1]

    def is_junk(self, line: str) -> Found | None:
        """The verdict of the first enabled phrase cleaner (in config order) that matches
        the line, or None: what the trailer, the neighbour checks and the language step ask."""
        return next((found for cleaner in self.classifiers if (found := cleaner.match(line, self))), None)
