"""classify_paragraphs, first pass: each paragraph judged on its own features.

Length, stopword density for the document's language (jusText's stoplists),
sentence punctuation, Title Case, digits, and whether a phrase rule or the trailer
terms call the line page furniture. `cleaners.steps.paragraphs` then settles the
uncertain ones from their neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..context import Context
from ..language.detect import UNKNOWN
from ..lines import LIST_ITEM, ends_with, normalize_line, sentence_end
from ..rules.terms import gap_kind

# --- first pass: one paragraph on its own --------------------------------------
# Length and stopword thresholds are jusText's defaults; its authors tuned them on
# web pages in many languages, and they held here within ±0.005 F1 when varied.

LENGTH_LOW = 70
"""Shorter than this (characters), a paragraph is "short": its neighbours decide."""
LENGTH_HIGH = 200
"""Longer than this, a prose-like paragraph is good on its own; shorter, near-good."""
CJK_CHAR_WEIGHT = 3
"""A Chinese or Japanese character counts as this many characters of length: those
scripts write without spaces and pack a word into one or two characters."""
STOPWORDS_LOW = 0.30
"""Below this stopword density a paragraph is not prose: a menu, a tag list, data."""
STOPWORDS_HIGH = 0.32
"""At or above this density a paragraph reads like prose (good or near-good by length)."""
SENTENCE_STOPWORDS_LOW = 0.15
"""A long line that ends like a sentence is near-good down to this density: news
copy full of names and numbers (sports results, market reports) has few stopwords."""
MAX_DIGIT_SHARE = 0.4
"""A line whose visible characters are this much digits (dates, scores, prices)
is at most short, whatever its length: its neighbours decide."""
TITLE_CASE_SHARE = 0.7
"""A line without sentence punctuation whose content words are capitalised at
least this often is headline-like (a heading, a link to another story): short."""


GOOD, NEARGOOD, SHORT, BAD = "good", "near-good", "short", "bad"
EDGE = "edge"
"""The document's start or end, seen as a neighbour."""

WORD = re.compile(r"\w+(?:['’]\w+)*")
SENTENCE_OR_CLAUSE_END = sentence_end(single_quote=True, cjk=True, clause=True)
"""The `sentence_end` feature: a clause end (a colon, a semicolon, a bracket) counts too."""
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\s+(?:©|\(c\)|\d{4})", re.IGNORECASE)


_STOPLIST_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "gu": "Gujarati", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "kn": "Kannada",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi",
    "ne": "Nepali", "nl": "Dutch", "no": "Norwegian_Bokmal", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese",
}  # fmt: skip
"""langdetect's language codes -> jusText's stoplist names."""
UNKNOWN_LANGUAGE_STOPLISTS = ("English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch")
"""Language not detected: the union of these stoplists (common news languages)."""


@cache
def stoplist(code: str) -> frozenset[str] | None:
    """jusText's stoplist for a langdetect code; None for a language without one
    (Japanese, Chinese, Thai...), whose paragraphs are then judged without it."""
    import justext  # installed with trafilatura; imported late, only this cleaner needs it

    if code == UNKNOWN:
        return frozenset(w.lower() for name in UNKNOWN_LANGUAGE_STOPLISTS for w in justext.get_stoplist(name))
    name = _STOPLIST_NAMES.get(code)
    return frozenset(w.lower() for w in justext.get_stoplist(name)) if name else None


