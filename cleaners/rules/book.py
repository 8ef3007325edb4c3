"""Phrase rules as data: loading, validating and compiling the per-language TOML files.

A phrase file holds rules for one language (``language = "en"``; ``"*"`` applies
to every language). Each rule belongs to one cleaner::

    [[remove_comment_widgets]]
    id = "comments.be_first"
    reason = "comment widget: empty-thread prompt"
    patterns = ["be the first to comment[.!]?"]
    # match = "line"    the pattern must match the WHOLE line (default)
    # match = "inline"  the pattern is cut out where it stands (ad tokens)
    # max_chars = 160   longer lines are never touched by this rule
    # needs_neighbour = true   remove only beside other junk (for words that can be subheadings)

Line rules see the line with its whitespace collapsed and decoration (bullets,
arrows, pipes) trimmed from both ends, and ignore case; use ``(?-i:...)`` for a
case-sensitive part. Anchoring every rule to the whole line, with a length cap,
is the guard that keeps article sentences which merely mention the words.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PhraseError, read_settings_text
from .locate import Lines
from .safety import problem

PHRASE_DIR = Path(__file__).with_name("phrases")
SHIPPED_LANGUAGES = ("common", "en", "de", "fr", "es", "pt", "it")
DEFAULT_MAX_CHARS = {"line": 160, "inline": 60}
TERM_TABLES: dict[str, set[str]] = {
    "trailer": {"site_terms", "reader_terms", "reply_terms"},
    "lists": {"headings", "labels"},
}
"""Tables of terms (patterns) a phrase file may hold besides its rules, and their keys:
[trailer] for remove_trailer_block and the paragraph classifier, [lists] for
remove_announced_lists (headings that announce other content) and remove_button_rows
(the labels of buttons). Every key is a list of patterns; key names are unique."""
_RULE_KEYS = {"id", "reason", "patterns", "match", "max_chars", "needs_neighbour"}


@dataclass(frozen=True, slots=True)
class Rule:
    cleaner: str
    id: str
    reason: str
    patterns: tuple[str, ...]
    match: str
    max_chars: int
    language: str
    origin: str  # "file:line", for error messages and for people looking the rule up
    needs_neighbour: bool = False  # remove only when the line above or below is junk too

    @property
    def qualified_id(self) -> str:
        return f"{self.language}.{self.id}" if self.language not in ("*", "common") else self.id


@dataclass(slots=True)
class PhraseBook:
    """Every rule of every loaded file, compiled lazily per (cleaner, languages)."""

    rules: list[Rule] = field(default_factory=list)
    terms: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """language -> {"site_terms": [...], "headings": [...], ...} from the term tables (TERM_TABLES)."""
    _languages: set[str] | None = field(default=None, repr=False)
    _lines: dict[tuple[str, frozenset[str]], LineMatcher | None] = field(default_factory=dict, repr=False)
    _inline: dict[tuple[str, frozenset[str]], InlineMatcher | None] = field(default_factory=dict, repr=False)
    _terms: dict[tuple[str, frozenset[str]], list[re.Pattern[str]]] = field(default_factory=dict, repr=False)
    _alternations: dict[tuple[str, frozenset[str]], re.Pattern[str] | None] = field(default_factory=dict, repr=False)

    @property
    def languages(self) -> set[str]:
        if self._languages is None:
            self._languages = {r.language for r in self.rules} | set(self.terms)
        return self._languages

    def select(self, cleaner: str, languages: frozenset[str], match: str) -> list[Rule]:
        return [r for r in self.rules if r.cleaner == cleaner and r.match == match and r.language in languages]

    def line_matcher(self, cleaner: str, languages: frozenset[str]) -> LineMatcher | None:
        key = (cleaner, languages)
        if key not in self._lines:
            rules = self.select(cleaner, languages, "line")
            self._lines[key] = LineMatcher(rules) if rules else None
        return self._lines[key]

    def inline_pattern(self, cleaner: str, languages: frozenset[str]) -> InlineMatcher | None:
        key = (cleaner, languages)
        if key not in self._inline:
            rules = self.select(cleaner, languages, "inline")
            self._inline[key] = InlineMatcher(rules) if rules else None
        return self._inline[key]

    def term_patterns(self, kind: str, languages: frozenset[str]) -> list[re.Pattern[str]]:
        """One pattern per term of `kind` (site_terms, reader_terms, headings, labels, ...),
        so that a line's distinct terms can be counted."""
        key = (kind, languages)
        if key not in self._terms:
            terms = sorted({t for lang in languages for t in self.terms.get(lang, {}).get(kind, [])})
            self._terms[key] = [re.compile(_bounded(t), re.IGNORECASE) for t in terms]
        return self._terms[key]

    def term_alternation(self, kind: str, languages: frozenset[str]) -> re.Pattern[str] | None:
        """The terms of `kind` as one pattern, in `term_patterns`' order (its `fullmatch`
        is any term's `fullmatch`): one regex call per line where a loop made one per term."""
        key = (kind, languages)
        if key not in self._alternations:
            patterns = self.term_patterns(kind, languages)
            joined = "|".join(f"(?:{p.pattern})" for p in patterns)
            self._alternations[key] = re.compile(f"(?:{joined})", re.IGNORECASE) if patterns else None
        return self._alternations[key]


