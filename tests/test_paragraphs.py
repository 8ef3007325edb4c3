"""classify_paragraphs: each feature and threshold on its own, then whole pages.

Threshold tests build their lines from the module's constants, so that they test
the rule ("shorter than LENGTH_LOW is short"), not today's number.
"""

from __future__ import annotations

import pytest

from boilerstrip.cleaners import Config, clean, replay
from boilerstrip.cleaners.config import DEFAULT_ORDER, phrase_book
from boilerstrip.cleaners.context import Context
from boilerstrip.cleaners.language.detect import UNKNOWN, Language
from boilerstrip.cleaners.model import Edit
from boilerstrip.cleaners.steps import PHRASE_CLEANERS, paragraphs
from boilerstrip.cleaners.steps.paragraphs import BAD, GOOD, NEARGOOD, SHORT

ORDER = tuple(
    name
    for name in (
        *DEFAULT_ORDER[: DEFAULT_ORDER.index("dedupe_captions")],
        "classify_paragraphs",
        *DEFAULT_ORDER[DEFAULT_ORDER.index("dedupe_captions") :],
    )
    if name != "remove_announced_lists"  # it takes announced link lists first: the classifier's are tested here
)
NAME = "classify_paragraphs/v1"

# Article prose: about half stopwords, full sentences, each longer than LENGTH_HIGH.
PROSE = [
    "The city council approved the new school budget on Tuesday evening after a long debate about how the "
    "money should be divided between the older buildings and the new programmes that the district wants to "
    "start next year.",
    "Council members voted seven to two in favour of the plan, which adds four million dollars for repairs "
    "and pays for twelve new teachers who will start work at the beginning of the next school year in "
    "September.",
    "The mayor said that the budget was only the first step in a wider effort to improve the schools, and "
    "that she would present a longer plan to the council before the summer break, once the district has "
    "counted its pupils.",
    "Critics said that the plan relies on optimistic tax forecasts and that it will have to be revised before "
    "the next school year begins in the autumn, when the new figures are known and the state has set its own "
    "budget.",
    "Parents who spoke at the meeting said they were glad that the repairs would finally be made, but several "
    "of them asked why the work had taken so long to be approved by the council, and who would pay for the "
    "buses.",
]
MENU = ["World", "Business", "Technology", "Science", "Sports", "Opinion", "Arts", "Travel"]
RELATED = [
    "Mayor Opens New Library Branch Downtown",
    "Police Report Drop in Car Thefts This Winter",
    "Storm Knocks Out Power in the Northern Suburbs",
    "Farmers Market Returns to the Square in April",
]


def ctx_for(language: str = "en") -> Context:
    config = Config(order=ORDER)
    ctx = Context(config=config, book=phrase_book(config))
    ctx.classifiers = tuple(c for c in PHRASE_CLEANERS if c.name in config.enabled())
    ctx.language = Language(language, 1.0 if language != UNKNOWN else 0.0)
    return ctx


def classify(lines: list[str], language: str = "en") -> list[paragraphs.Paragraph]:
    return paragraphs.classify("\n".join(lines) + "\n", ctx_for(language))


def verdicts(lines: list[str], language: str = "en") -> dict[str, str]:
    return {p.text: p.final for p in classify(lines, language)}


def run(text: str) -> tuple[str, list[Edit]]:
    result = clean(text, config=Config(order=ORDER))
    assert replay(result.decoded, result.edits) == result.text
    return result.text, [e for e in result.edits if e.cleaner == NAME]


def words(n: int) -> str:
    """n words of prose-like text with about half stopwords, no final full stop."""
    base = "the council said that it would vote on the plan".split()
    return " ".join(base[i % len(base)] for i in range(n))


def label_of(line: str, language: str = "en") -> str:
    return classify([line], language)[0].label


# --- features and first-pass thresholds ----------------------------------------


def test_stoplists_map_detected_languages_and_fall_back_for_unknown() -> None:
    assert "the" in paragraphs.stoplist("en")
    assert "und" in paragraphs.stoplist("de")
    assert "les" in paragraphs.stoplist("fr")
    assert "el" in paragraphs.stoplist("es")
    unknown = paragraphs.stoplist(UNKNOWN)
    assert {"the", "und", "les", "el"} <= unknown
    assert paragraphs.stoplist("ja") is None  # judged without stopwords


def test_features_are_measured() -> None:
    (p,) = classify(["The Council met on 3 May 2024 and it voted."])
    assert p.words == 10
    assert p.sentence_end
    assert 0.3 < p.density < 0.7
    assert p.digits == pytest.approx(5 / sum(not ch.isspace() for ch in p.text))
    (headline,) = classify(["Council Approves New School Budget"])
    assert headline.title_case == 1.0 and not headline.sentence_end


