"""cleaners.fastdetect gives langdetect's own answers (language and probability, to the
last bit) on every fixture and sample article, on the benchmark texts when they are
there, and on generated text that exercises langdetect's corner cases: capitals,
URLs and e-mail addresses, Vietnamese combining marks, CJK, mostly non-Latin text."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.lang_detect_exception import LangDetectException

from boilerstrip.cleaners.language import detect as language
from boilerstrip.cleaners.language.fastdetect import FastDetector
from golden import ROOT

BENCH = ROOT.parent / "shared" / "bench" / "scrapinghub"


def reference(text: str) -> list[tuple[str, float]] | str:
    detector = language._get_factory().create()
    detector.append(text)
    try:
        return [(found.lang, found.prob) for found in detector.get_probabilities()]
    except LangDetectException as err:
        return f"error: {err}"


def ours(text: str) -> list[tuple[str, float]] | str:
    try:
        return [(found.lang, found.prob) for found in language._get_detector().probabilities(text)]
    except LangDetectException as err:
        return f"error: {err}"


def corpus() -> list[str]:
    paths = sorted(ROOT.glob("raw/*")) + sorted(ROOT.glob("fixtures/*/*/input.*"))
    paths += sorted(BENCH.glob("text-recall/*.txt"))[:60]  # when the benchmark data is beside the repo
    return [p.read_bytes().decode("utf-8", "replace") for p in paths]


def test_same_answers_as_langdetect_on_articles() -> None:
    rng = random.Random(6)
    texts = corpus()
    checked = 0
    for text in texts:
        pieces = [language.sample(text), text[:3000]]
        start = rng.randrange(0, max(1, len(text)))
        pieces.append(text[start : start + 400])
        for piece in pieces:
            assert ours(piece) == reference(piece), piece[:200]
            checked += 1
    assert checked >= 3 * 50


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12345 !!! ???",
        "NASA AND THE FBI SAID SO",
        "Ein kurzer deutscher Satz über Straßen und Brücken.",
        "Привет, мир: это проверка русского текста с Latin words inside",
        "東京都の天気は晴れです。ひらがなとカタカナ",
        "한국어 텍스트와 English 섞임",
        "Tiếng Việt có dấu: Hà Nội, Việt Nam",  # combining marks, normalised like langdetect
        "see https://example.com/a?b=c and write to someone@example.org today",
        "tab\tand\u00a0no-break\u2003em space , ; : words",
        "Ṣ ẞ ẞẞ ʃ ș ț ی ㄅ",
    ],
)
def test_same_answers_on_corner_cases(text: str) -> None:
    assert ours(text) == reference(text)


WORDS = st.sampled_from(
    [
        "the",
        "The",
        "THE",
        "und",
        "Straße",
        "été",
        "ÉTÉ",
        "niño",
        "привет",
        "МИР",
        "東京",
        "ひらがな",
        "カタカナ",
        "한국",
        "Việt",
        "x@y.org",
        "http://a.b/c",
        "ș",
        "—",
        "123",
        "a",
        "I",
        "",
    ]
)


@settings(max_examples=120, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=60), st.sampled_from([" ", "  ", ", ", ".\n", "\u2019"]))
def test_same_answers_on_generated_text(words: list[str], glue: str) -> None:
    text = glue.join(words)
    assert ours(text) == reference(text)


def test_detector_is_built_once_and_shared() -> None:
    assert language._get_detector() is language._get_detector()
    assert isinstance(language._get_detector(), FastDetector)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
def test_same_answers_on_arbitrary_characters(text: str) -> None:
    assert ours(text) == reference(text)
