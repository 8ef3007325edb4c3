"""The phrase cleaners: each removes the lines its rules in the phrase files match.

The rules are data (`cleaners/rules/phrases/*.toml`, under ``[[<cleaner name>]]``);
the engine that applies them is `cleaners.rules.engine.PhraseCleaner`. What is
here is what a phrase list cannot say: each cleaner's name and version, a
structural rule (a menu line), and the comment section as a region.

When two of them match one line, the first in config order removes it.
"""

from __future__ import annotations

import re

from ..context import Context
from ..lines import ends_with, line_spans, sentence_end, whole_line
from ..model import Found, Span
from ..registry import register
from ..rules.engine import PhraseCleaner


@register
class StripAdMarkers(PhraseCleaner):
    """CMS ad tokens cut out where they stand, ad labels, affiliate disclosures."""

    name = "strip_ad_markers"
    version = 1


@register
class RemoveCommentSection(PhraseCleaner):
    """A heading that starts a section running to the end of the text: a comment
    thread ("6 thoughts on “...”", "Top Rated Comments"). The heading and everything
    after it go, provided an article comes first (`MIN_WORDS_BEFORE` words): a
    "Comments (12)" link at the top of a page must not take the page with it. A weak
    heading (a bare "Comments") also needs replies after it: `MIN_REPLIES` lines that
    the [trailer] reply_terms recognise ("Hi Milan,", "Reply"). Lines in the section
    that another rule names are left to that rule's cleaner."""

    name = "remove_comment_section"
    version = 1
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
            if ctx.is_junk(text[s:e]):
                continue  # left to the cleaner whose rule names it, for a better reason
            spans.append(
                Span(
                    *whole_line(text, s, e),
                    "comment_section.body",
                    f"inside the comment section that starts with '{heading}'",
                )
            )
        return spans


@register
class RemoveCommentWidgets(PhraseCleaner):
    """ "Be the first to comment", "Leave a Reply", comment counts and policies."""

    name = "remove_comment_widgets"
    version = 1


@register
class RemoveLoginPrompts(PhraseCleaner):
    """ "You must be logged in to post a comment", "Sign in", profile forms."""

    name = "remove_login_prompts"
    version = 1


@register
class RemoveSubscriptionPrompts(PhraseCleaner):
    """Newsletter sign-ups, inbox prompts, channel and magazine offers, paywall prompts."""

    name = "remove_subscription_prompts"
    version = 1


@register
class RemoveShareAndFollow(PhraseCleaner):
    """Share bars, "Follow us on ...", social button labels."""

    name = "remove_share_and_follow"
    version = 1


@register
class RemoveCopyrightFooter(PhraseCleaner):
    """ "Copyright 2024 ... All rights reserved.", "© 2024 ..."."""

    name = "remove_copyright_footer"
    version = 1


@register
class RemoveTagLists(PhraseCleaner):
    """ "Tags Ash Carter ISIS Russia Syria", hashtag lines, keyword lines."""

    name = "remove_tag_lists"
    version = 1


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


@register
class RemoveNavigationChrome(PhraseCleaner):
    """ "Load more", "Back to top", "Most Popular", menu lines, labelled time stamps."""

    name = "remove_navigation_chrome"
    version = 1
    structural = (menu_line,)
