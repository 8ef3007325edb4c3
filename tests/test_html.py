"""HTML input: charset, sniffing, the structural pre-pass, metadata, the time limit."""

from __future__ import annotations

import time

import pytest
from lxml import html as lxml_html

from boilerstrip.cleaners import Config, clean
from boilerstrip.cleaners.input import html
from boilerstrip.cleaners.input.html import ExtractionTimeout, declared_charset, looks_like_html
from boilerstrip.cleaners.input.prepass import _JUNK_PAIRS, _PAIR_ANCHORS, _furniture, _link_list, prepass, words
from boilerstrip.flows.inputs import InputRoot, Item
from boilerstrip.flows.work import Job, Task, run_one


def test_declared_charset_follows_browsers() -> None:
    assert declared_charset(b'<meta charset="ISO-8859-1">') == "cp1252"
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">') == "koi8-r"
    assert declared_charset(b'<meta charset="no-such-codec">') is None


LYING_PAGE = (
    "<html><head><meta charset='{charset}'><title>Le conseil</title></head><body><article>"
    "<p>Le conseil municipal s'est réuni à Besançon mardi soir pour voter le budget de l'année prochaine.</p>"
    "<p>« Nous avons dû faire des choix difficiles », a déclaré la maire, après un débat de trois heures.</p>"
    "</article></body></html>"
)


@pytest.mark.parametrize("charset", ["windows-1251", "iso-8859-2", "iso-8859-5", "koi8-r"])
def test_a_single_byte_charset_declared_on_utf8_bytes_is_not_believed(charset: str) -> None:
    """Bytes that are valid UTF-8, multibyte sequences and all, are not text in a legacy
    single-byte charset (in those, letters come in runs no UTF-8 allows): the page lies."""
    result = clean(LYING_PAGE.format(charset=charset).encode("utf-8"), format="html")
    assert "s'est réuni à Besançon" in result.text and "« Nous avons dû" in result.text
    assert result.meta.encoding == "utf-8"
    cyrillic = "<html><head><meta charset='{}'></head><body><p>Совет собрался во вторник вечером.</p></body></html>"
    for legacy in ("windows-1251", "koi8-r", "iso-8859-5"):  # a page that tells the truth is read as it says
        assert "Совет собрался" in clean(cyrillic.format(legacy).encode(legacy), format="html").text


def test_html_is_recognised_by_content() -> None:
    assert looks_like_html("<!-- x -->\n<!DOCTYPE html><html><body><p>Hi</p></body></html>")
    assert looks_like_html("<div><p>a</p><p>b</p><span>c</span><a href=x>d</a><br></div>")
    assert not looks_like_html("An article that mentions <b> once.\n\nAnd goes on in plain text.")


def test_class_names_are_split_into_whole_words() -> None:
    assert words("js-shareBar comment_list") == {"js", "share", "bar", "comment", "list"}
    assert "ad" not in words("add-to-cart")


@pytest.mark.parametrize(
    ("markup", "why"),
    [
        ('<div id="comments">x</div>', "comment section"),
        ('<ol class="commentList">x</ol>', "comment section"),
        ('<div class="share-bar">x</div>', "share bar"),
        ('<div class="newsletter-signup">x</div>', "newsletter box"),
        ('<div class="cookie-banner">x</div>', "cookie banner"),
        ('<form><input type="password"></form>', "login or sign-up form"),
        ('<div role="dialog" aria-modal="true">x</div>', "modal dialog"),
        ('<div class="share-price">x</div>', None),
        ('<div class="cookie-recipe">x</div>', None),
        ('<div class="social-media-history">x</div>', None),
        ('<div class="paywall">x</div>', None),
        ('<div class="add-to-cart">x</div>', None),
        ('<span class="rollover-people-block">x</span>', "hover card"),
        ('<div class="RecommendedRecirc">x</div>', "recommendation widget"),
        ('<div class="latest-news-box">x</div>', "related stories"),
        ('<div class="latest-score">x</div>', None),
        ('<div class="news-story">x</div>', None),
    ],
)
def test_furniture_by_tag_role_id_and_class(markup: str, why: str | None) -> None:
    element = lxml_html.fragment_fromstring(markup)
    assert _furniture(element) == why


def test_prepass_spares_big_blocks_that_may_be_the_article() -> None:
    article = "<p>" + "Long article text. " * 50 + "</p>"
    tree = lxml_html.fromstring(f'<html><body><div class="share-this">{article}</div><p>x</p></body></html>')
    assert prepass(tree) == []
    comments = "<p>" + "A long comment. " * 60 + "</p>"
    tree = lxml_html.fromstring(f'<html><body><p>Short post.</p><div id="comments">{comments}</div></body></html>')
    assert [r["reason"] for r in prepass(tree)] == ["comment section"]  # threads may outgrow the post


