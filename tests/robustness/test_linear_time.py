"""Every pattern we ship runs in time linear in the line: adversarial lines of a
megabyte and more (long runs of what each pattern repeats) go through the whole
pipeline under a generous time bound."""

from __future__ import annotations

import gc
import json
import re
import time
from pathlib import Path

import pytest

from boilerstrip.cleaners import clean
from boilerstrip.cleaners.rules.book import load_file, shipped_files
from boilerstrip.cleaners.steps import PHRASE_CLEANER_NAMES
from boilerstrip.flows.report import rows
from boilerstrip.flows.report.marking import Piece

MEGABYTE = 1_000_000
BOUND_SECONDS = 20.0  # a backtracking pattern takes hours on these lines, not seconds


def shipped_patterns() -> list[str]:
    return [p for path in shipped_files() for rule in load_file(path, PHRASE_CLEANER_NAMES)[0] for p in rule.patterns]


def fragments() -> list[str]:
    """What patterns repeat: their literal words and punctuation, and the structural
    characters other cleaners loop over (separators, spaces, controls, mojibake)."""
    words = set()
    for pattern in shipped_patterns():
        words.update(w for w in re.findall(r"[a-zà-ÿ]{3,}", pattern.lower()) if len(w) < 15)
    picks = sorted(words)[:: max(1, len(words) // 40)]
    return [
        *(w + " " for w in picks),
        " ",
        "\u00a0",
        "\t",
        "·",
        " | ",
        "#a ",
        "{mosads",
        "<ads",
        "[ad",
        "Tags A ",
        "© ",
        "Ã©",
        "â€™",
        "\r",
        "\n\n\n",
        "a" * 7 + ":",
        "- ",
        "“",
        "…",
        ".",
        "↴",
        "\x00",
    ]


@pytest.mark.parametrize("fragment", fragments())
def test_adversarial_megabyte_line_is_linear(fragment: str) -> None:
    line = (fragment * (MEGABYTE // len(fragment) + 1))[:MEGABYTE] + "!"
    started = time.monotonic()
    result = clean(line)
    seconds = time.monotonic() - started
    assert seconds < BOUND_SECONDS, f"{fragment!r}: {seconds:.1f} s"
    assert isinstance(result.text, str)


def test_the_patterns_of_adversarial_lines_scale_linearly() -> None:
    """Ten times the line, about ten times the time (not a hundred). CPU time of this
    process: other processes on a loaded machine do not count against it."""

    def cost(n: int) -> float:
        text = ("comment reply share " * n)[: 20 * n]
        started = time.process_time()
        clean(text)
        return time.process_time() - started

    small, large = min(cost(20_000) for _ in range(2)), min(cost(200_000) for _ in range(2))
    assert large < 30 * max(small, 0.01)


def phrase_file(path: Path, rules: int) -> Path:
    """A user phrase file of `rules` rules, each with a pattern written as TOML escapes it."""
    entries = (
        f'\n[[remove_navigation_chrome]]\nid = "site.rule{i}"\nreason = "menu"\n'
        f"patterns = ['menu {i} \\\\w{{1,5}}']\n"
        for i in range(rules)
    )
    path.write_text('language = "en"\n' + "".join(entries), encoding="utf-8")
    return path


def test_loading_phrase_rules_scales_linearly(tmp_path: Path) -> None:
    """Ten times the rules, about ten times the time: every rule's line is found near it,
    not by reading the file from the top (20,000 rules once took a minute)."""

    def cost(rules: int) -> float:
        path = phrase_file(tmp_path / f"{rules}.toml", rules)
        started = time.process_time()
        loaded, _ = load_file(path, PHRASE_CLEANER_NAMES)
        seconds = time.process_time() - started
        assert loaded[-1].origin == f"{path}:{5 * rules - 1}"
        return seconds

    small, large = min(cost(1_000) for _ in range(2)), min(cost(10_000) for _ in range(2))
    assert large < 30 * max(small, 0.01)


def test_report_rows_scale_linearly_with_the_lines_a_piece_spans() -> None:
    """A kept or removed piece spanning many lines is spread over them by offset, not by
    slicing off the rest each time (twenty times the lines once took 100 times as long and more)."""

    def cost(lines: int) -> float:
        text = "x\n" * lines
        gc.disable()  # the collector's passes over many new objects are not what is measured
        try:
            started = time.process_time()
            spread = rows(text, [Piece("eq", text)])
            seconds = time.process_time() - started
        finally:
            gc.enable()
        assert len(spread) == lines and spread[-1][0].text == "x\n"
        return seconds

    small, large = min(cost(10_000) for _ in range(3)), min(cost(200_000) for _ in range(2))
    assert large < 60 * max(small, 0.01)


def test_a_report_with_long_diff_log_notes_and_reasons_is_quick(tmp_path: Path) -> None:
    """Issue 13: an 80 KB diff-log note of ``: 'x`` once made the report quadratic. The report
    reads the edit log, never the diff log's notes; a run of them, in the diff log and in
    the text and reasons of the edit log, costs it no more than any other text."""
    from test_report import clean_without_prefect

    from boilerstrip.flows.report import write_report

    raw = tmp_path / "raw"
    raw.mkdir()
    note = ": 'x" * 20_000
    (raw / "a.txt").write_text(f"Council meets on Tuesday.\n\n{note}\n\nBe the first to comment\n", encoding="utf-8")
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    with open(out / "a.diff", "a", encoding="utf-8") as diff:
        diff.write(f"# note{note}\n")
    log = (out / "a.edits.jsonl").read_text(encoding="utf-8")
    (out / "a.edits.jsonl").write_text(log.replace('"reason": "', f'"reason": "{note}'), encoding="utf-8")
    started = time.perf_counter()
    write_report(out)
    assert time.perf_counter() - started < BOUND_SECONDS / 4
    assert json.dumps(note)[1:-1] in (out / "report" / "data" / "0.js").read_text(encoding="utf-8")
