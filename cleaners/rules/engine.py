"""Phrase-driven cleaners: the rules are data (`phrases/*.toml`), this is the engine.

Each of these cleaners removes whole lines that one of its rules matches, and
cuts out inline tokens for rules marked ``match = "inline"``. A few structural
rules that a phrase list cannot express (a line that is a menu of short items)
live here as small functions attached to one cleaner.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..context import Context
from ..lines import LIST_MARKER, ends_with, line_spans, normalize_line, sentence_end, whole_line
from ..model import Span

LineRule = Callable[[str, str], tuple[str, str] | None]
"""A structural rule: (line, normalised line) -> (rule id, reason) or None."""


class Found(NamedTuple):
    rule: str
    reason: str
    needs_neighbour: bool = False
    cleaner: str = ""
    """Only junk beside other junk: "Home" or "Video" alone between paragraphs may be
    a subheading; next to "Load more" it is a menu."""


_MENU_SEPARATORS = re.compile(r"\s*[·•|›»]\s*")
_MENU_ITEM_END = sentence_end(guillemet=False, single_quote=True, clause=True)
"""A menu item ending like this reads as prose or data, not as a link."""


def menu_line(line: str, norm: str) -> tuple[str, str] | None:
    """A line made of three or more short items (four words on average, seven at
    most) between separators (· • | › »): a menu, breadcrumb or section bar. A line framed by pipes is a table row, and
    items with digits or sentence punctuation look like data or prose: those stay."""
    if len(norm) > 200:
        return None
    framed = line.strip()
    if framed.startswith("|") and framed.endswith("|"):
        return None
    items = [item for item in _MENU_SEPARATORS.split(norm) if item]
    if len(items) < 3 or len(_MENU_SEPARATORS.findall(norm)) < 2:
        return None
    # "Relegated: Eastham · Castleton · Southport" is a labelled list of data;
    # labelled menus that are junk ("You are here: ...", "Share: ...", "Follow us: ...")
    # are named by phrase rules instead.
    label, colon, rest = items[0].partition(":")
    if colon and label.strip() and rest.strip():
        return None
    lengths = [len(item.split()) for item in items]
    if max(lengths) > 7 or sum(lengths) > 4 * len(items):
        return None
    if any(any(ch.isdigit() for ch in item) or ends_with(item, _MENU_ITEM_END) for item in items):
        return None
    return "nav.menu_line", f"menu of {len(items)} short links between separators"


@dataclass(slots=True)
class PhraseCleaner:
    name: str
    version: int = 1
    structural: tuple[LineRule, ...] = field(default_factory=tuple)

    def match(self, line: str, ctx: Context) -> Found | None:
        """This cleaner's verdict on a line, memoised per document and language."""
        key = (self.name, ctx.languages, line)
        memo = ctx.memo
        if key not in memo:
            norm = memo.get(line)
            if norm is None:
                norm = memo[line] = normalize_line(line)
            found = None
            matcher = ctx.book.line_matcher(self.name, ctx.languages)
            rule = matcher.match(norm) if matcher is not None else None
            if rule is not None:
                found = Found(rule.qualified_id, rule.reason, rule.needs_neighbour, self.name)
            else:
                for structural in self.structural:
                    hit = structural(line, norm)
                    if hit is not None:
                        found = Found(*hit, cleaner=self.name)
                        break
            memo[key] = found
        return memo[key]

    def find(self, text: str, ctx: Context) -> list[Span]:
        """Remove the lines this cleaner's rules match. A line two cleaners match goes to
        the first in config order (it runs first); one that declines a line (a label with
        no junk beside it) leaves it to the others."""
        spans: list[Span] = []
        inline = ctx.book.inline_pattern(self.name, ctx.languages)
        if inline is not None and inline.regex.search(text) is None:
            inline = None  # one scan of the text instead of one per line
        lines = [(start, end) for start, end in line_spans(text) if text[start:end].strip()]
        for i, (start, end) in enumerate(lines):
            line = text[start:end]
            found = self.match(line, ctx)
            if found is not None and found.needs_neighbour and not _junk_beside(text, lines, i, ctx):
                found = None
            if found is not None and _introduced_list_item(text, start, ctx):
                found = None
            if found is not None:
                s, e = whole_line(text, start, end)
                spans.append(
                    Span(
                        s,
                        e,
                        found.rule,
                        found.reason + " (beside other page furniture)" if found.needs_neighbour else found.reason,
                    )
                )
                continue
            if inline is not None:
                spans.extend(_inline_spans(text, start, end, inline))
        return spans


def is_junk(line: str, ctx: Context) -> Found | None:
    """The verdict of the first enabled phrase cleaner (in config order) that matches the
    line, or None: what the trailer, the neighbour checks and detect_language ask."""
    return next((found for cleaner in ctx.classifiers if (found := cleaner.match(line, ctx))), None)