def _bounded(term: str) -> str:
    """A term as a whole word, unless it anchors itself (^ ... $)."""
    return ("" if term.startswith("^") else r"\b") + f"(?:{term})" + ("" if term.endswith("$") else r"\b")


class LineMatcher:
    """All line rules of one cleaner for a set of languages, as anchored regexes.

    A rule only sees lines up to its `max_chars`. Rather than a look-ahead per rule
    (which defeats the regex engine's literal-prefix shortcuts), there is one regex
    per length band: a line of n characters is matched against the rules whose cap
    is at least n."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.caps = sorted({r.max_chars for r in rules})
        self.max_chars = self.caps[-1]
        self.bands: list[re.Pattern[str] | None] = [None] * len(self.caps)  # compiled when first needed

    def _compile(self, indexes: list[int]) -> re.Pattern[str]:
        parts = [f"(?P<r{i}>{'|'.join(self.rules[i].patterns)})" for i in indexes]
        return re.compile("|".join(parts), re.IGNORECASE | re.DOTALL)

    def match(self, norm: str) -> Rule | None:
        if not norm or len(norm) > self.max_chars:
            return None
        band = bisect_left(self.caps, len(norm))
        regex = self.bands[band]
        if regex is None:
            cap = self.caps[band]
            regex = self.bands[band] = self._compile([i for i, r in enumerate(self.rules) if r.max_chars >= cap])
        m = regex.fullmatch(norm)
        if m is None or m.lastgroup is None:
            return None
        return self.rules[int(m.lastgroup[1:])]


class InlineMatcher:
    """Inline rules: tokens cut out of a line where they stand."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        parts = [f"(?P<r{i}>{'|'.join(r.patterns)})" for i, r in enumerate(rules)]
        self.regex = re.compile("|".join(parts), re.IGNORECASE)

    def finditer(self, text: str) -> Iterator[tuple[re.Match[str], Rule]]:
        for m in self.regex.finditer(text):
            if m.lastgroup is not None and m.end() > m.start():
                rule = self.rules[int(m.lastgroup[1:])]
                if m.end() - m.start() <= rule.max_chars:
                    yield m, rule


