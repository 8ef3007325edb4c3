"""What a cleaner may look at besides the text: config, phrase book, language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .language.detect import UNKNOWN, Language

if TYPE_CHECKING:
    from .config import Config
    from .model import Span
    from .rules.book import PhraseBook
    from .steps.repeated import SiteRepeats


@dataclass(slots=True)
class Context:
    config: Config
    book: PhraseBook
    language: Language = field(default_factory=lambda: Language(UNKNOWN, 0.0))
    classifiers: tuple = ()
    """The enabled phrase cleaners, for steps that ask "is this line junk?" (the trailer)."""
    language_hint: str | None = None
    """A language the document declares for itself (HTML `lang`): used instead of detection."""
    headlines: frozenset[str] = frozenset()
    """The headlines an HTML page declares, as `title.key`s (for remove_page_title)."""
    repeats: SiteRepeats | None = None
    """Corpus statistics for the document's site (remove_repeated_lines); None: not gathered."""
    memo: dict = field(default_factory=dict)
    """Per-document memo of line verdicts; several cleaners ask about the same lines."""
    _languages: tuple[str, frozenset[str]] | None = None

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
        return self._languages[1]


class Cleaner(Protocol):
    """A small named step: finds spans with reasons, never edits text itself."""

    name: str
    version: int

    def find(self, text: str, ctx: Context) -> list[Span]: ...