def _junk_beside(text: str, lines: list[tuple[int, int]], i: int, ctx: Context) -> bool:
    """Is the nearest non-blank line above or below page furniture too?"""
    return any(0 <= j < len(lines) and is_junk(text[lines[j][0] : lines[j][1]], ctx) for j in (i - 1, i + 1))


def _introduced_list_item(text: str, start: int, ctx: Context) -> bool:
    """A bulleted item in a list that a sentence introduces ("First-time voters
    were told to:" then "• Register") is article content, whatever its words. The
    introduction is the first non-blank, non-item line above; it must end in a colon,
    have three words or more, and not be page furniture itself ("Share this article:")."""
    line_end = text.find("\n", start)
    if not LIST_MARKER.match(text, start, line_end if line_end != -1 else len(text)):
        return False
    end = start - 1  # the newline that ends the line above
    while end > 0:
        begin = text.rfind("\n", 0, end) + 1
        above = text[begin:end]
        if above.strip() and not LIST_MARKER.match(above):
            intro = above.rstrip()
            if not intro.endswith(":") or len(intro.split()) < 3:
                return False
            return is_junk(intro, ctx) is None
        end = begin - 1
    return False


def _inline_spans(text: str, start: int, end: int, inline) -> list[Span]:
    """Cut tokens out of the line; when nothing but tokens and spaces is left, the
    whole line goes; a token between two spaces takes one space with it."""
    line = text[start:end]
    found = list(inline.finditer(line))
    if not found:
        return []
    rest = line
    for m, _ in reversed(found):
        rest = rest[: m.start()] + rest[m.end() :]
    if not rest.strip():
        s, e = whole_line(text, start, end)
        rule = found[0][1]
        return [Span(s, e, rule.qualified_id, rule.reason + " (the line held nothing else)")]
    spans = []
    for m, rule in found:
        a, b = m.start(), m.end()
        if a > 0 and b < len(line) and line[a - 1] == " " and line[b] == " ":
            b += 1
        spans.append(Span(start + a, start + b, rule.qualified_id, rule.reason))
    return spans


@dataclass(slots=True)
class SectionCleaner(PhraseCleaner):
    """A heading that starts a section running to the end of the text: a comment
    thread ("6 thoughts on “...”", "Top Rated Comments"). The heading and everything
    after it go, provided an article comes first (`MIN_WORDS_BEFORE` words): a
    "Comments (12)" link at the top of a page must not take the page with it. A weak
    heading (a bare "Comments") also needs replies after it: `MIN_REPLIES` lines that
    the [trailer] reply_terms recognise ("Hi Milan,", "Reply"). Lines in the section
    that another rule names are left to that rule's cleaner."""

    MIN_WORDS_BEFORE = 100
    MIN_WORDS_BEFORE_WEAK = 40
    MIN_REPLIES = 2

    def find(self, text: str, ctx: Context) -> list[Span]:
        words = 0
        lines = [(start, end) for start, end in line_spans(text) if text[start:end].strip()]
        for i, (start, end) in enumerate(lines):
            line = text[start:end]
            found = self.match(line, ctx) if words >= self.MIN_WORDS_BEFORE_WEAK else None
            words += len(line.split())
            if found is None or i == len(lines) - 1:
                continue
            weak = found.rule.endswith("weak_heading")
            if not weak and words - len(line.split()) < self.MIN_WORDS_BEFORE:
                continue
            if weak and self._replies(text, lines[i + 1 :], ctx) < self.MIN_REPLIES:
                continue
            return self._section(text, lines, i, found, ctx)
        return []

    @staticmethod
    def _replies(text: str, lines: list[tuple[int, int]], ctx: Context) -> int:
        markers = ctx.book.term_patterns("reply_terms", ctx.languages)
        return sum(1 for s, e in lines if any(m.search(" ".join(text[s:e].split())) for m in markers))

    def _section(self, text: str, lines: list[tuple[int, int]], i: int, found: Found, ctx: Context) -> list[Span]:
        start, end = lines[i]
        heading = " ".join(text[start:end].split())
        heading = heading if len(heading) <= 40 else heading[:39] + "…"
        spans = [Span(*whole_line(text, start, end), found.rule, found.reason)]
        for s, e in lines[i + 1 :]:
            if is_junk(text[s:e], ctx):
                continue  # left to the cleaner whose rule names it, for a better reason
            spans.append(
                Span(
                    *whole_line(text, s, e),
                    "comment_section.body",
                    f"inside the comment section that starts with '{heading}'",
                )
            )
        return spans


PHRASE_CLEANERS: tuple[PhraseCleaner, ...] = (
    PhraseCleaner("strip_ad_markers"),
    SectionCleaner("remove_comment_section"),
    PhraseCleaner("remove_comment_widgets"),
    PhraseCleaner("remove_login_prompts"),
    PhraseCleaner("remove_subscription_prompts"),
    PhraseCleaner("remove_share_and_follow"),
    PhraseCleaner("remove_copyright_footer"),
    PhraseCleaner("remove_tag_lists"),
    PhraseCleaner("remove_navigation_chrome", structural=(menu_line,)),
)