def test_length_low_separates_short_from_prose() -> None:
    short = words(40)[: paragraphs.LENGTH_LOW - 2] + "."
    long = words(40)[: paragraphs.LENGTH_LOW + 5] + "."
    assert len(short) < paragraphs.LENGTH_LOW <= len(long)
    assert label_of(short) == SHORT
    assert label_of(long) == NEARGOOD


def test_length_high_separates_good_from_near_good() -> None:
    near = words(80)[: paragraphs.LENGTH_HIGH - 10] + "."
    good = words(80)[: paragraphs.LENGTH_HIGH + 10] + "."
    assert label_of(near) == NEARGOOD
    assert label_of(good) == GOOD


def test_low_stopword_density_is_bad_unless_it_reads_as_a_sentence() -> None:
    tags = "budget council schools repairs teachers district funding taxes mayor parents votes forecasts"
    assert paragraphs.LENGTH_LOW <= len(tags)
    p = classify([tags])[0]
    assert p.density < paragraphs.STOPWORDS_LOW and not p.sentence_end
    assert (p.label, p.rule) == (BAD, "paragraphs.low_stopword_density")
    # names and scores: few stopwords, but a sentence
    result = "Nadal beat Khachanov 6-3, 7-6 in the final and then Bautista Agut beat Rublev 3-6, 6-3, 7-6 in Madrid."
    p = classify([result])[0]
    assert paragraphs.SENTENCE_STOPWORDS_LOW <= p.density < paragraphs.STOPWORDS_LOW
    assert p.label == NEARGOOD


def test_digit_heavy_line_is_never_prose_on_its_own() -> None:
    scores = "1. 2024-03-01 12:30 4-2 3-1 0-0 2-2 1-1 5-0 2-1 3-3 (97) 45,000 1,234,567 99.5% 12/12/2024 x"
    p = classify([scores])[0]
    assert len(scores) >= paragraphs.LENGTH_LOW and p.digits >= paragraphs.MAX_DIGIT_SHARE
    assert p.label == SHORT


def test_title_case_line_without_punctuation_is_headline_like() -> None:
    headline = "Mayor Opens New Library Branch Downtown As Council Approves Budget For Schools And Roads"
    assert len(headline) >= paragraphs.LENGTH_LOW
    assert label_of(headline) == SHORT
    assert label_of(headline.lower().capitalize() + ".") == NEARGOOD


def test_copyright_line_is_bad_but_a_story_about_copyright_is_not() -> None:
    p = classify(["Photos: Jane Doe © Example Agency, used with permission of the owner and the city archive"])[0]
    assert (p.label, p.rule) == (BAD, "paragraphs.copyright")
    story = "The copyright case was filed in 2019 by a group of authors who said that their books had been copied."
    assert classify([story])[0].label == NEARGOOD


def test_site_text_is_never_good_on_its_own() -> None:
    # (a cookie notice would be junk by its own rule now: site text that no rule names)
    profile = (
        "Creating your profile lets you manage your account settings and notifications, and our editors "
        "review every comment you submit before it appears on this site."
    )
    p = classify([profile])[0]
    assert p.site_text
    assert p.label == SHORT and p.rule == "paragraphs.site_text"


def test_cjk_characters_weigh_more_than_latin_letters() -> None:
    line = "このご時世パスワードの強化は非常に重要なことであり、日に日に増えていくそのパスワード群を管理しています。"
    p = classify([line], "ja")[0]
    assert p.density is None
    assert p.chars == len(line) + (paragraphs.CJK_CHAR_WEIGHT - 1) * (len(line) - 2)
    assert p.label == NEARGOOD


# --- runs -----------------------------------------------------------------------


def test_consecutive_near_good_paragraphs_are_prose_together() -> None:
    short_news = [words(30)[:130] + ".", words(30)[:140] + ".", words(30)[:150] + "."]
    assert sum(len(x) for x in short_news) >= paragraphs.PROSE_RUN_CHARS
    assert [p.label for p in classify(short_news)] == [GOOD] * 3
    alone = classify([short_news[0]])
    assert alone[0].label == NEARGOOD


def test_a_run_of_link_like_lines_is_a_menu_and_fewer_are_not() -> None:
    n = paragraphs.RUN_MIN_LINES
    doc = [PROSE[0], *MENU[:n], PROSE[1], *MENU[: n - 1], PROSE[2]]
    found = classify(doc)
    assert [p.rule for p in found[1 : n + 1]] == ["paragraphs.menu_run"] * n
    assert all(p.label != BAD for p in found[n + 2 : 2 * n + 1])
    assert "short lines in a row without sentence punctuation (a menu)" in found[1].reason


