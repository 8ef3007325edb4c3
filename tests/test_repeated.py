"""remove_repeated_lines: lines a site repeats on many pages go, with the count as the
reason; sentences, long lines, datelines and rare lines stay; without corpus statistics
nothing happens (tests/test_corpus_stats.py runs the flow's statistics pass)."""

from __future__ import annotations

import pytest

from boilerstrip.cleaners import Config, clean, replay
from boilerstrip.cleaners.model import SiteRepeats
from boilerstrip.cleaners.pipeline import repeated_line_hashes
from boilerstrip.cleaners.steps.repeated import document_hashes, line_hash, line_key, select

ARTICLE = (
    "The council approved the budget on Tuesday after a long debate about schools.\n\n"
    "Critics said the plan relies on optimistic forecasts.\n\n"
    "Sign up for the Morning Briefing\n\n"
    "Posted 2016-12-27 21:56\n\n"
    "The vote was 7 to 2.\n"
)


def repeats_for(*lines: str, count: int = 37, documents: int = 40, site: str = "example.com") -> SiteRepeats:
    return SiteRepeats(site, documents, {line_hash(line_key(line, 100)): count for line in lines})


def test_a_repeated_line_goes_with_its_count_as_the_reason() -> None:
    result = clean(ARTICLE, repeats=repeats_for("Sign up for the Morning Briefing"))
    assert "Sign up for the Morning Briefing" not in result.text
    removed = [e for e in result.edits if e.cleaner == "remove_repeated_lines/v1"]
    assert [(e.rule, e.reason, e.removed) for e in removed] == [
        (
            "repeated.site_line",
            "line repeated in 37 of 40 documents of site example.com",
            "Sign up for the Morning Briefing\n",
        )
    ]
    assert replay(result.decoded, result.edits) == result.text
    assert clean(result.text, repeats=repeats_for("Sign up for the Morning Briefing")).text == result.text


def test_lines_are_compared_normalised_and_case_folded() -> None:
    result = clean(
        ARTICLE.replace("Sign up for", "•  SIGN UP   for"), repeats=repeats_for("sign up for the morning briefing")
    )
    assert "SIGN UP" not in result.text


def test_without_statistics_nothing_changes() -> None:
    assert clean(ARTICLE).text == clean(ARTICLE, repeats=SiteRepeats("example.com", 40, {})).text
    assert not [e for e in clean(ARTICLE).edits if e.cleaner.startswith("remove_repeated_lines")]


@pytest.mark.parametrize(
    "line",
    ["Critics said the plan relies on optimistic forecasts.", "The vote was 7 to 2.", "“Not today,” she said."],
)
def test_sentences_stay_however_often_they_repeat(line: str) -> None:
    assert line_key(line, 100) is None
    every_site_page = SiteRepeats("example.com", 40, {line_hash(" ".join(line.split()).casefold()): 40})
    assert line in clean(ARTICLE + "\n" + line + "\n", repeats=every_site_page).text


def test_guards_of_the_candidate_lines() -> None:
    assert line_key("2016-12-27 21:56", 100) is None  # a dateline: no letters to speak of
    assert line_key("* * *", 100) is None  # a section break
    assert line_key("x" * 101, 100) is None and line_key("x" * 100, 100) == "x" * 100
    assert line_key("Read the full story »", 100) == "read the full story"  # decoration trimmed, as phrase rules do
    assert line_key("« Ça suffit »", 100) is None  # a quotation
    assert line_key("  Follow us on Twitter  ", 100) == "follow us on twitter"
    assert line_hash("follow us on twitter") == line_hash("follow us on twitter")
    assert line_hash("follow us on twitter") == 0x603A9E397EE7C20D  # stable across processes and runs


def test_thresholds_are_named_config_parameters() -> None:
    config = Config(repeated_min_documents=5, repeated_min_share=0.5)
    assert select("s", 40, [(1, 20), (2, 19), (3, 40)], config).lines == {1: 20, 3: 40}
    assert select("s", 6, [(1, 4), (2, 5)], config).lines == {2: 5}  # at least 5 documents
    assert select("s", 6, [(1, 4), (2, 5)], Config(repeated_min_documents=2, repeated_min_share=0.75)).lines == {2: 5}
    assert select("s", 3, [(1, 3)], config).lines == {}  # a small site proves nothing


def test_the_map_step_reads_documents_as_clean_does() -> None:
    html = (
        "<html><body><nav>Home | News</nav><article><h1>Budget</h1><p>The council approved the budget on Tuesday "
        "after a long debate about schools and roads in the north.</p><p>Sign up for the Morning Briefing</p>"
        "</article></body></html>"
    )
    assert line_hash(line_key("Sign up for the Morning Briefing", 100)) in repeated_line_hashes(html.encode())
    assert document_hashes(ARTICLE, 100) == repeated_line_hashes(ARTICLE.encode("utf-16"), format="text")
