"""The benchmark metric on small hand-computed cases."""

from __future__ import annotations

import pytest

from bench.metric import score_corpus, score_page, shingles


def test_shingles() -> None:
    assert shingles("") == {}
    assert shingles("one two") == {("one", "two"): 1}
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}


def test_perfect_and_empty_pages() -> None:
    same = score_page("a b c d e", "a b c d e")
    assert (same.precision, same.recall) == (1.0, 1.0)
    empty = score_page("", "a b c d e")
    assert (empty.precision, empty.recall) == (None, 0.0)  # no output: precision undefined, recall 0
    assert score_page("", "").precision == 1.0


def test_partial_page_normalised_by_total() -> None:
    # predicted shingles abcd, bcdx; truth abcd, bcde: tp 1, fp 1, fn 1, each a third
    score = score_page("a b c d x", "a b c d e")
    assert (score.tp, score.fp, score.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert (score.precision, score.recall) == pytest.approx((0.5, 0.5))
    short = score_page("a b c d e", "a b c d e f")  # predicted abcd bcde; truth adds cdef
    assert (short.precision, short.recall) == pytest.approx((1.0, 2 / 3))


def test_corpus_means_skip_undefined_pages() -> None:
    pages = [score_page("a b c d e", "a b c d e"), score_page("", "a b c d e")]
    corpus = score_corpus(pages)
    assert corpus.precision == 1.0 and corpus.recall == 0.5
    assert corpus.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)
