"""remove_announced_lists and remove_button_rows: junk found by its shape, each removal
with its reason; the guards that keep subheadings, introduced lists and prose."""

from __future__ import annotations

from boilerstrip.cleaners import clean


def removals(text: str) -> list[tuple[str, str, str]]:
    result = clean(text)
    return [(e.cleaner, e.rule, e.removed.strip()) for e in result.edits if e.kind == "removal"]


ARTICLE = (
    "The council approved the harbour plan on Tuesday after a long debate about dredging and costs.\n\n"
    "Work is expected to begin in the spring, most of it paid for by the port authority.\n\n"
)


def test_the_headlines_under_an_announcing_heading_go_with_the_reason() -> None:
    text = ARTICLE + "Keep reading\nCouncil budget vote delayed\nTram costs rise again\n"
    result = clean(text)
    assert result.text == ARTICLE.rstrip("\n") + "\n"
    items = [e for e in result.edits if e.rule == "lists.item"]
    assert [e.removed.strip() for e in items] == ["Council budget vote delayed", "Tram costs rise again"]
    assert {e.reason for e in items} == {"an item of the list announced by 'Keep reading'"}
    assert ("remove_announced_lists/v1", "lists.heading", "Keep reading") in removals(text)


def test_a_heading_with_prose_under_it_takes_nothing() -> None:
    text = ARTICLE + "Related\nOwners who track attendance weekly can spot a member drifting away long before.\n"
    assert [r for r in removals(text) if r[0].startswith("remove_announced_lists")] == []


def test_the_last_title_above_prose_is_kept_as_its_subheading() -> None:
    text = ARTICLE + "Also read:\n- How to plan a harbour\n- Dredging explained\nTrend 5: Costs\n" + ARTICLE
    gone = [r[2] for r in removals(text)]
    assert "- How to plan a harbour" in gone and "- Dredging explained" in gone
    assert "Trend 5: Costs" not in gone


def test_a_row_of_buttons_goes_and_a_subheading_of_network_names_stays() -> None:
    text = ARTICLE + "Facebook, Instagram\nMost gyms post schedules there.\n\nJump to Recipe | Pin Recipe\n"
    assert removals(text) == [
        ("remove_button_rows/v1", "lists.button_row", "Jump to Recipe | Pin Recipe"),
    ]
    reason = next(e.reason for e in clean(text).edits if e.rule == "lists.button_row")
    assert reason == "a row of buttons: 'Jump to Recipe', 'Pin Recipe'"


def test_a_label_must_end_where_a_word_ends() -> None:
    """'email' is not the start of 'emailed': a sentence is never read as buttons."""
    text = ARTICLE + "Print emailed\n"
    assert [r for r in removals(text) if r[0].startswith("remove_button_rows")] == []


def test_lines_a_phrase_rule_knows_keep_that_rule() -> None:
    text = ARTICLE + "Share this:\nFacebook\nTwitter\nEmail\n"
    found = removals(text)
    assert ("remove_share_and_follow/v1", "en.share.bar", "Share this:") in found
    assert ("remove_announced_lists/v1", "lists.item", "Facebook") in found


def test_every_shipped_language_has_list_headings_and_labels() -> None:
    from boilerstrip.cleaners.config import Config
    from boilerstrip.cleaners.pipeline import phrase_book

    book = phrase_book(Config())
    for language in ("en", "de", "fr", "es", "pt", "it"):
        assert book.terms[language]["headings"] and book.terms[language]["labels"], language
    assert "facebook" in book.terms["common"]["labels"]
