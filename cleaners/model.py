"""Data types shared by every cleaner: what was found, what was changed, what came out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple

EditKind = Literal["removal", "fix", "whitespace"]
"""`removal` deletes content-looking text (counted against the document),
`fix` repairs characters (encoding, bytes), `whitespace` only moves layout."""


@dataclass(frozen=True, slots=True)
class Span:
    """A finding of one cleaner: replace ``text[start:end]`` by ``replacement``.

    Cleaners only *find* spans; one shared step applies them (see `edits.apply`),
    so whitespace and bookkeeping are handled in one place.
    """

    start: int
    end: int
    rule: str
    reason: str
    replacement: str = ""
    kind: EditKind = "removal"


class Found(NamedTuple):
    """A rule's verdict on one line: the line is page furniture."""

    rule: str
    reason: str
    needs_neighbour: bool = False
    """Only junk beside other junk: "Home" or "Video" alone between paragraphs may be
    a subheading; next to "Load more" it is a menu."""
    cleaner: str = ""


@dataclass(frozen=True, slots=True)
class Edit:
    """One change, recorded so that a person can read it and a program can replay it.

    `start`/`end` index the input of the step that made the edit (the text as it
    was after all previous steps); `line_start`/`line_end` are 1-based lines of
    that same text. `step` orders the steps; replaying every step's edits in
    order on the decoded input gives the clean text.
    """

    step: int
    cleaner: str
    rule: str
    reason: str
    kind: EditKind
    line_start: int
    line_end: int
    start: int
    end: int
    removed: str
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ByteFix:
    """A byte sequence the decoder could not read; it became U+FFFD."""

    offset: int
    raw: str  # hex of the bytes
    reason: str


@dataclass(slots=True)
class Meta:
    format: str = "text"  # text | html
    compression: str | None = None  # "gzip" when the raw bytes were gzip data
    encoding: str = "str"
    bom: bool = False
    byte_fixes: list[ByteFix] = field(default_factory=list)
    language: str = "unknown"
    language_prob: float = 0.0
    language_source: str = "langdetect"  # langdetect | html-lang (the page's own <html lang>)
    chars_before: int = 0
    chars_after: int = 0
    lines_before: int = 0
    lines_after: int = 0
    words_before: int = 0
    words_removed: int = 0
    needs_review: bool = False
    review_reason: str = ""
    source: str | None = None
    extraction: dict[str, Any] | None = None  # HTML only: extractor, version, settings, title, author, date
    url: str | None = None  # HTML only: the page's canonical link, else og:url (`html.page_url`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Cleaned:
    """The result of `cleaners.clean`: clean text, every edit, and what we learnt."""

    text: str
    decoded: str
    edits: list[Edit]
    meta: Meta

    def edits_by_cleaner(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for edit in self.edits:
            counts[edit.cleaner] = counts.get(edit.cleaner, 0) + 1
        return counts


@dataclass(frozen=True)
class SiteRepeats:
    """What the corpus says about one site, for `remove_repeated_lines`: its number of
    documents, and the repeated lines (hash -> documents that contain the line) that
    pass the thresholds."""

    site: str
    documents: int
    lines: Mapping[int, int] = field(default_factory=dict)
