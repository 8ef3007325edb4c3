"""The language step: what its sample reads, and what its work saves the later steps."""

from __future__ import annotations

from collections import Counter

import pytest

from boilerstrip.cleaners import clean
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
