"""Extraction that cannot lose the article quietly: the pre-pass's guards (visible text,
prose, state words, lists holding blocks), the fall-back from trafilatura's fast mode,
undoing a pre-pass that removed the article, and the review flag when all that fails."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from boilerstrip.cleaners import clean
from boilerstrip.cleaners.input import html
from boilerstrip.cleaners.input.prepass import _furniture, _link_list, prepass, visible_chars

SENTENCE = "The council approved the harbour plan after a long debate about dredging, costs and the fishing fleet."
ARTICLE = "".join(f"<p>{SENTENCE} Paragraph {i} adds detail on the budget and the timetable.</p>" for i in range(5))


@pytest.mark.parametrize(
    "markup",
    [
        '<div class="text-block comments-enabled">x</div>',
        '<div class="article has-tooltip">x</div>',
        '<section class="replies-open">x</section>',
        '<div class="js-share-article">x</div>',
        '<div class="comment-count">x</div>',
    ],
)
def test_class_tokens_naming_a_state_or_a_hook_do_not_name_furniture(markup: str) -> None:
    assert _furniture(lxml_html.fragment_fromstring(markup)) is None


@pytest.mark.parametrize(
    "wrapper",
    ['<div class="newsletter-wrapper">{}</div>', '<div id="share-btn">{}</div>', '<div class="signup-gate">{}</div>'],
)
def test_an_element_holding_article_prose_is_not_furniture(wrapper: str) -> None:
    """Sites wrap the article in `newsletter-wrapper` or `id="share-btn"`: prose decides."""
    nav = "<nav>" + " ".join(f"<a href='/{i}'>Section {i}</a>" for i in range(200)) + "</nav>"  # much page text
    tree = lxml_html.fromstring(f"<html><body>{nav}{wrapper.format(ARTICLE)}</body></html>")
    assert prepass(tree) == []
    share_bar = lxml_html.fromstring(
        f"<html><body>{ARTICLE}<div class='share-bar'>Share Tweet Email</div></body></html>"
    )
    assert [r["reason"] for r in prepass(share_bar)] == ["share bar"]


def test_a_list_announced_before_its_wrapper_is_content() -> None:
    """AsciiDoc writes `<div class="paragraph">...:</div><div class="ulist"><ul>`: the
    sentence announces the list although it is not the list's own neighbour."""
    items = "".join(f'<li><p><a href="/pull/{i}">libgccjit: add support for feature {i}</a></p></li>' for i in range(4))
    intro = "<div class='paragraph'><p>Many patches were sent for review:</p></div>"
    page = f"<div>{intro}<div class='ulist'><ul>{items}</ul></div></div>"
    tree = lxml_html.fromstring(f"<html><body>{ARTICLE}{page}</body></html>")
    assert prepass(tree) == []
    unannounced = lxml_html.fromstring(f"<html><body>{ARTICLE}<div class='ulist'><ul>{items}</ul></div></body></html>")
    assert [r["reason"] for r in prepass(unannounced)] == ["list of links"]


def test_a_code_listing_keeps_its_comments() -> None:
    """A highlighter marks comments in code as `hljs-comment`: the article's text, not a
    comment section (a git tutorial lost half its listings)."""
    code = '<pre><code>git add .<span class="hljs-comment"># stage every change</span></code></pre>'
    tree = lxml_html.fromstring(f"<html><body>{ARTICLE}{code}<div class='comments'>Nice post!</div></body></html>")
    assert [r["reason"] for r in prepass(tree)] == ["comment section"]
    assert "# stage every change" in tree.text_content() and "Nice post!" not in tree.text_content()


def test_the_size_guard_counts_visible_text_only() -> None:
    """382k characters of inline script made a 20k-character article look small."""
    script = "<script>" + "var x = 1;" * 20_000 + "</script>"
    block = "".join(f"<p>Line {i} of the story told in short lines.</p>" for i in range(40))  # no long paragraphs
    page = f"<html><body>{script}<p>Intro.</p><div class='sharing'>{block}</div></body></html>"
    tree = lxml_html.fromstring(page)
    assert visible_chars(tree.find("body")) < 2_000
    assert prepass(tree) == []  # the element holds most of what a reader sees


def test_a_list_holding_the_page_is_not_a_list_of_links() -> None:
    """lxml nests `<main>` inside an unclosed menu `<ul>`: the list holds the article."""
    items = '<li><a href="/a">Council budget vote delayed until new year</a></li>'
    items += '<li><a href="/b">Tram costs rise again this spring</a><main><p>Article.</p></main></li>'
    assert not _link_list(lxml_html.fragment_fromstring(f"<ul>{items}</ul>"))


def _fake_extract(monkeypatch: pytest.MonkeyPatch, answer) -> list[dict]:
    """trafilatura.extract replaced by `answer(tree, fast)`; returns the calls made."""
    import trafilatura

    calls: list[dict] = []

    def extract(tree, **settings):
        calls.append(settings)
        return answer(tree, settings["fast"])

    monkeypatch.setattr(trafilatura, "extract", extract)
    return calls


