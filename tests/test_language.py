"""The language step: what its sample reads, and what its work saves the later steps."""

from __future__ import annotations

from collections import Counter

import pytest

from boilerstrip.cleaners import clean
from boilerstrip.cleaners.language.detect import SAMPLE_CHARS, sample
from boilerstrip.cleaners.rules.book import LineMatcher
from boilerstrip.cleaners.steps import PHRASE_CLEANER_NAMES

PROSE = "The city council approved the new budget on Tuesday after a long debate about school funding."
ARTICLE = (
    f"Council approves budget\n\n{PROSE}\n\nSubscribe to our newsletter\n\n"
    "Critics said the plan relies on optimistic forecasts.\n"
)


def test_a_line_found_clean_for_every_language_is_not_matched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language step asks every phrase list about its sample's lines; a line none of them
    matches is clean for the detected language too, so the phrase cleaners do not ask again."""
    asked: Counter[str] = Counter()
    match = LineMatcher.match

    def counting(self: LineMatcher, norm: str) -> object:
        asked[norm] += 1
        return match(self, norm)

    monkeypatch.setattr(LineMatcher, "match", counting)
    result = clean(ARTICLE)
    assert result.meta.language == "en"
    assert [e.rule for e in result.edits if e.kind == "removal"] == ["en.subscribe.prompt"]
    assert asked[PROSE] == len(PHRASE_CLEANER_NAMES)  # once per phrase cleaner, for every language


NAMES = ["Kyle Busch", "Martin Truex Jr.", "Kevin Harvick", "Denny Hamlin", "Joey Logano", "Ryan Blaney"]
STANDINGS = (
    "Classificação NASCAR\n"
    "sexta-feira, 22 de outubro de 2010 às 20:13\n"
    "A temporada terminou em Homestead, na Flórida, com a vitória do piloto da equipe Joe Gibbs.\n"
    "Nesta página você terá sempre a classificação atualizada da NASCAR até a última corrida!\n"
    "Coloque nos seus favoritos e venha sempre conferir a classificação da NASCAR!\n"
    "Classificação final da Monster Energy NASCAR Cup Series em 2019 após 36 etapas:\n"
    + "".join(f"| {i + 1} | {NAMES[i % 6]} | {5040 - 7 * i} | {i % 4} | 1 | 17 | 27 |\n" for i in range(40))
)


def test_the_language_is_read_from_the_start_of_the_text() -> None:
    """A Portuguese page whose table of (English) driver names runs on: the sample stops at
    `SAMPLE_CHARS`, before the names outweigh the prose (it read 2,000 and said English)."""
    assert clean(STANDINGS).meta.language == "pt"


def test_the_sample_is_bounded() -> None:
    text = "\n".join(f"Line {i} of the story has more than six words in it." for i in range(500))
    assert len(sample(text)) <= SAMPLE_CHARS
