"""`clean_many`: the same results as `clean`, in input order, lazily, on one process or several."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from itertools import count, islice

import pytest

from boilerstrip import Config, clean, clean_many
from golden import ROOT

DOCS = [path.read_bytes() for path in sorted((ROOT / "raw").glob("*.txt"))]
HTML = (
    "<html><body><article><h1>Title</h1><p>" + "A sentence of the article body. " * 20 + "</p></article></body></html>"
)


@pytest.mark.parametrize("workers", [1, 2])
def test_results_equal_clean_in_input_order(workers: int) -> None:
    items = DOCS * 3  # more items than the workers have in flight, so order is really at stake
    results = list(clean_many(items, workers=workers, prefetch=2))
    assert [r.id for r in results] == list(range(len(items)))
    assert all(r.ok and r.record is None for r in results)
    assert [r.cleaned.text for r in results if r.cleaned] == [clean(raw).text for raw in items]
    assert [r.cleaned.edits for r in results if r.cleaned] == [clean(raw).edits for raw in items]


@pytest.mark.parametrize("workers", [1, 2])
def test_records_and_pairs_keep_their_ids_and_keys(workers: int) -> None:
    config = Config(disable=["remove_comment_widgets"])
    items = [
        ("a", DOCS[0]),
        {"id": "b", "url": "https://example.com/b", "text": DOCS[1].decode(), "lang": "x"},
        {"id": "c", "html": HTML},
        {"id": "d"},
        {"id": "e", "text": 5},
        ("f", gzip.compress(b"x")[:12]),  # truncated gzip: this item fails, the others do not
    ]
    results = list(clean_many(items, workers=workers, config=config, format="text"))
    assert [r.id for r in results] == ["a", "b", "c", "d", "e", "f"]
    assert results[0].cleaned and results[0].cleaned.text == clean(DOCS[0], config=config, format="text").text
    assert results[1].record == items[1]
    assert results[1].cleaned and results[1].cleaned.text == clean(DOCS[1].decode(), config=config).text
    assert results[2].cleaned and results[2].cleaned.meta.format == "html"
    assert "A sentence of the article body." in results[2].cleaned.text
    assert (results[3].error, results[4].error) == ('the record has no "text" or "html"', '"text" must be a string')
    assert results[5].error == "cleaning failed: Corrupt: gzip data is truncated"
    assert results[5].cleaned is None and not results[5].ok


@pytest.mark.parametrize("workers", [1, 2])
def test_lazy_on_an_endless_stream(workers: int) -> None:
    taken: list[int] = []

    def endless() -> Iterator[str]:
        for number in count():
            taken.append(number)
            yield f"Paragraph number {number}.\n"

    results = clean_many(endless(), workers=workers, prefetch=3)
    first = list(islice(results, 5))
    assert [r.cleaned.text for r in first if r.cleaned] == [f"Paragraph number {n}.\n" for n in range(5)]
    assert len(taken) <= 5 + workers * 3  # read ahead by at most the in-flight bound
    results.close()  # stops the pool


def test_usage_errors() -> None:
    with pytest.raises(TypeError, match="item 1 is a int"):
        list(clean_many(["fine\n", 3]))  # type: ignore[list-item]
    with pytest.raises(ValueError, match="format must be"):
        clean_many([], format="pdf")
    with pytest.raises(ValueError, match="workers must be"):
        clean_many([], workers=-1)
