"""The phrase-rule engine: cleaners whose rules are data (`phrases/*.toml`).

A `PhraseCleaner` removes whole lines that one of its rules matches, and cuts out
inline tokens for rules marked ``match = "inline"``; `book` loads and compiles the
rules. The cleaners themselves (names, versions, structural rules) are declared in
`cleaners.steps.phrase_cleaners`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from ..context import Context
from ..lines import LIST_MARKER, line_spans, normalize_line, whole_line
from ..model import Found, Span
from ..registry import Cleaner
from .book import InlineMatcher

LineRule = Callable[[str, str], tuple[str, str] | None]
"""A structural rule: (line, normalised line) -> (rule id, reason) or None."""


class PhraseCleaner(Cleaner):
    """A cleaner whose rules are the phrase files' ``[[<name>]]`` tables."""

    structural: ClassVar[tuple[LineRule, ...]] = ()
    """Rules a phrase list cannot express, tried after the phrase rules."""

    def match(self, line: str, ctx: Context) -> Found | None:
        """This cleaner's verdict on a line, memoised per document and language. A line
        found clean while the language was unknown (every list applied: the language
        step's sample) is clean for the detected language too: its lists are a subset
        and the structural rules do not depend on the language."""
        languages = ctx.languages
        key = (self.name, languages, line)
        memo = ctx.verdicts
        if key not in memo:
            every = ctx.every_language
            if every is not None and every is not languages and memo.get((self.name, every, line), False) is None:
                memo[key] = None
                return None
            norm = ctx.norms.get(line)
            if norm is None:
                norm = ctx.norms[line] = normalize_line(line)
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


def _junk_beside(text: str, lines: list[tuple[int, int]], i: int, ctx: Context) -> bool:
    """Is the nearest non-blank line above or below page furniture too?"""
    return any(0 <= j < len(lines) and ctx.is_junk(text[lines[j][0] : lines[j][1]]) for j in (i - 1, i + 1))


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
            return ctx.is_junk(intro) is None
        end = begin - 1
    return False


def _inline_spans(text: str, start: int, end: int, inline: InlineMatcher) -> list[Span]:
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