def test_every_pair_has_a_word_that_makes_elements_candidates() -> None:
    assert all(pair & _PAIR_ANCHORS for pair in _JUNK_PAIRS)


def test_hover_card_goes_but_the_name_it_hangs_on_stays() -> None:
    tree = lxml_html.fromstring(
        '<html><body><p>He threatened Rep. <span class="rollover-people"><a href="/p/1">Jane Roe</a>'
        '<span class="rollover-people-block">Jane Roe backs new budget bill</span></span> in March.</p>'
        "<p>Prosecutors said he left six messages over two days and faces up to five years in prison.</p></body></html>"
    )
    assert [(r["name"], r["reason"]) for r in prepass(tree)] == [("rollover-people-block", "hover card")]
    assert tree.text_content().startswith("He threatened Rep. Jane Roe in March.Prosecutors")


@pytest.mark.parametrize(
    ("items", "is_links"),
    [
        (
            ['<a href="/a">Council budget vote delayed until new year</a>', '<a href="/b">Tram costs rise again</a>'],
            True,
        ),
        (
            ['<a href="/a">Headphones for $179 at Shopmart today</a>', '<a href="/b">Earbuds for $89 at Bigbox</a>'],
            False,
        ),
        (['<a href="#one">Over-ear headphones worth buying</a>', '<a href="#two">Earbuds for the gym</a>'], False),
        (['<a href="/a">News</a>', '<a href="/b">Sport</a>', '<a href="/c">Weather</a>'], False),
        (['Read <a href="/a">the full report</a> on the council website today', '<a href="/b">Minutes</a>'], False),
        (['<a href="/a">Only one item in this list of links</a>'], False),
    ],
)
def test_lists_of_links_to_other_pages(items: list[str], is_links: bool) -> None:
    element = lxml_html.fragment_fromstring("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
    assert _link_list(element) is is_links


def test_a_list_of_links_that_a_sentence_announces_is_content() -> None:
    links = '<li><a href="/a">The 2024 headphone lab report</a></li><li><a href="/b">Battery life of earbuds</a></li>'
    page = lxml_html.fromstring(f"<div><p>Our testers relied on two reviews:</p><ul>{links}</ul><ul>{links}</ul></div>")
    first, second = page.findall("ul")
    assert not _link_list(first) and _link_list(second)  # the second follows a list, not an announcement


def test_metadata_and_language_come_from_the_page() -> None:
    page = (
        '<html lang="fr-FR"><head><title>Le port</title><meta name="author" content="Marie Dupont">'
        '<meta property="article:published_time" content="2024-05-01"></head><body><article><h1>Le port</h1>'
        "<p>Le conseil municipal a adopté lundi soir un nouveau plan de dragage du port après des mois de "
        "débats avec les pêcheurs de la baie.</p></article></body></html>"
    )
    result = clean(page.encode())
    info = result.meta.extraction
    assert (result.meta.format, result.meta.language, result.meta.language_source) == ("html", "fr", "html-lang")
    assert (info["title"], info["author"], info["date"]) == ("Le port", "Marie Dupont", "2024-05-01")
    assert info["extractor"] == "trafilatura" and info["extractor_settings"]["include_comments"] is False


def slow_extract(*_args, **_kwargs):
    time.sleep(3)
    return "never"


def test_extraction_over_its_time_limit_fails_the_page(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", slow_extract)
    page = b"<html><body><p>" + b"text " * 100 + b"</p></body></html>"
    started = time.monotonic()
    with pytest.raises(ExtractionTimeout, match=r"longer than 0\.2 s"):
        clean(page, config=Config(extract_timeout=0.2))
    assert time.monotonic() - started < 2
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "slow.html").write_bytes(page)
    job = Job(InputRoot.of(tmp_path / "raw"), str(tmp_path / "out"), Config(extract_timeout=0.2), "fp")
    record = run_one(job, Task(Item("slow.html", "slow.txt", "html")))
    assert record["status"] == "failed"
    assert record["error"] == "cleaning failed: ExtractionTimeout: extraction took longer than 0.2 s"


def test_the_extractors_own_error_handling_cannot_swallow_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page is parsed as trafilatura's load_html parses it, which catches `Exception`
    around its parse and parses again, with no timer left: the limit must pass through it."""
    parse = html.fromstring

    def slow_parse(*args, **kwargs):
        time.sleep(1)
        return parse(*args, **kwargs)

    monkeypatch.setattr(html, "fromstring", slow_parse)
    page = b"<html><body><p>" + b"text " * 100 + b"</p></body></html>"
    started = time.monotonic()
    with pytest.raises(ExtractionTimeout, match=r"longer than 0\.2 s"):
        clean(page, config=Config(extract_timeout=0.2))
    assert time.monotonic() - started < 2


def test_page_title_goes_only_when_opted_in_and_only_as_the_first_line() -> None:
    from boilerstrip.cleaners.steps.title import headline_keys

    assert headline_keys(("Library opens on Sundays | Riverton Post",)) == {
        "library opens on sundays | riverton post",
        "library opens on sundays",
        "riverton post",
    }
    page = (
        b"<html lang='en'><head><title>Library opens on Sundays | Riverton Post</title></head><body><article>"
        b"<h1>Library opens on Sundays</h1><p>Riverton's central library will open on Sundays from March, the "
        b"council said on Thursday, after a survey of residents.</p></article></body></html>"
    )
    default = clean(page)
    assert default.text.startswith("Library opens on Sundays\n")  # the headline is content by default
    opted = clean(page, config=opted_config())
    [edit] = [e for e in opted.edits if e.kind == "removal"]
    assert (edit.cleaner, edit.rule, edit.removed) == (
        "remove_page_title/v1",
        "title.page_headline",
        "Library opens on Sundays\n",
    )
    assert (
        "extraction.title" in edit.reason
        and opted.meta.extraction["title"] == "Library opens on Sundays | Riverton Post"
    )
    text_input = clean(b"Library opens on Sundays\n\nThe library will open.\n", config=opted_config())
    assert text_input.text.startswith("Library opens on Sundays")  # text declares no headline


def opted_config() -> Config:
    from boilerstrip.cleaners.config import DEFAULT_ORDER

    return Config(order=("remove_page_title", *DEFAULT_ORDER))


PAGE_BODY = (
    "<body><article><p>Le conseil municipal a adopté lundi soir un nouveau plan de dragage du port après des "
    "mois de débats avec les pêcheurs de la baie.</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("head", "url"),
    [
        (
            '<link rel="canonical" href="https://ex.fr/a"><meta property="og:url" content="https://m.ex.fr/a">',
            "https://ex.fr/a",
        ),
        ('<meta property="og:url" content="https://m.ex.fr/a">', "https://m.ex.fr/a"),
        (
            '<link rel="Canonical alternate" href="/a?x=1"><meta property="og:url" content="https://ex.fr/b/c">',
            "https://ex.fr/a?x=1",
        ),
        ('<link rel="canonical" href="/a">', "/a"),  # nothing to resolve it against: kept as written
        ("<title>Le port</title>", None),
    ],
)
def test_the_page_url_is_its_canonical_link_else_og_url(head: str, url: str | None) -> None:
    result = clean(f"<html><head>{head}</head>{PAGE_BODY}".encode())
    assert result.meta.url == url


PARSER_CASES = {
    "page": "<!DOCTYPE html>\n<html lang='en'><head><title>T</title></head><body><p>Story.</p>"
    "<form><input type='email'><label>Mail</label><select><option>a</option></select></form></body></html>",
    "xml declaration": "<?xml version='1.0' encoding='utf-8'?><html><body><p>Story.</p></body></html>",
    "doctype line": "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'>\n<html><body><p>A</p></body></html>",
    "self-closing html": "<html lang='en'/>\n<body><p>Story.</p></body>",
    "fragment": "<p>Story.</p><p>More.</p>",
    "one element": "<p>Story.</p>",
    "plain text": "Only words, no markup.",
    "invalid characters": "<html><body><p>Story\x00 with\x0b controls.</p><!-- gone --><?pi gone?></body></html>",
    "empty": "",
}


@pytest.mark.parametrize("case", sorted(PARSER_CASES))
def test_the_page_is_parsed_as_trafilaturas_loader_parses_it(case: str) -> None:
    """`html.parse` stands in for trafilatura's `load_html` (with a faster class lookup):
    the same tree, or the same refusal, so extraction sees what it would alone."""
    from lxml import etree
    from trafilatura.utils import load_html

    page = PARSER_CASES[case]
    ours, theirs = html.parse(page), load_html(page)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")


def test_parsed_elements_are_created_without_a_python_class_lookup() -> None:
    """lxml.html's parser runs a Python method for each element proxy (thousands a page);
    ours looks the class up in C: every element, forms too, is a plain HtmlElement."""
    tree = html.parse(PARSER_CASES["page"])
    assert tree is not None
    assert {type(element) for element in tree.iter()} == {lxml_html.HtmlElement}