def test_a_run_of_headlines_is_a_link_list() -> None:
    found = classify([PROSE[0], PROSE[1], *RELATED, PROSE[2]])
    assert {p.rule for p in found[2:6]} == {"paragraphs.link_list"}
    assert all(p.final == BAD for p in found[2:6])


def test_items_of_a_list_that_a_sentence_introduces_are_not_a_menu() -> None:
    items = ["More money for school repairs", "Twelve new teachers", "Longer library hours", "A new bus route"]
    found = verdicts([PROSE[0], "The budget includes the following measures:", *items, PROSE[1]])
    assert all(found[item] == GOOD for item in items)
    assert found["The budget includes the following measures:"] == GOOD


def test_repeated_short_lines_with_numbers_are_templates() -> None:
    stamps = ["2 days ago at 07:52 am", "3 days ago at 10:15 am", "5 days ago at 11:01 am"]
    assert len(stamps) >= paragraphs.REPEAT_MIN
    found = classify([PROSE[0], stamps[0], PROSE[1], stamps[1], PROSE[2], stamps[2], PROSE[3]])
    assert [p.rule for p in found if p.text in stamps] == ["paragraphs.repeated_template"] * 3
    once = classify([PROSE[0], stamps[0], PROSE[1]])
    assert once[1].final == GOOD


# --- second pass: neighbours ----------------------------------------------------


def test_short_lines_between_content_are_content() -> None:
    found = verdicts([PROSE[0], "Broader plans", PROSE[1], '"We had to make hard choices," he said.', PROSE[2]])
    assert found["Broader plans"] == GOOD
    assert found['"We had to make hard choices," he said.'] == GOOD


def test_short_lines_between_boilerplate_are_boilerplate() -> None:
    found = classify([*MENU[:5], "Breaking news", *MENU[5:], PROSE[0], PROSE[1]])
    breaking = found[5]
    assert breaking.final == BAD
    assert breaking.rule == "paragraphs.menu_run"
    lone = classify(["Subscribe today", "Sign up now", *MENU[:4], "Weather", PROSE[0], PROSE[1]])
    assert all(p.final == BAD for p in lone[:6])


def test_last_short_sentence_of_the_document_stays() -> None:
    found = verdicts([PROSE[0], PROSE[1], "Officials said the cases appear to be unrelated."])
    assert found["Officials said the cases appear to be unrelated."] == GOOD


def test_heading_directly_above_a_good_paragraph_stays() -> None:
    found = classify(["Weather", "Traffic", "Schools get their money", PROSE[0], PROSE[1]])
    assert [p.final for p in found] == [BAD, BAD, GOOD, GOOD, GOOD]
    assert found[1].rule == "paragraphs.short_between_boilerplate"
    assert found[1].reason == "short line between the article and boilerplate, with no prose on that side"
    # a heading heads prose, not another heading
    found = classify([PROSE[0], "Weather", "Traffic", "Schools get their money", PROSE[1]])
    assert [p.final for p in found] == [GOOD] * 5  # between article paragraphs: all kept
    found = classify(["Weather", "Schools", "get their money", PROSE[1], PROSE[2]])
    assert [p.final for p in found] == [BAD, BAD, GOOD, GOOD, GOOD]


def test_near_good_between_boilerplate_goes() -> None:
    blurb = "The Daily Example brings you the news from the city and the region every single day of the year."
    found = classify([PROSE[0], PROSE[1], *MENU[:5], blurb, *MENU[5:]])
    p = next(p for p in found if p.text == blurb)
    assert p.label == NEARGOOD
    assert p.final == BAD and p.rule in ("paragraphs.neargood_between_boilerplate", "paragraphs.outside_article")


# --- the article region and the title -------------------------------------------


def test_prose_far_from_the_article_is_outside_it() -> None:
    footer_blurb = PROSE[4].replace("Parents", "Readers")
    assert len(footer_blurb) > paragraphs.LENGTH_HIGH
    found = classify([*MENU, PROSE[0], PROSE[1], PROSE[2], PROSE[3], *RELATED, *MENU, *MENU, footer_blurb, *MENU])
    p = next(p for p in found if p.text == footer_blurb)
    assert p.label == GOOD
    assert (p.final, p.rule) == (BAD, "paragraphs.outside_article")
    assert "below the article" in p.reason


