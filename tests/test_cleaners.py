"""Unit tests per cleaner: what each removes, with which rule and reason, and what it keeps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip.cleaners import Config, clean, replay
from boilerstrip.cleaners.errors import ReplayError
from boilerstrip.cleaners.input.decode import decode
from boilerstrip.cleaners.model import Edit

ARTICLE = (
    "Council approves budget\n\n"
    "The city council approved the new budget on Tuesday after a long debate about school funding.\n\n"
    "“We had to make hard choices,” the mayor said.\n\n"
    "Critics said the plan relies on optimistic tax forecasts and will need revising next spring.\n"
)


def removals(text: str, **config) -> list[Edit]:
    result = clean(text, config=Config(**config) if config else None)
    assert replay(result.decoded, result.edits) == result.text
    return [e for e in result.edits if e.kind == "removal"]


def only_removal(text: str) -> Edit:
    found = removals(text)
    assert len(found) == 1, [(e.rule, e.removed) for e in found]
    return found[0]


# --- decode -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "encoding", "bom"),
    [
        ("café “x”".encode(), "utf-8", False),
        (b"\xef\xbb\xbfcaf\xc3\xa9", "utf-8", True),
        ("café".encode("utf-16"), "utf-16-le", True),
        ("café au lait".encode("utf-16-be"), "utf-16-be", False),
        ("café au lait".encode("utf-16-le"), "utf-16-le", False),
        ("caf\u00e9 \u201cx\u201d".encode("cp1252"), "cp1252", False),
    ],
)
def test_decode_detects_encoding(raw: bytes, encoding: str, bom: bool) -> None:
    decoded = decode(raw)
    assert decoded.text.startswith("café")
    assert (decoded.encoding, decoded.bom) == (encoding, bom)


def test_decode_records_invalid_bytes_with_offset_and_reason() -> None:
    decoded = decode("café ".encode() + b"\xff\xfe" + b" ok")
    assert decoded.text == "café \ufffd\ufffd ok"
    assert decoded.invalid_bytes == 2
    [fix] = decoded.fixes
    assert (fix.offset, fix.raw) == (6, "fffe")
    assert "replaced by U+FFFD" in fix.reason


def test_decode_mixed_file_decodes_each_line_in_its_own_encoding() -> None:
    decoded = decode("naïve\n".encode() + "“quoted”".encode("cp1252"))
    assert decoded.text == "naïve\n“quoted”"
    assert decoded.encoding == "mixed:cp1252+utf-8"


def test_decode_cp1252_holes_fall_back_to_latin1() -> None:
    assert decode(b"a\x81b\x9dc").text == "a\x81b\x9dc"


def test_undecodable_bytes_flag_the_document_for_review() -> None:
    result = clean(ARTICLE.encode() + b"\xff")
    assert result.meta.needs_review
    assert "1 undecodable bytes" in result.meta.review_reason


# --- fix_encoding -------------------------------------------------------------


@pytest.mark.parametrize(
    "good",
    [
        "“Curly” quotes and it’s apostrophes stay curly.",
        "Full-width ＡＢＣ and ligature ﬁ stay as they are.",
        "Decomposed e\u0301 is not normalised to NFC.",
        "HTML-looking &amp; and &lt;b&gt; stay escaped.",
        "Ellipsis… en–dash em—dash and no\u00a0break spaces.",
        "Ünïcödé, ß, ø, Œuvre, ¿Qué?, ¡Sí!, €5, £3, ©, ®.",
    ],
)
def test_fix_encoding_keeps_correct_text_byte_identical(good: str) -> None:
    result = clean(good)
    assert [e for e in result.edits if e.cleaner.startswith("fix_encoding")] == []
    assert result.text == good + "\n"


def test_fix_encoding_repairs_mojibake_with_one_edit_per_region() -> None:
    result = clean("It\u00e2\u20ac\u2122s \u00c2\u00a9 caf\u00c3\u00a9.")
    fixes = [e for e in result.edits if e.cleaner == "fix_encoding/v1"]
    assert [(e.removed, e.replacement) for e in fixes] == [("â€™", "’"), ("Â©", "©"), ("Ã©", "é")]
    assert all(e.kind == "fix" and e.rule.startswith("fix_encoding.") for e in fixes)
    assert fixes[0].reason == "mojibake 'â€™' repaired to '’'"
    assert result.text == "It’s © café.\n"


# --- normalize_whitespace -------------------------------------------------------


def test_whitespace_edits_are_recorded_but_not_counted_as_removals() -> None:
    result = clean("Title  \r\n\r\n\r\n\r\nBody text here.\u00a0\r\n")
    assert result.text == "Title\n\nBody text here.\n"
    rules = {e.rule for e in result.edits}
    assert {"whitespace.trailing", "whitespace.crlf"} <= rules
    assert all(e.kind == "whitespace" for e in result.edits)
    assert result.meta.words_removed == 0


def test_inner_no_break_spaces_are_kept() -> None:
    assert clean("There are\u00a0new\u00a0cases.").text == "There are\u00a0new\u00a0cases.\n"


def test_control_characters_are_a_fix_not_layout() -> None:
    result = clean("Crit\x00ics said so.")
    [edit] = [e for e in result.edits if e.rule == "whitespace.control"]
    assert (edit.kind, edit.removed) == ("fix", "\x00")


# --- strip_ad_markers ---------------------------------------------------------


def test_inline_ad_marker_is_cut_and_the_sentence_stays() -> None:
    edit = only_removal("{mosads}However, the official would not say more.\n")
    assert (edit.cleaner, edit.rule, edit.removed) == ("strip_ad_markers/v1", "ads.cms_token", "{mosads}")
    assert "CMS ad placeholder" in edit.reason
    assert clean("{mosads}However, the official would not say more.").text == (
        "However, the official would not say more.\n"
    )


@pytest.mark.parametrize("token", ["{/mosads}", "<mosads>", "</mosads>", "{loadposition ad-top}", "[adsense]"])
def test_other_cms_tokens(token: str) -> None:
    text = f"The vote was close {token} and the result was contested.\n"
    assert clean(text).text == "The vote was close and the result was contested.\n"


@pytest.mark.parametrize(
    "label", ["Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Sponsored content"]
)
def test_whole_line_ad_labels(label: str) -> None:
    edit = only_removal(f"First paragraph is here.\n\n{label}\n\nSecond paragraph is here.\n")
    assert (edit.cleaner, edit.rule) == ("strip_ad_markers/v1", "en.ads.label")
    assert edit.reason == "advertising label standing alone on its line"


def test_sentence_about_advertisements_is_kept() -> None:
    assert removals("The advertisement ran during the final and cost millions.\n") == []


def test_code_in_curly_braces_is_not_an_ad_token() -> None:
    assert removals("Write {name} and {address} in the template.\n") == []


# --- phrase cleaners: one representative line each, and the content twin that stays ---


@pytest.mark.parametrize(
    ("junk", "cleaner", "rule", "reason_part"),
    [
        ("Be the first to comment", "remove_comment_widgets", "en.comments.be_first", "empty-thread"),
        ("Leave a Reply", "remove_comment_widgets", "en.comments.leave_reply", "reply form"),
        (
            "Your email address will not be published.",
            "remove_comment_widgets",
            "en.comments.email_not_published",
            "e-mail privacy",
        ),
        ("Comments (12)", "remove_comment_widgets", "en.comments.count", "counter"),
        ("Post a comment", "remove_comment_widgets", "en.comments.leave_reply", "reply form"),
        ("Join the conversation", "remove_comment_widgets", "en.comments.join_conversation", "invitation"),
        (
            "Read our comments policy for guidelines on contributions.",
            "remove_comment_widgets",
            "en.comments.policy",
            "policy",
        ),
        (
            "You must be logged in to post a comment Login",
            "remove_login_prompts",
            "en.login.must_be_logged_in",
            "requires an account",
        ),
        (
            "Log in with Facebook to comment and personalise news, weather and listings.",
            "remove_login_prompts",
            "en.login.social",
            "social login",
        ),
        ("Sign in", "remove_login_prompts", "en.login.button", "login/registration"),
        ("Create Profile", "remove_login_prompts", "en.login.button", "login/registration"),
        ("Subscribe to EIR Online", "remove_subscription_prompts", "en.subscribe.prompt", "subscription"),
        ("Sign up for our daily newsletter", "remove_subscription_prompts", "en.subscribe.newsletter", "newsletter"),
        ("Already a subscriber? Log in", "remove_subscription_prompts", "en.subscribe.paywall", "paywall"),
        ("Share this article", "remove_share_and_follow", "en.share.bar", "share bar"),
        ("Facebook Twitter Email", "remove_share_and_follow", "en.share.bar", "share bar"),
        ("Follow us on Twitter and Instagram", "remove_share_and_follow", "en.share.follow_us", "follow-us"),
        (
            "Copyright 2024 Nexstar Media Inc. All rights reserved. This material may not be published, broadcast, "
            "rewritten, or redistributed..",
            "remove_copyright_footer",
            "copyright.year_line",
            "Copyright <year>",
        ),
        ("© 2024 Example Media", "remove_copyright_footer", "copyright.symbol_line", "starts with ©"),
        (
            "Example Media Ltd. All Rights Reserved.",
            "remove_copyright_footer",
            "en.copyright.rights_reserved",
            "All rights reserved",
        ),
        ("Load more", "remove_navigation_chrome", "en.nav.more_link", "load/read more"),
        ("Back to top", "remove_navigation_chrome", "en.nav.back_to_top", "back-to-top"),
        ("Most Popular", "remove_navigation_chrome", "en.nav.section_heading", "section heading"),
        ("See all Video", "remove_navigation_chrome", "en.nav.more_link", "load/read more"),
        ("Main Area Top ↴", "remove_navigation_chrome", "nav.widget_area_label", "widget area"),
        ("Traffic Alerts", "remove_navigation_chrome", "en.nav.section_heading", "section heading"),
        ("Multimedia · User Galleries · News in Pictures", "remove_navigation_chrome", "nav.menu_line", "menu of 3"),
        ("Tags Ash Carter ISIS Russia Syria", "remove_tag_lists", "en.tags.capitalised", "capitalised names"),
        ("Read more on: us | russia | syria", "remove_tag_lists", "en.tags.labelled", "after a label"),
        ("#climate #energy #policy", "remove_tag_lists", "en.tags.hashtags", "hashtags"),
        ("- Order Reprints", "remove_share_and_follow", "en.share.prompt", "share prompt"),
        (
            "Follow @CityDeals on Twitter to keep up with the latest deals. Prices may change.",
            "remove_share_and_follow",
            "en.share.follow_us",
            "follow-us",
        ),
        (
            "Follow The Times Opinion section on Facebook, Twitter (@TimesOpinion) and Instagram.",
            "remove_share_and_follow",
            "en.share.follow_us",
            "follow-us",
        ),
        (
            "Subscribe to the City News YouTube Channel for all of the latest videos, reviews, and more!",
            "remove_subscription_prompts",
            "en.subscribe.channel",
            "channel, podcast",
        ),
        (
            "Let our news meet your inbox. The stories that matter, delivered weekday mornings.",
            "remove_subscription_prompts",
            "en.subscribe.channel",
            "channel, podcast",
        ),
        (
            "If you buy something through this post, City News may get a share of the sale.",
            "strip_ad_markers",
            "en.ads.affiliate_disclosure",
            "affiliate disclosure",
        ),
        ("Pick Six Newsletter", "remove_subscription_prompts", "en.subscribe.newsletter", "newsletter sign-up"),
        ("Listen: https://po.st/TP_615", "remove_navigation_chrome", "en.nav.label_url", "web addresses"),
        ("Also on rt.com Council approves budget", "remove_navigation_chrome", "en.nav.related_link", "another story"),
        ("UPDATED: Tue., Nov. 19, 2019", "remove_navigation_chrome", "en.nav.timestamp", "time stamp"),
        ("Posted at 10:15 a.m. ET", "remove_navigation_chrome", "en.nav.timestamp", "time stamp"),
    ],
)
def test_phrase_rule_removes_line_with_reason(junk: str, cleaner: str, rule: str, reason_part: str) -> None:
    edit = only_removal(f"{ARTICLE}\n{junk}\n")
    assert (edit.cleaner, edit.rule) == (f"{cleaner}/v1", rule)
    assert reason_part in edit.reason
    assert edit.removed == junk + "\n" or edit.removed == junk


@pytest.mark.parametrize(
    "content",
    [
        "The ministry declined to comment.",
        "He did not respond to a request for comment on Tuesday.",
        'The label read "All rights reserved," but lawyers say it has no force.',
        "Copyright law changed in 1998 when Congress extended protection by twenty years.",
        "Subscribers to the service complained about the price increase in March.",
        "Follow the money, investigators say.",
        "Sign-up rates doubled after the launch.",
        "he said.",
        "Broader plans",
        "Putin, Trump",
        "Yes.",
        "- Load the truck before noon",
        "| Team | Points |",
        "Barcelona 2 · Madrid 1 · Valencia 0",
        "Most popular destinations this summer were in Spain.",
        "Keep an eye on your inbox for messages that ask for a password, the bank warned.",
        "Also on Monday, police arrested two men.",
        "Updated guidance was published on 3 March.",
        "March 3, 2020",
        "The agent may earn a commission of 5 percent, the contract shows.",
        "-5 degrees overnight",
    ],
)
def test_content_that_looks_like_junk_is_kept(content: str) -> None:
    assert removals(f"{ARTICLE}\n{content}\n") == []


def test_phrase_rules_never_touch_long_lines() -> None:
    long_line = "Load more " + "words " * 40
    assert removals(f"{ARTICLE}\n{long_line}\n") == []


# --- phrase lists of other languages: the detected language selects them ---

PT_ARTICLE = (
    "Câmara aprova reajuste da tarifa de ônibus\n\n"
    "A Câmara Municipal aprovou nesta quarta-feira o projeto que reajusta a tarifa do transporte coletivo "
    "a partir de abril, depois de uma sessão de mais de cinco horas.\n\n"
    "A oposição promete recorrer ao Tribunal de Contas e pedir uma auditoria nos contratos das empresas.\n"
)
IT_ARTICLE = (
    "Il consiglio comunale approva il bilancio\n\n"
    "Il consiglio comunale ha approvato nella tarda serata di lunedì il bilancio di previsione per il "
    "prossimo anno, dopo una seduta di oltre sei ore.\n\n"
    "L'opposizione annuncia ricorso e chiede una verifica dei conti da parte della Corte dei conti.\n"
)


@pytest.mark.parametrize(
    ("article", "junk", "cleaner", "rule", "reason_part"),
    [
        (
            PT_ARTICLE,
            "ATENÇÃO: Comentários com textos ininteligíveis ou que faltem com respeito ao usuário não serão "
            "aprovados pelo moderador.",
            "remove_comment_widgets",
            "pt.comments.policy",
            "moderation notice",
        ),
        (PT_ARTICLE, "Seja o primeiro a comentar", "remove_comment_widgets", "pt.comments.be_first", "empty-thread"),
        (PT_ARTICLE, "Faça login para comentar", "remove_login_prompts", "pt.login.must_be_logged_in", "account"),
        (
            PT_ARTICLE,
            "Assine a nossa newsletter",
            "remove_subscription_prompts",
            "pt.subscribe.newsletter",
            "newsletter",
        ),
        (PT_ARTICLE, "Leia também: Obras começam em maio", "remove_navigation_chrome", "pt.nav.read_also", "link"),
        (PT_ARTICLE, "Tempo de leitura: 2 minutos", "remove_navigation_chrome", "pt.nav.reading_time", "reading-time"),
        (
            PT_ARTICLE,
            "Gazeta do Vale Ltda. Todos os direitos reservados.",
            "remove_copyright_footer",
            "pt.copyright.rights_reserved",
            "Todos os direitos reservados",
        ),
        (IT_ARTICLE, "Leggi anche", "remove_navigation_chrome", "it.nav.section_heading", "section heading"),
        (
            IT_ARTICLE,
            "Leggi anche: Al via i lavori del nuovo parcheggio",
            "remove_navigation_chrome",
            "it.nav.read_also",
            "link to another article",
        ),
        (IT_ARTICLE, "Lascia un commento", "remove_comment_widgets", "it.comments.leave_reply", "reply form"),
        (
            IT_ARTICLE,
            "Iscriviti alla newsletter",
            "remove_subscription_prompts",
            "it.subscribe.newsletter",
            "newsletter",
        ),
        (IT_ARTICLE, "Condividi", "remove_share_and_follow", "it.share.bar", "share bar"),
        (
            IT_ARTICLE,
            "Editoriale Adriatica S.r.l. - Tutti i diritti riservati",
            "remove_copyright_footer",
            "it.copyright.rights_reserved",
            "Tutti i diritti riservati",
        ),
        (IT_ARTICLE, "Riproduzione riservata", "remove_copyright_footer", "it.copyright.rights_reserved", "riservata"),
        (IT_ARTICLE, "Accedi", "remove_login_prompts", "it.login.button", "login/registration"),
    ],
)
def test_other_language_rule_removes_line_with_reason(
    article: str, junk: str, cleaner: str, rule: str, reason_part: str
) -> None:
    edit = only_removal(f"{article}\n{junk}\n")
    assert (edit.cleaner, edit.rule) == (f"{cleaner}/v1", rule)
    assert reason_part in edit.reason
    assert edit.removed == junk + "\n"


def test_leggi_anche_in_parentheses_is_cut_from_the_paragraph() -> None:
    text = f"{IT_ARTICLE}\nI comitati hanno raccolto duemila firme. (Leggi anche su: Il Resto di Pesaro)\n"
    result = clean(text)
    [edit] = [e for e in result.edits if e.kind == "removal"]
    assert (edit.rule, edit.removed) == ("it.nav.read_also_inline", "(Leggi anche su: Il Resto di Pesaro)")
    assert "I comitati hanno raccolto duemila firme.\n" in result.text


@pytest.mark.parametrize(
    ("article", "content"),
    [
        (PT_ARTICLE, "O ministério não quis comentar."),
        (PT_ARTICLE, "A empresa tem 1,8 milhão de assinantes."),
        (PT_ARTICLE, "Comentários racistas serão removidos pela plataforma a partir de segunda-feira."),
        (PT_ARTICLE, "O livro traz na contracapa a frase todos os direitos reservados."),
        (PT_ARTICLE, "É proibida a reprodução de obras sem autorização, lembra o advogado."),
        (PT_ARTICLE, "Publicado em 1998, o livro integra a categoria de clássicos."),
        (PT_ARTICLE, "Cadastro"),
        (PT_ARTICLE, "«Sem comentários»"),
        (PT_ARTICLE, "Temas: a seca no Nordeste"),
        (PT_ARTICLE, "Os passos são estes:\n- Cadastre-se\n- Assine"),
        (IT_ARTICLE, "Il ministero ha rifiutato di commentare."),
        (IT_ARTICLE, "La società ha 1,8 milioni di abbonati."),
        (IT_ARTICLE, "I commenti razzisti saranno rimossi dalla piattaforma."),
        (IT_ARTICLE, "La società, partita IVA 01234567890, è fallita."),
        (IT_ARTICLE, "Pubblicato il 12 marzo in Gazzetta Ufficiale"),
        (IT_ARTICLE, "Leggi anche il rapporto della Corte dei conti pubblicato ieri."),
        (IT_ARTICLE, "Stampa"),
        (IT_ARTICLE, "«Nessun commento»"),
        (IT_ARTICLE, "Abbonati in calo"),
        (IT_ARTICLE, "I passaggi sono tre:\n- Registrati\n- Accedi"),
    ],
)
def test_other_language_content_that_looks_like_junk_is_kept(article: str, content: str) -> None:
    assert removals(f"{article}\n{content}\n") == []


def test_articles_select_the_phrase_list_of_their_language() -> None:
    assert [clean(t).meta.language for t in (PT_ARTICLE, IT_ARTICLE)] == ["pt", "it"]


# --- remove_trailer_block ------------------------------------------------------


def test_trailer_takes_site_talk_between_junk_lines_and_keeps_last_paragraph() -> None:
    text = (
        f"{ARTICLE}\nThe final paragraph of the story stays where it is.\n\n"
        "Create Profile\n\nThis username must be unique and will be used in the URL to your profile page.\n\n"
        "Hi News addict,\n\nLog in with Facebook to comment.\n"
    )
    found = removals(text)
    trailer = [e for e in found if e.cleaner == "remove_trailer_block/v1"]
    assert [e.rule for e in trailer] == ["trailer.site_text", "trailer.short_line"]
    assert "trailing block of page furniture that starts with 'Create Profile'" in trailer[0].reason
    assert "The final paragraph of the story stays where it is." in clean(text).text


def test_trailer_stops_at_an_article_sentence() -> None:
    text = f"{ARTICLE}\nLeave a Reply\n\nThe company declined to comment on the report.\n\nBe the first to comment\n"
    result = clean(text)
    assert "The company declined to comment on the report." in result.text
    assert not [e for e in result.edits if e.cleaner == "remove_trailer_block/v1"]


@pytest.mark.parametrize(
    ("article", "middle", "last", "after"),
    [
        (
            ARTICLE,
            "Read next",
            "Residents can register for the hearing until Friday.",
            "Share this article\n\nLeave a Reply",
        ),
        (
            "Die Stadt baut die Brücke über den Fluss neu. Die Arbeiten dauern nach Angaben der Verwaltung "
            "mindestens zwei Jahre, und der Verkehr wird umgeleitet.\n",
            "Lesen Sie auch",
            "Die Stadt informiert künftig per Newsletter über die Baustelle.",
            "Teilen",
        ),
    ],
)
def test_trailer_keeps_a_last_paragraph_that_addresses_nobody(article: str, middle: str, last: str, after: str) -> None:
    """One site word in a news sentence is not the site talking to the reader."""
    result = clean(f"{article}\n{middle}\n\n{last}\n\n{after}\n")
    assert last in result.text
    assert middle not in result.text


def test_one_word_labels_go_only_beside_other_furniture() -> None:
    alone = f"{ARTICLE}\nVideo\n\nThe second half of the story continues here with more detail.\n"
    assert "Video" in clean(alone).text
    beside = f"{ARTICLE}\nVideo\n\nLoad more\n"
    edit = next(e for e in removals(beside) if e.removed.startswith("Video"))
    assert (edit.rule, edit.reason) == (
        "en.nav.site_label",
        "navigation: one-word site link or menu button (beside other page furniture)",
    )


def test_required_field_star_and_guillemets_reach_the_rules() -> None:
    from boilerstrip.cleaners.lines import normalize_line

    assert normalize_line("Name *") == "Name *"
    assert normalize_line("* Home") == "Home"
    assert normalize_line("« Aucun commentaire »") == "« Aucun commentaire »"
    assert normalize_line("Lire la suite »") == "Lire la suite"


@pytest.mark.parametrize(
    ("article", "field", "rule"),
    [
        (
            "Der Stadtrat hat am Dienstag den neuen Haushalt nach langer Debatte über Schulen beschlossen.",
            "Kommentar *",
            "de.",
        ),
        ("Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles.", "Nom *", "fr."),
        (
            "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre las escuelas.",
            "Nombre *",
            "es.",
        ),
    ],
)
def test_required_form_fields_with_their_star_go_in_every_language(article: str, field: str, rule: str) -> None:
    text = f"{article}\n\n{field}\n"
    [edit] = removals(text)
    assert edit.removed == field + "\n" and edit.rule == rule + "comments.email_not_published"


def test_language_is_that_of_the_article_not_of_the_buttons() -> None:
    text = (
        "Le conseil municipal a adopté lundi soir un budget de 318 millions d'euros.\n\n"
        "Schreiben Sie einen Kommentar\n\nSie müssen angemeldet sein, um einen Kommentar schreiben zu können.\n\n"
        "Ihre E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert.\n"
    )
    first = clean(text)
    assert first.meta.language == "fr"
    assert clean(first.text).text == first.text


def test_trailer_gap_is_limited() -> None:
    text = f"{ARTICLE}\nLeave a Reply\n\nShort one\n\nShort two\n\nShort three\n\nBe the first to comment\n"
    result = clean(text, config=Config(trailer_max_gap=2))
    assert "Short one" in result.text and "Short three" in result.text


# --- dedupe_captions -------------------------------------------------------------


def test_repeated_caption_keeps_the_first() -> None:
    text = f"Vladimir Putin and Barack Obama at the UN.\n\nVladimir Putin and Barack Obama at the UN.\n\n{ARTICLE}"
    edit = only_removal(text)
    assert (edit.cleaner, edit.rule, edit.line_start) == ("dedupe_captions/v1", "captions.repeat", 3)
    assert edit.reason == "repeats the line just above (a caption or label shown twice)"


def test_a_block_of_captions_printed_twice_keeps_one_copy() -> None:
    first = "The defence ministers of both countries shake hands in Hanoi on Wednesday before their meeting."
    second = "Vietnamese officials watch as the two delegations sit down at the ministry in central Hanoi."
    text = f"{ARTICLE}\n{first}\n{second}\n{first}\n{second}\n\nThe talks lasted two hours.\n"
    found = removals(text)
    assert [(e.rule, e.removed) for e in found] == [
        ("captions.repeat_block", first + "\n"),
        ("captions.repeat_block", second + "\n"),
    ]
    assert found[0].reason == "repeats the block of 2 line(s) just above"
    verse = "Down the deep road, down the deep road"
    lamp = "Lamp on my cap and the cage going down"
    assert removals(f"{ARTICLE}\n{lamp}\n{verse}\n{lamp}\n{verse}\n") == []  # short lines: verse


def test_far_repeats_and_short_repeats_are_kept() -> None:
    refrain = "And the river keeps on running"
    text = f"{refrain}\n\n{ARTICLE}\n{ARTICLE}\n{refrain}\n\nYes.\n\nYes.\n"
    dedupes = [e for e in removals(text) if e.cleaner == "dedupe_captions/v1"]
    assert all(e.removed.strip() not in (refrain, "Yes.") for e in dedupes)


# --- detect_language and review ---------------------------------------------------


def test_language_is_detected_deterministically() -> None:
    texts = [ARTICLE, "Der Stadtrat hat am Dienstag den neuen Haushalt nach langer Debatte beschlossen."]
    first = [clean(t).meta.language for t in texts]
    assert first == ["en", "de"]
    assert [clean(t).meta.language for t in texts] == first


def test_short_text_language_is_unknown() -> None:
    meta = clean("Hello there").meta
    assert (meta.language, meta.language_prob) == ("unknown", 0.0)


def test_document_losing_most_words_is_flagged() -> None:
    text = "A short note.\n\n" + "\n\n".join(["Load more", "Back to top", "Most Popular", "Sign in", "Subscribe"])
    meta = clean(text).meta
    assert meta.needs_review
    assert "of the words (threshold 40%)" in meta.review_reason


def test_config_switches_a_cleaner_off_and_sets_the_order() -> None:
    text = f"{ARTICLE}\nBack to top\n"
    assert removals(text, disabled=frozenset({"remove_navigation_chrome"})) == []
    assert clean(text, config=Config(order=("normalize_whitespace",))).text == text


# --- replay --------------------------------------------------------------------


def test_replay_refuses_edits_that_do_not_fit() -> None:
    result = clean(f"{ARTICLE}\nBack to top\n")
    with pytest.raises(ReplayError):
        replay(result.decoded.replace("Back", "Bock"), result.edits)


TYPOGRAPHIC = list("\u2018\u2019\u201c\u201d\u2013\u2014\u2026")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from([chr(c) for c in range(0x80) if c != 0x1B] + TYPOGRAPHIC * 20)))
def test_ftfy_repairs_nothing_in_a_line_the_fast_check_passes_over(line: str) -> None:
    """`fix_encoding` hands ftfy only lines with a character some repair could act on; a
    line of ASCII and typographic quotes, dashes and ellipsis is never changed by it."""
    import ftfy

    from boilerstrip.cleaners.steps.encoding import _REPAIRABLE, FTFY_CONFIG

    assert _REPAIRABLE.search(line) is None
    assert ftfy.fix_and_explain(line, config=FTFY_CONFIG)[0] == line
