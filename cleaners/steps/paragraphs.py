"""`classify_paragraphs`: a whole page's visible text, reduced to its article.

A naive scraper saves every block of a page as a line: menus, teasers, footers,
and the article somewhere in the middle. No phrase list knows a site's section
names, so this cleaner judges each non-blank line (a "paragraph") by its shape,
the way jusText does:

1. A first pass labels each paragraph from its own features: length, stopword
   density for the detected language, sentence punctuation, Title Case, digits,
   whether a phrase rule calls it page furniture or it is the site talking about
   itself. Labels: good (article prose), near-good (prose-like but short),
   short (too short to tell) and bad.
2. Runs stand in for the markup jusText reads (plain text has no link density):
   several near-good paragraphs in a row are prose; a run of short lines without
   sentence punctuation is a menu or a list of links; short lines with numbers
   whose shape repeats are templates (comment dates, vote counts, prices).
3. A second pass settles short and near-good paragraphs from their nearest
   good/bad neighbours: a subheading, a one-line quote or a list item between
   article paragraphs is content; a short line among menu items is a menu item.
4. The article is the region where good text most outweighs boilerplate; good
   text outside it (teasers, site blurbs, comments past the footer) goes. The
   title above it stays.

Step 1 is `paragraph_features`; steps 2-4 are here. The cleaner is opt-in (not in
`DEFAULT_ORDER`): its verdicts rest on the document as a whole, and on text that is
already clean (an extractor's output, the seeds) it can only remove content, such
as a data table or a list it takes for a menu. When it finds no good paragraph at
all it removes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from ..context import Context
from ..lines import ends_with, line_spans, sentence_end, whole_line
from ..model import Span
from ..registry import Cleaner, register
from .paragraph_features import (
    BAD,
    CJK_CHAR_WEIGHT,
    EDGE,
    GOOD,
    LENGTH_HIGH,
    LENGTH_LOW,
    MAX_DIGIT_SHARE,
    NEARGOOD,
    SENTENCE_STOPWORDS_LOW,
    SHORT,
    STOPWORDS_LOW,
    WORD,
    Paragraph,
    features,
    first_pass,
    stoplist,
)

__all__ = [  # the first pass's names, for readers and tests of the whole step
    "BAD",
    "CJK_CHAR_WEIGHT",
    "GOOD",
    "LENGTH_HIGH",
    "LENGTH_LOW",
    "MAX_DIGIT_SHARE",
    "NEARGOOD",
    "SENTENCE_STOPWORDS_LOW",
    "SHORT",
    "STOPWORDS_LOW",
    "ClassifyParagraphs",
    "Paragraph",
    "article_region",
    "classify",
    "stoplist",
]

# --- runs: what the markup would have told -------------------------------------

PROSE_RUN_CHARS = 400
"""Two or more near-good paragraphs in a row, this many characters together, are
article prose (news sites write one or two sentences a paragraph): good."""
RUN_MIN_LINES = 4
"""This many link-like lines in a row (short, no sentence punctuation) are a menu
or a list of links to other stories: bad."""
LINK_MAX_CHARS = 150
"""A longer line is not link-like: a link is a name or a headline."""
MENU_ITEM_WORDS = 3
"""A run whose lines average at most this many words is a menu; longer, a link list
(only the rule id and reason differ)."""
LIST_INTRO_WORDS = 3
"""A line of at least this many words ending in a colon introduces a list whose
items are content ("The measures include:"); "Related:" or "Share:" do not."""
REPEAT_MIN = 3
"""A short line with numbers whose shape (the numbers aside) recurs this often is
a template: comment meta ("2 days ago at 07:52 am"), vote counts, prices. Repeats
without numbers may be a guide's own subheadings: those are left to neighbours."""

# --- the article region --------------------------------------------------------

BAD_LINE_COST = 20
"""In the search for the article region, each boilerplate line weighs this many
characters against it besides its own length, so that a run of many short menu
lines separates two stretches of prose as a long blurb would."""
TITLE_MAX_GAP_LINES = 6
"""The article's title is kept when at most this many lines (byline, date, a
caption) separate it from the article region: the document's first line when the
article follows it (clean text), else a line just above the article that repeats
the first line's headline (a page's <title> "Headline - Site", then its <h1>)."""

TITLE_MIN_WORDS = 3
"""A title has a few words; a one- or two-word first line is a menu item or a logo."""


SENTENCE_END = sentence_end(single_quote=True, cjk=True)
"""A sentence really closed: what link-like lines and templates lack, and what keeps a document's last line."""
_DIGITS = re.compile(r"\d+")
_TITLE_PARTS = re.compile(r"\s+[-–—|·»:]\s+")