def test_a_fast_fragment_is_extracted_again_with_the_second_opinion(monkeypatch: pytest.MonkeyPatch) -> None:
    page = f"<html><body><article>{ARTICLE * 4}</article></body></html>"
    calls = _fake_extract(monkeypatch, lambda tree, fast: SENTENCE if fast else "\n".join([SENTENCE] * 20))
    extracted = html.extract(page)
    assert [c["fast"] for c in calls] == [True, False]
    assert extracted.text.count(SENTENCE) == 20
    assert extracted.info["extraction_path"].startswith(
        f"second opinion: the fast result was {len(SENTENCE)} characters"
    )
    assert extracted.info["extractor_settings"]["fast"] is False and "suspect" not in extracted.info


def test_the_second_opinion_reuses_the_parsed_and_pruned_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast result was a fragment: the second opinion gets the tree the fast mode got,
    furniture removed, without parsing the page or running the pre-pass again."""
    page = f"<html><body><article>{ARTICLE * 4}</article><div class='share-bar'>Share</div></body></html>"
    trees: list[object] = []
    parse, run_prepass = html.parse, html.prepass
    monkeypatch.setattr(html, "parse", lambda page: trees.append("parsed") or parse(page))
    monkeypatch.setattr(html, "prepass", lambda tree, chars: trees.append("pruned") or run_prepass(tree, chars))

    def answer(tree, fast):
        trees.append(tree)
        assert tree.find(".//div[@class='share-bar']") is None
        return SENTENCE if fast else "\n".join([SENTENCE] * 20)

    calls = _fake_extract(monkeypatch, answer)
    extracted = html.extract(page)
    assert [c["fast"] for c in calls] == [True, False]
    assert trees[:2] == ["parsed", "pruned"] and len(trees) == 4 and trees[2] is trees[3]
    assert extracted.info["extraction_path"].startswith("second opinion") and extracted.text.count(SENTENCE) == 20


def test_trafilatura_leaves_the_tree_it_is_given_as_it_was() -> None:
    """What the second opinion's reuse of the pruned tree relies on: trafilatura (2.3.1)
    extracts from a copy of a tree it is given, in fast mode and with its second opinion."""
    import trafilatura
    from lxml import etree

    page = (
        "<html><head><title>Harbour</title><script>var x;</script></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Harbour plan</h1>{ARTICLE}<table><tr><td>Cost</td><td>4m</td></tr></table></article>"
        "<aside class='related'><ul><li><a href='/b'>Other story</a></li></ul></aside><footer>(c) Post</footer>"
        "</body></html>"
    )
    tree = html.parse(page)
    assert tree is not None
    before = etree.tostring(tree, encoding="unicode")
    for fast in (True, False):
        assert SENTENCE in (trafilatura.extract(tree, **{**html.SETTINGS, "fast": fast}) or "")
        assert etree.tostring(tree, encoding="unicode") == before


def test_a_good_fast_result_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    page = f"<html><body><article>{ARTICLE}</article></body></html>"
    calls = _fake_extract(monkeypatch, lambda tree, fast: "\n".join(p.text_content() for p in tree.iter("p")))
    assert html.extract(page).info["extraction_path"] == "fast" and len(calls) == 1


def test_a_pre_pass_that_removed_the_article_is_undone_and_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container named like furniture, holding the story in short paragraphs (no guard
    fires), small beside a big menu: the pre-pass removes it, both extractions come back
    short, and the page is extracted once more without the pre-pass."""
    menu = "<nav>" + " ".join(f"<a href='/{i}'>Section {i}</a>" for i in range(400)) + "</nav>"
    story = "".join(f"<p>Short line {i} of the story.</p>" for i in range(60))
    page = f"<html><body>{menu}<div class='sharing'>{story}</div></body></html>"

    def answer(tree, fast):
        kept = tree.find(".//div[@class='sharing']")
        return "Short." if kept is None else "\n".join(p.text_content() for p in kept.iter("p"))

    calls = _fake_extract(monkeypatch, answer)
    result = clean(page.encode(), format="html")
    info = result.meta.extraction
    assert len(calls) == 3 and info["extraction_path"].startswith("without the pre-pass: with it the result was")
    assert [r["reason"] for r in info["prepass_undone"]] == ["share bar"] and info["removed"] == []
    assert "Short line 59 of the story." in result.text
    assert result.meta.needs_review
    assert "extracted without the HTML pre-pass: with it, the article was lost" in result.meta.review_reason


def test_an_extraction_still_suspect_is_flagged_for_review(monkeypatch: pytest.MonkeyPatch) -> None:
    page = f"<html><body><article>{ARTICLE * 4}</article><div class='share-bar'>Share</div></body></html>"
    _fake_extract(monkeypatch, lambda tree, fast: "" if fast else SENTENCE)
    result = clean(page.encode(), format="html")
    assert result.meta.extraction["suspect"].startswith(f"{len(SENTENCE)} characters against ")
    assert result.meta.needs_review
    assert result.meta.review_reason.startswith(
        f"the extracted text looks short or wrong: {len(SENTENCE)} characters against"
    )
    assert result.meta.review_reason.endswith("the pre-pass removed 1 words as furniture")