def has_nested_repeat(pattern: str) -> bool:
    """True when a repeated group contains a backtracking repeat: the shape behind
    catastrophic backtracking, e.g. ``(?:\\w+\\s*){1,15}``. Possessive inner repeats
    (``\\w++``) and atomic groups cannot backtrack and are allowed."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    repeats = {c.MAX_REPEAT, c.MIN_REPEAT}

    def walk(items: Any, inside_repeat: bool) -> bool:
        for op, av in items:
            if op in repeats:
                _lo, hi, body = av
                multi = hi is c.MAXREPEAT or hi > 1
                if multi and inside_repeat:
                    return True
                if walk(body, inside_repeat or multi):
                    return True
            elif op == c.POSSESSIVE_REPEAT or op == c.ATOMIC_GROUP:
                continue
            elif op == c.SUBPATTERN:
                if walk(av[-1], inside_repeat):
                    return True
            elif op == c.BRANCH:
                if any(walk(branch, inside_repeat) for branch in av[1]):
                    return True
            elif op in (c.ASSERT, c.ASSERT_NOT):
                if walk(av[1], inside_repeat):
                    return True
        return False

    return walk(_parser.parse(pattern), False)


def _check_pattern(pattern: str, where: str, rule_id: str, *, collapsed: bool = False) -> None:
    """Refuse, naming file, line and rule, a pattern that does not compile, matches an
    empty line, would change the other rules it is combined with, or can backtrack
    catastrophically (`safety`). `collapsed`: it only sees whitespace-collapsed lines."""
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        raise PhraseError(f"{where}: rule {rule_id!r}: invalid pattern {pattern!r}: {err}") from None
    if has_nested_repeat(pattern):
        raise PhraseError(
            f"{where}: rule {rule_id!r}: nested quantifier in {pattern!r} can take exponential time; "
            "make the inner repeat possessive (\\w++, \\s*+) or atomic ((?>...))"
        )
    why = problem(pattern, collapsed=collapsed)
    if why is not None:
        advice = (
            ""
            if why.startswith(("inline", "named", "back"))
            else "; make a repeat possessive (\\w++) or atomic ((?>...))"
        )
        raise PhraseError(f"{where}: rule {rule_id!r}: pattern {pattern!r}: {why}{advice}")
    if compiled.fullmatch("") is not None:
        raise PhraseError(f"{where}: rule {rule_id!r}: pattern {pattern!r} matches the empty line")


def load_file(path: Path, known_cleaners: set[str]) -> tuple[list[Rule], dict[str, dict[str, list[str]]]]:
    """Parse and validate one phrase file; every problem is reported with file and line."""
    text = read_settings_text(path, "phrase file", PhraseError)
    lines = Lines(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PhraseError(f"{path}: not valid TOML: {err}") from None
    language = data.pop("language", None)
    if not isinstance(language, str) or not language:
        raise PhraseError(f'{path}:1: missing `language = "xx"` (or "*" for every language)')
    file_terms: dict[str, dict[str, list[str]]] = {}
    for table, keys in TERM_TABLES.items():
        found = data.pop(table, None)
        if found is None:
            continue
        if not isinstance(found, dict) or set(found) - keys:
            raise PhraseError(f"{path}:{lines.name(table)}: [{table}] takes {sorted(keys)}")
        start, stop = span = lines.table(table)
        for kind, terms in found.items():
            at = lines.find(kind, span) or start + 1
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                raise PhraseError(f"{path}:{at}: [{table}] {kind} must be a list of strings")
            for term in terms:  # in file order: each is looked for from the one before
                at = lines.find(term, (at - 1, stop)) or at
                _check_pattern(term, f"{path}:{at}", f"{table}.{kind}")
        file_terms.setdefault(language, {}).update(found)
    rules: list[Rule] = []
    for cleaner, entries in data.items():
        if cleaner not in known_cleaners:
            raise PhraseError(
                f"{path}:{lines.name(cleaner)}: unknown cleaner {cleaner!r}; "
                f"phrase rules can belong to: {', '.join(sorted(known_cleaners))}"
            )
        if not isinstance(entries, list):
            raise PhraseError(f"{path}:{lines.name(cleaner)}: use [[{cleaner}]] (an array of rules)")
        for index, entry in enumerate(entries):
            rules.append(_rule(entry, cleaner, language, path, lines.entry(cleaner, index), lines))
    return rules, file_terms


def _rule(entry: dict[str, Any], cleaner: str, language: str, path: Path, span: tuple[int, int], lines: Lines) -> Rule:
    rule_id = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(rule_id, str) or not rule_id:
        raise PhraseError(f"{path}:{span[0] + 1}: a [[{cleaner}]] rule has no `id`")
    at = lines.find(rule_id, span, quoted=True) or span[0] + 1
    where = f"{path}:{at}"
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise PhraseError(f"{where}: rule {rule_id!r}: unknown keys {sorted(unknown)}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason:
        raise PhraseError(f"{where}: rule {rule_id!r} needs a `reason` (it is shown in every diff log)")
    match = entry.get("match", "line")
    if match not in DEFAULT_MAX_CHARS:
        raise PhraseError(f"{where}: rule {rule_id!r}: match must be 'line' or 'inline', not {match!r}")
    patterns = entry.get("patterns")
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise PhraseError(f"{where}: rule {rule_id!r}: `patterns` must be a non-empty list of strings")
    for pattern in patterns:
        where_pattern = f"{path}:{lines.find(pattern, (at - 1, span[1])) or at}"
        _check_pattern(pattern, where_pattern, rule_id, collapsed=match == "line")
    max_chars = entry.get("max_chars", DEFAULT_MAX_CHARS[match])
    if not isinstance(max_chars, int) or isinstance(max_chars, bool) or not 0 < max_chars <= 1_000_000:
        raise PhraseError(f"{where}: rule {rule_id!r}: max_chars must be a positive integer (at most 1000000)")
    needs_neighbour = entry.get("needs_neighbour", False)
    if not isinstance(needs_neighbour, bool):
        raise PhraseError(f"{where}: rule {rule_id!r}: needs_neighbour must be true or false")
    return Rule(cleaner, rule_id, reason, tuple(patterns), match, max_chars, language, where, needs_neighbour)


def load_book(paths: list[Path], known_cleaners: set[str]) -> PhraseBook:
    book = PhraseBook()
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        rules, file_terms = load_file(path, known_cleaners)
        for rule in rules:
            key = (rule.language, rule.id)
            if key in seen:
                raise PhraseError(f"{rule.origin}: rule id {rule.id!r} already defined at {seen[key]}")
            seen[key] = rule.origin
        book.rules.extend(rules)
        for lang, kinds in file_terms.items():
            for kind, terms in kinds.items():
                book.terms.setdefault(lang, {}).setdefault(kind, []).extend(terms)
    return book


def shipped_files() -> list[Path]:
    return [PHRASE_DIR / f"{lang}.toml" for lang in SHIPPED_LANGUAGES]