def _runs(paras: list[Paragraph], member: Callable[[Paragraph], bool]) -> list[tuple[int, int]]:
    """[start, end) of each maximal run of consecutive paragraphs for which `member` holds."""
    runs, i = [], 0
    while i < len(paras):
        j = i
        while j < len(paras) and member(paras[j]):
            j += 1
        if j > i:
            runs.append((i, j))
        i = j + 1
    return runs


def _link_like(p: Paragraph) -> bool:
    return (
        p.label in (SHORT, NEARGOOD)
        and p.chars <= LINK_MAX_CHARS
        and not ends_with(p.text, SENTENCE_END)
        and not p.text.endswith(":")
        and not p.structured
    )


def _introduces_list(p: Paragraph) -> bool:
    """A sentence ending in a colon ("The measures include:") announces a list."""
    return p.text.endswith(":") and p.words >= LIST_INTRO_WORDS and p.label != BAD


def mark_prose_runs(paras: list[Paragraph]) -> None:
    for i, j in _runs(paras, lambda p: p.label == NEARGOOD):
        if j - i >= 2 and sum(p.chars for p in paras[i:j]) >= PROSE_RUN_CHARS:
            for p in paras[i:j]:
                p.label = GOOD


def mark_templates(paras: list[Paragraph]) -> None:
    shapes = Counter(_DIGITS.sub("0", p.text.casefold()) for p in paras)
    for p in paras:
        count = shapes[_DIGITS.sub("0", p.text.casefold())]
        if (
            p.label == SHORT
            and count >= REPEAT_MIN
            and any(ch.isdigit() for ch in p.text)
            and not ends_with(p.text, SENTENCE_END)
            and not p.structured
        ):
            p.label, p.rule = BAD, "paragraphs.repeated_template"
            p.reason = f"a short line with numbers whose shape recurs {count} times (dates, counts, prices of a list)"


def mark_link_runs(paras: list[Paragraph]) -> None:
    for i, j in _runs(paras, _link_like):
        if j - i < RUN_MIN_LINES or (i > 0 and _introduces_list(paras[i - 1])):
            continue
        run = paras[i:j]
        menu = sum(p.words for p in run) / len(run) <= MENU_ITEM_WORDS
        rule, what = ("paragraphs.menu_run", "a menu") if menu else ("paragraphs.link_list", "a list of links")
        for p in run:
            p.label, p.rule = BAD, rule
            p.reason = f"one of {len(run)} short lines in a row without sentence punctuation ({what})"


def _nearest(paras: list[Paragraph], labels: tuple[str, ...], step: int) -> list[str]:
    """For each paragraph, the final label (one of `labels`) of the nearest other
    paragraph in direction `step` that has one, or EDGE."""
    out = [EDGE] * len(paras)
    seen = EDGE
    order = range(len(paras)) if step == -1 else range(len(paras) - 1, -1, -1)
    for i in order:
        out[i] = seen
        if paras[i].final in labels:
            seen = paras[i].final
    return out


def _heads_prose(paras: list[Paragraph], i: int) -> bool:
    """Is the paragraph right below good on its own (first-pass label)? Then a short
    line is its heading. (jusText looks 200 characters down from real <h1>-<h6>
    elements; in plain text any short line may be a heading, so only the line
    right above a good paragraph counts, and a heading does not make the line
    above it a heading in turn.)"""
    return i + 1 < len(paras) and paras[i + 1].label == GOOD