@dataclass(slots=True)
class Paragraph:
    """One non-blank line, its features, and what the passes made of it."""

    start: int
    end: int
    text: str
    chars: int
    """Length in characters (CJK characters weighted, see CJK_CHAR_WEIGHT)."""
    words: int
    density: float | None
    """Share of the words that are stopwords; None when the language has no stoplist."""
    sentence_end: bool
    title_case: float
    """Share of the content words (not stopwords) that start with a capital."""
    digits: float
    """Share of the visible characters that are digits."""
    junk: str | None
    """The phrase rule that calls the line page furniture, if any."""
    site_text: bool
    """The site talking about itself to the reader (cookies, sign-up, comment policy),
    by the phrase files' trailer terms."""
    label: str = SHORT
    """First-pass label (after the runs): good, near-good, short or bad."""
    final: str = SHORT
    """After the second pass and the region: good (kept) or bad (removed)."""
    rule: str = ""
    reason: str = ""

    @property
    def structured(self) -> bool:
        """A bulleted or numbered list item, or a table row: text someone laid out
        on purpose (a page's menus reach a text file without their bullets)."""
        return bool(LIST_ITEM.match(self.text)) or (self.text.startswith("|") and self.text.endswith("|"))

    def bad(self, rule: str, reason: str) -> None:
        self.final, self.rule, self.reason = BAD, rule, reason

    def describe(self) -> str:
        density = "n/a" if self.density is None else f"{self.density:.2f}"
        return f"{self.words} words, {self.chars} chars, stopword density {density}"


Terms = tuple[list[re.Pattern[str]], list[re.Pattern[str]]]
"""The trailer's site terms and reader terms for the document's languages."""


def features(text: str, start: int, end: int, stops: frozenset[str] | None, ctx: Context, terms: Terms) -> Paragraph:
    line = text[start:end].strip()
    words = WORD.findall(line)
    lower = [w.lower() for w in words]
    density = None if stops is None else (sum(w in stops for w in lower) / len(words) if words else 0.0)
    content = [w for w, low in zip(words, lower, strict=True) if w[0].isalpha() and (stops is None or low not in stops)]
    visible = [ch for ch in line if not ch.isspace()]
    found = ctx.is_junk(text[start:end])
    return Paragraph(
        start=start,
        end=end,
        text=line,
        chars=len(line) + (CJK_CHAR_WEIGHT - 1) * len(_CJK.findall(line)),
        words=len(words),
        density=density,
        sentence_end=ends_with(line, SENTENCE_OR_CLAUSE_END),
        title_case=sum(w[0].isupper() for w in content) / len(content) if content else 0.0,
        digits=sum(ch.isdigit() for ch in visible) / len(visible) if visible else 0.0,
        # "Home" alone may be a subheading: rules that need a junk neighbour are left to the neighbours here too
        junk=found.rule if found is not None and not found.needs_neighbour else None,
        site_text=gap_kind(normalize_line(line), *terms) == "site_text",
    )


def first_pass(p: Paragraph) -> None:
    """Label one paragraph from its own features (jusText's context-free pass)."""
    if p.junk is not None:
        p.label, p.rule, p.reason = BAD, "paragraphs.phrase_rule", f"a phrase rule calls it page furniture ({p.junk})"
    elif _COPYRIGHT.search(p.text):
        p.label, p.rule, p.reason = BAD, "paragraphs.copyright", "a copyright notice"
    elif p.chars < LENGTH_LOW or p.digits >= MAX_DIGIT_SHARE:
        p.label = SHORT
    elif p.site_text:
        # prose, but never article prose on its own: settled by its neighbours
        p.label, p.rule, p.reason = SHORT, "paragraphs.site_text", "the site talking about itself"
    elif not p.sentence_end and p.title_case >= TITLE_CASE_SHARE:
        p.label = SHORT
    elif p.density is None:
        p.label = GOOD if p.sentence_end and p.chars > LENGTH_HIGH else NEARGOOD
    elif p.density >= STOPWORDS_HIGH:
        p.label = GOOD if p.chars > LENGTH_HIGH else NEARGOOD
    elif p.density >= STOPWORDS_LOW or (p.sentence_end and p.density >= SENTENCE_STOPWORDS_LOW):
        p.label = NEARGOOD
    elif p.structured:
        p.label = SHORT  # a table row or a list item is data rather than prose: its neighbours decide
    else:
        p.label, p.rule = BAD, "paragraphs.low_stopword_density"
        p.reason = f"not prose (stopword density below {STOPWORDS_LOW:.2f})"
