"""Memory grows with the largest folder and file, not with the corpus.

Discovery streams: it holds one folder's sorted names at a time, so eight times as
many folders of the same size cost no more memory (measured with tracemalloc on the
real `discover`). It works on plain strings: CPython 3.11's pathlib interns every
name it parses, and the interpreter's table of interned strings then grew, and was
resized, with the corpus (a 2 MB peak at 16,000 files, depending on what earlier
tests had interned). The flow then holds one batch of small records at a time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from boilerstrip.flows.inputs import InputRoot


def peak_while_discovering(root: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in InputRoot.of(root).discover())
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def tree(root: Path, folders: int, per_folder: int) -> Path:
    for f in range(folders):
        folder = root / f"site-{f:03d}"
        folder.mkdir(parents=True)
        for i in range(per_folder):
            (folder / f"article-{i:05d}-with-a-name-as-long-as-real-ones.txt").touch()
    return root


def test_discovery_memory_does_not_grow_with_the_number_of_folders(tmp_path: Path) -> None:
    peak_while_discovering(tree(tmp_path / "warm-up", 2, 10))  # one-time allocations out of the way
    small_count, small_peak = peak_while_discovering(tree(tmp_path / "small", 10, 200))
    large_count, large_peak = peak_while_discovering(tree(tmp_path / "large", 80, 200))
    assert (small_count, large_count) == (2_000, 16_000)
    assert large_peak < 3 * small_peak, (small_peak, large_peak)  # 8 times the files
    tracemalloc.start()
    try:
        everything = list(InputRoot.of(tmp_path / "large").discover())
        as_list = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(everything) == 16_000 and large_peak < as_list / 4, (large_peak, as_list)  # holding them all