def second_pass(paras: list[Paragraph]) -> None:
    """Settle short and near-good paragraphs from their nearest good or bad
    neighbours (jusText's context-sensitive pass). The document's start and end
    weigh like boilerplate, except that a sentence ending the document stays."""
    for p in paras:
        p.final = p.label
    for i, p in enumerate(paras):
        if p.label == SHORT and not p.rule and _heads_prose(paras, i):
            p.final = NEARGOOD
    before, after = _nearest(paras, (GOOD, BAD), -1), _nearest(paras, (GOOD, BAD), 1)
    near_before, near_after = _nearest(paras, (GOOD, BAD, NEARGOOD), -1), _nearest(paras, (GOOD, BAD, NEARGOOD), 1)
    settled: dict[int, str] = {}
    for i, p in enumerate(paras):
        if p.final != SHORT:
            continue
        sides = {before[i], after[i]}
        if sides == {GOOD} or sides == {EDGE}:
            settled[i] = ""
        elif GOOD not in sides:
            settled[i] = "between boilerplate lines"
        elif (before[i] != GOOD and near_before[i] == NEARGOOD) or (after[i] != GOOD and near_after[i] == NEARGOOD):
            settled[i] = ""  # prose-like text on the boilerplate side too
        elif EDGE in sides and ends_with(p.text, SENTENCE_END):
            settled[i] = ""  # the article's last line, "he said."
        else:
            settled[i] = "between the article and boilerplate, with no prose on that side"
    for i, why in settled.items():
        p = paras[i]
        if not why:
            p.final = GOOD
        elif p.rule:  # site text
            p.bad(p.rule, f"{p.reason}, {why}")
        else:
            p.bad("paragraphs.short_between_boilerplate", f"short line {why}")
    after = _nearest(paras, (GOOD, BAD), 1)
    last = EDGE  # in order, as jusText: a near-good paragraph sees its settled predecessors
    for i, p in enumerate(paras):
        if p.final == NEARGOOD:
            if BAD in (last, after[i]) and GOOD not in (last, after[i]):
                p.bad("paragraphs.neargood_between_boilerplate", "prose-like but short, between boilerplate lines")
            else:
                p.final = GOOD
        if p.final in (GOOD, BAD):
            last = p.final


def article_region(paras: list[Paragraph]) -> tuple[int, int]:
    """[first, last] indices of the stretch where good text most outweighs
    boilerplate: the maximum-sum run, each line weighing + or - its length."""
    best, best_range = float("-inf"), (0, len(paras) - 1)
    total, start = 0.0, 0
    for i, p in enumerate(paras):
        weight = p.chars if p.final == GOOD else -(p.chars + BAD_LINE_COST)
        if total <= 0:
            total, start = 0.0, i
        total += weight
        if total > best:
            best, best_range = total, (start, i)
    return best_range


def _key(line: str) -> str:
    return " ".join(WORD.findall(line.casefold()))


def title_index(paras: list[Paragraph], first: int) -> int | None:
    """Which line is the article's title, if any (see TITLE_MAX_GAP_LINES)."""
    top = paras[0]
    if (
        top.chars > LINK_MAX_CHARS
        or top.words < TITLE_MIN_WORDS
        or top.rule
        in (
            "paragraphs.phrase_rule",
            "paragraphs.copyright",
            "paragraphs.site_text",
            "paragraphs.repeated_template",
        )
    ):
        return None
    if first <= TITLE_MAX_GAP_LINES + 1:
        return 0
    headlines = {_key(top.text)} | {_key(part) for part in _TITLE_PARTS.split(top.text) if len(part.split()) >= 3}
    for i in range(first - 1, max(0, first - 1 - TITLE_MAX_GAP_LINES) - 1, -1):
        if _key(paras[i].text) in headlines:
            return i
    return None


def keep_article_region(paras: list[Paragraph]) -> None:
    first, last = article_region(paras)
    title = title_index(paras, first)
    for i, p in enumerate(paras):
        if i == title:
            p.final, p.rule, p.reason = GOOD, "", ""
        elif p.final == GOOD and not first <= i <= last:
            where = "above" if i < first else "below"
            p.bad("paragraphs.outside_article", f"prose-like, but {where} the article, past boilerplate")


def classify(text: str, ctx: Context) -> list[Paragraph]:
    """Every non-blank line of `text` with its features and labels."""
    stops = stoplist(ctx.language.code)
    terms = (
        ctx.book.term_patterns("site_terms", ctx.languages),
        ctx.book.term_patterns("reader_terms", ctx.languages),
    )
    paras = [features(text, s, e, stops, ctx, terms) for s, e in line_spans(text) if text[s:e].strip()]
    for p in paras:
        first_pass(p)
    mark_prose_runs(paras)
    mark_templates(paras)
    mark_link_runs(paras)
    second_pass(paras)
    if any(p.final == GOOD for p in paras):
        keep_article_region(paras)
    return paras


@register
class ClassifyParagraphs(Cleaner):
    """Opt-in: on text that is already an article it can only remove content."""

    name = "classify_paragraphs"
    version = 1
    opt_in = True

    def find(self, text: str, ctx: Context) -> list[Span]:
        paras = classify(text, ctx)
        if not any(p.final == GOOD for p in paras):
            return []  # no article to anchor on: leave the text alone rather than empty it
        spans = []
        for p in paras:
            if p.final == BAD:
                s, e = whole_line(text, p.start, p.end)
                spans.append(Span(s, e, p.rule, f"boilerplate paragraph: {p.describe()}; {p.reason}"))
        return spans