def test_region_weighs_each_boilerplate_line(monkeypatch: pytest.MonkeyPatch) -> None:
    gap = ["Weather", "Traffic", "Schools", "Sports"]  # a menu run of 27 characters
    doc = [PROSE[0], *gap, PROSE[1], PROSE[2]]
    assert [p.final for p in classify(doc)] == [GOOD, BAD, BAD, BAD, BAD, GOOD, GOOD]
    assert paragraphs.article_region(classify(doc)) == (0, 6)  # one article around a small menu
    monkeypatch.setattr(paragraphs, "BAD_LINE_COST", len(PROSE[0]) // 2)
    assert paragraphs.article_region(classify(doc)) == (5, 6)  # the menu now outweighs the paragraph above it
    assert classify(doc)[0].rule == "paragraphs.outside_article"


def test_title_repeating_the_page_title_is_kept() -> None:
    doc = [
        "Council approves new school budget - The Daily Example",
        *MENU,
        *RELATED,
        "Council approves new school budget",
        "By Jane Doe",
        PROSE[0],
        PROSE[1],
        PROSE[2],
    ]
    found = verdicts(doc)
    assert found["Council approves new school budget"] == GOOD
    assert found["Council approves new school budget - The Daily Example"] == BAD


def test_first_line_of_clean_text_is_the_title() -> None:
    found = verdicts(["Council approves new school budget", "March 3, 2024", PROSE[0], PROSE[1]])
    assert found["Council approves new school budget"] == GOOD


# --- whole documents through clean() ---------------------------------------------

PAGE = "\n".join(
    [
        "Council approves new school budget | The Daily Example",
        *MENU,
        "Council approves new school budget",
        "By Jane Doe",
        PROSE[0],
        PROSE[1],
        "Broader plans",
        PROSE[2],
        '"We had to make hard choices," she said.',
        PROSE[3],
        "More from the city desk",
        *RELATED,
        "About the Daily Example",
        "Our Team",
        "Jobs at the Daily Example",
        "Advertise With Us",
        "© 2024 The Daily Example",
    ]
)


def test_page_keeps_the_article_and_drops_menus_teasers_and_footer() -> None:
    text, edits = run(PAGE)
    for kept in [*PROSE[:4], "Broader plans", '"We had to make hard choices," she said.']:
        assert kept in text
    assert text.startswith("Council approves new school budget\n")
    for gone in [*MENU, *RELATED, "Our Team", "Advertise With Us", "© 2024 The Daily Example"]:
        assert gone not in text.splitlines()
    by_line = {e.removed.strip(): e for e in edits}
    assert by_line["Technology"].rule == "paragraphs.menu_run"
    assert by_line["Technology"].reason == (
        "boilerplate paragraph: 1 words, 10 chars, stopword density 0.00; "
        # the page title, the menu, the headline and the byline
        f"one of {1 + len(MENU) + 2} short lines in a row without sentence punctuation (a menu)"
    )
    assert by_line[RELATED[0]].rule == "paragraphs.link_list"
    assert "(a list of links)" in by_line[RELATED[0]].reason
    assert all(e.reason.startswith("boilerplate paragraph: ") for e in edits)


def test_list_inside_an_article_is_kept() -> None:
    items = ["More money for school repairs", "Twelve new teachers", "Longer library hours", "A new bus route"]
    doc = "\n".join([PROSE[0], "The budget includes the following measures:", *items, PROSE[1], PROSE[2]])
    text, edits = run(doc)
    assert edits == []
    assert text == doc + "\n" or text == doc


def test_short_quote_and_subheading_survive_clean() -> None:
    doc = "\n\n".join([PROSE[0], "Broader plans", PROSE[1], "he said.", PROSE[2]])
    text, edits = run(doc)
    assert edits == []
    assert "Broader plans" in text and "he said." in text


@pytest.mark.parametrize("doc", ["", "\n\n", "One line.", "Contact", PROSE[0], "A title\nA line"])
def test_tiny_documents_do_not_crash_or_lose_their_text(doc: str) -> None:
    text, edits = run(doc)
    assert edits == []  # nothing to anchor an article on, or the article is all there is
    assert text.strip() == doc.strip()


def test_no_good_paragraph_means_nothing_is_removed() -> None:
    doc = "\n".join([*MENU, *RELATED, "Subscribe", "Contact"])
    assert paragraphs.ClassifyParagraphs().find(doc, ctx_for()) == []


def test_cleaning_twice_changes_nothing() -> None:
    once = clean(PAGE, config=Config(order=ORDER)).text
    assert clean(once, config=Config(order=ORDER)).text == once


def test_classifier_is_opt_in() -> None:
    assert "classify_paragraphs" not in DEFAULT_ORDER
    assert all(e.cleaner != NAME for e in clean(PAGE).edits)
