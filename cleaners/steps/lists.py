"""Structure that carries over to pages nobody has seen: what a heading announces, and
rows of buttons. Whole-line phrase lists, grown one case at a time, cannot keep up
with the headlines under "Related Articles" or the networks under "Share this:";
the shape can.

`remove_announced_lists`: a heading that announces other content (the `[lists]
headings` of the phrase files: "Related Articles", "Share this:", "Lire aussi") and
the run of short, title-like lines right under it (headlines, bylines and dates of
other stories, network names). The heading and the run go together; a heading with
no such run (an inline widget whose list the extractor dropped, followed by the
article's next paragraph) is left to the other cleaners. The run stops at the first
line that reads as prose, and after `max_items`; its last line stays when prose follows
it at once (it may be that prose's subheading).

`remove_button_rows`: a line made only of button labels (the `[lists] labels`:
"Share on Facebook Share on Twitter Share via Email", "Jump to Recipe · Print
Recipe", "Facebook Twitter Email"), two labels or more, separated by spaces, dots or
bars but not commas ("Facebook, Instagram" is an article's subheading).

Both leave the lines a phrase rule already knows to that rule, so its more precise
reason stays in the diff log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..context import Context
from ..lines import LIST_MARKER, ends_with, line_spans, normalize_line, whole_line
from ..model import Span
from ..registry import Cleaner, option, register

TITLE_WORDS = 16
"""A title-like line: at most this many words ..."""
TITLE_CHARS = 160
"""... and characters; and no sentence: a line of PROSE_WORDS words or more ending a
sentence is the article going on."""
PROSE_WORDS = 6
PROSE_END = frozenset(".。")
"""Headlines end in "?", "!" or a quote often, in a full stop rarely; "6 min read" in nothing."""
_SEPARATORS = re.compile(r"[\s·•|/–—-]+")
"""Not commas: "Facebook, Instagram" is a subheading in an article about them, not two buttons."""


def _title_like(line: str) -> bool:
    words = line.split()
    if not words or len(words) > TITLE_WORDS or len(line) > TITLE_CHARS:
        return False
    if line.rstrip().endswith(":"):
        return False  # an introduction: what follows it is its content
    return not (len(words) >= PROSE_WORDS and ends_with(line.rstrip(), PROSE_END))


@register
@dataclass(frozen=True)
class RemoveAnnouncedLists(Cleaner):
    name = "remove_announced_lists"
    version = 1
    max_items: int = option(15, "title-like lines a list heading may take with it", minimum=1)

    def find(self, text: str, ctx: Context) -> list[Span]:
        headings = ctx.book.term_alternation("headings", ctx.languages)
        if headings is None:
            return []
        lines = [(s, e) for s, e in line_spans(text) if text[s:e].strip()]
        spans: list[Span] = []
        i = 0
        while i < len(lines):
            start, end = lines[i]
            if not headings.fullmatch(_as_heading(text[start:end])):
                i += 1
                continue
            run, last = self._run(text, lines, i + 1, ctx, headings)
            if not run:
                i += 1
                continue
            shown = " ".join(text[start:end].split())
            if ctx.is_junk(text[start:end]) is None:  # else the rule that knows it removes it
                s, e = whole_line(text, start, end)
                spans.append(Span(s, e, "lists.heading", f"a heading that announces other content: {shown!r}"))
            for j in run:
                s, e = whole_line(text, *lines[j])
                spans.append(Span(s, e, "lists.item", f"an item of the list announced by {shown!r}"))
            i = last + 1
        return spans

    def _run(
        self, text: str, lines: list[tuple[int, int]], first: int, ctx: Context, headings: re.Pattern[str]
    ) -> tuple[list[int], int]:
        """The title-like lines right under a heading that no other cleaner claims, and the
        index of the run's last line. Lines other cleaners claim (a "Load more" under
        "Most Popular") continue the run without being taken, but after one of them the
        run takes no more items, and a blank line ends it (what follows is another block:
        the footer, a cookie notice's buttons)."""
        run: list[int] = []
        last = first - 1
        j = first
        claimed = False
        while j < len(lines) and len(run) < self.max_items:
            if claimed and _after_blank(text, lines, j - 1):
                break
            line = text[lines[j][0] : lines[j][1]].strip()
            if headings.fullmatch(_as_heading(line)):
                break  # the next announced list: its own heading takes it
            if ctx.is_junk(line) is not None:
                claimed = True
            else:
                item = LIST_MARKER.sub("", line, count=1) if LIST_MARKER.match(line) else line
                if claimed or not _title_like(item):
                    break  # after other furniture, an unclaimed line belongs to something else
                run.append(j)
            last = j
            j += 1
        if run and run[-1] == last and j < len(lines):
            # prose follows the run's last line at once: that line may be the prose's
            # subheading ("Trend 5: Exercises for mental health" above a paragraph)
            nxt = text[lines[j][0] : lines[j][1]].strip()
            if not _title_like(nxt) and ctx.is_junk(nxt) is None:
                run.pop()
        return run, last


def _as_heading(line: str) -> str:
    """A line as the headings' patterns see it: normalised, without its colon ("Share this:")."""
    return normalize_line(line).rstrip(":").strip()


def _after_blank(text: str, lines: list[tuple[int, int]], j: int) -> bool:
    """Is there a blank line between line j and the next non-blank one?"""
    if j + 1 >= len(lines):
        return False
    return text.count("\n", lines[j][1], lines[j + 1][0]) > 1


@register
@dataclass(frozen=True)
class RemoveButtonRows(Cleaner):
    name = "remove_button_rows"
    version = 1
    min_labels: int = option(2, "labels a line must be made of", minimum=2)

    def find(self, text: str, ctx: Context) -> list[Span]:
        alternation = ctx.book.term_alternation("labels", ctx.languages)
        if alternation is None:
            return []
        spans: list[Span] = []
        for start, end in line_spans(text):
            line = text[start:end]
            norm = normalize_line(line)
            if not norm or len(norm) > TITLE_CHARS:
                continue
            found = _labels(norm, alternation)
            if found is None or len(found) < self.min_labels:
                continue
            if ctx.is_junk(line) is None:  # else a phrase rule knows this bar: its reason stays
                s, e = whole_line(text, start, end)
                shown = ", ".join(repr(label) for label in found[:4])
                spans.append(Span(s, e, "lists.button_row", f"a row of buttons: {shown}"))
        return spans


def _labels(norm: str, alternation: re.Pattern[str]) -> list[str] | None:
    """The labels that make up the whole line, in order, or None when anything else is on it."""
    found: list[str] = []
    position = 0
    while position < len(norm):
        gap = _SEPARATORS.match(norm, position)
        if gap:
            position = gap.end()
            continue
        label = alternation.match(norm, position)
        if label is None or label.end() == position:
            return None
        end = label.end()
        if end < len(norm) and not _SEPARATORS.match(norm, end):
            return None  # a label must end at a separator: "email" is not the start of "emailed"
        found.append(label.group(0))
        position = end
    return found
