"""langdetect's detector, re-implemented for speed: the same answers, bit for bit.

langdetect 1.0.9 spends about 6 ms on a 2,000-character text, most of it in two
pure-Python loops: building the n-gram list one character at a time, and updating
55 language probabilities one at a time for every sampled n-gram. This module does
the same arithmetic in the same order, with cheaper Python:

- characters are normalised with one `str.translate` (langdetect's own `normalize`,
  memoised per character), and the n-grams of a word depend only on the word and on
  whether a space follows it, so they are memoised per word;
- the 55 probabilities are updated as one numpy vector, `prob * (w + row)`: numpy's
  element-wise `+`, `*` and `/` on float64 round exactly as Python's floats do, and the
  sum that normalises them is Python's own `sum` over the values, in langdetect's order;
  the random n-grams are drawn from the same seeded generator, in the same order.

`tests/test_fastdetect.py` checks the probabilities equal langdetect's own on every
benchmark and fixture text and on generated ones. The profiles, the seed and the
language list come from langdetect's factory, so nothing is re-implemented there.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import numpy as np

ALPHA = 0.5
ALPHA_WIDTH = 0.05
ITERATION_LIMIT = 1000
PROB_THRESHOLD = 0.1
CONV_THRESHOLD = 0.99999
BASE_FREQ = 10000
N_TRIAL = 7
MAX_TEXT_LENGTH = 10000
WORD_CACHE = 200_000  # memoised words (each memo); emptied when full (a pure function: no effect on results)

_URL_RE = re.compile(r"https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}")  # langdetect's own patterns
_MAIL_RE = re.compile(r"[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}")
_SPACES = re.compile(" +")
_LATIN = re.compile("[A-z]")
# langdetect means to leave Latin Extended Additional out, but compares unicode_block()'s
# number with the block's name, so it counts every character from U+0300 on
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")


class _Normalized(dict[int, str]):
    """`str.translate` table: code point -> langdetect's NGram.normalize of it."""

    def __init__(self, normalize: Callable[[str], str]) -> None:
        super().__init__()
        self.normalize = normalize

    def __missing__(self, code: int) -> str:
        value = self[code] = self.normalize(chr(code))
        return value


class _Rows(dict[str, "np.ndarray[Any, np.dtype[np.float64]]"]):
    """n-gram -> its probabilities per language as a numpy vector, made when first
    drawn (all 87,598 at once would take 67 MB; a corpus draws a small share)."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, gram: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        value = self[gram] = np.array(self.table[gram], dtype=np.float64)
        return value


class FastDetector:
    """Detects like `factory.create()` followed by `append(text)` and `get_probabilities()`."""

    def __init__(self, factory: Any) -> None:
        from langdetect.utils.ngram import NGram

        self.langlist = list(factory.langlist)
        self.seed = factory.seed
        self.table = factory.word_lang_prob_map
        self.rows = _Rows(self.table)
        self.normalize_vi = NGram.normalize_vi
        self.chars = _Normalized(NGram.normalize)
        self.spaced: dict[str, list[str]] = {}  # word -> its n-grams, by whether a space follows it
        self.unspaced: dict[str, list[str]] = {}

    def _text(self, text: str) -> str:
        """Detector.append then Detector.cleaning_text."""
        text = _MAIL_RE.sub(" ", _URL_RE.sub(" ", text))
        text = _SPACES.sub(" ", self.normalize_vi(text)[:MAX_TEXT_LENGTH])
        # without a character from U+0300 on the test is false: one C scan instead of two lists
        if text and max(text) >= "\u0300" and len(_LATIN.findall(text)) * 2 < len(_NON_LATIN.findall(text)):
            text = _LATIN.sub("", text)
        return text

    def _word(self, word: str, space_after: bool) -> list[str]:
        """The n-grams langdetect's NGram buffer yields over ' ' + word (+ ' '), kept
        when the profiles know them. A character repeating an upper-case one yields
        nothing (langdetect's `capitalword`)."""
        memo = self.spaced if space_after else self.unspaced
        found = memo.get(word)
        if found is not None:
            return found
        padded = " " + word + (" " if space_after else "")
        table = self.table
        found = []
        for k in range(1, len(padded)):
            if padded[k].isupper() and padded[k - 1].isupper():
                continue
            for n in (1, 2, 3):
                if n > k + 1:
                    break
                gram = padded[k - n + 1 : k + 1]
                if gram != " " and gram in table:
                    found.append(gram)
        if len(memo) >= WORD_CACHE:
            memo.clear()
        memo[word] = found
        return found

    def ngrams(self, text: str) -> list[str]:
        """Detector._extract_ngrams on the cleaned text, in the same order."""
        normalized = self._text(text).translate(self.chars)
        words = normalized.split(" ")
        grams: list[str] = []
        memo = self.spaced  # every word but the last has a space after it
        for word in words[:-1]:
            if word:
                found = memo.get(word)
                grams += found if found is not None else self._word(word, True)
        if words[-1]:
            grams += self._word(words[-1], False)
        return grams

    def probabilities(self, text: str) -> list[Any]:
        """langdetect's `get_probabilities()`: Language objects above 0.1, best first.
        Raises LangDetectException when the text has no known n-gram, as langdetect does."""
        from langdetect.lang_detect_exception import ErrorCode, LangDetectException
        from langdetect.language import Language

        grams = self.ngrams(text)
        if not grams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        rows = self.rows
        size = len(self.langlist)
        rng = random.Random()
        rng.seed(self.seed)
        # what rng.choice(grams) does, without its per-call length check
        randbelow, count = rng._randbelow, len(grams)  # type: ignore[attr-defined]
        add, multiply = np.add, np.multiply
        langprob = np.zeros(size)
        step = np.empty(size)
        for _ in range(N_TRIAL):
            prob = np.full(size, 1.0 / size)
            w = (ALPHA + rng.gauss(0.0, 1.0) * ALPHA_WIDTH) / BASE_FREQ
            # langdetect updates with n-gram i, and normalises and tests after i = 0, 5, 10, ...;
            # prob *= (w + row), in place: the same element-wise float64 operations
            multiply(prob, add(rows[grams[randbelow(count)]], w, out=step), out=prob)
            i = 0
            while True:
                prob = prob / sum(prob.tolist())  # Python's sum: the same rounding as langdetect's
                if prob.max() > CONV_THRESHOLD or i >= ITERATION_LIMIT:
                    break
                for _ in range(5):
                    multiply(prob, add(rows[grams[randbelow(count)]], w, out=step), out=prob)
                i += 5
            langprob = langprob + prob / N_TRIAL
        result = [
            Language(lang, p) for lang, p in zip(self.langlist, langprob.tolist(), strict=True) if p > PROB_THRESHOLD
        ]
        result.sort(reverse=True)
        return result
