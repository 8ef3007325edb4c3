"""Static checks on a user's phrase pattern, made when the file loads.

Rules are combined into one regex per cleaner (`book.LineMatcher`), so a pattern
must not change the others: no inline global flags (``(?s)`` is only legal at the
start of the whole regex), no back-references (group numbers shift when rules are
combined) and no named groups (the matcher's own). And it must not backtrack
catastrophically: Python's engine tries every way a pattern can match a line, so
a pattern that can split the same characters in many ways costs exponential (or
high polynomial) time. The shapes behind that, rejected here:

- a repeat inside a repeat: ``(?:\\w+\\s*)*``;
- a repeated group whose alternatives can start alike: ``(a|ab)*``, ``(a|a)*``;
- inside a repeated group, an optional part followed by one that can match the same
  character: ``(?:a?a)*``;
- two unbounded repeats in a row (with only optional parts between them) that can
  match the same characters: ``\\w*\\w*``, ``.*.*``, ``\\s*\\s+``, ``\\d+\\w*``.

Possessive repeats (``\\w++``) and atomic groups (``(?>...)``) never backtrack, so
they are the way out the error messages suggest. Character sets are compared on
sample characters: ASCII, a few of other scripts, and every character the pattern
names (two ranges that overlap share an end point, so overlaps are not missed).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from re import _compiler, _parser  # type: ignore[attr-defined]
from re import _constants as c  # type: ignore[attr-defined]
from typing import Any

_SAMPLES = string.printable + "\u00a0\u2028\u3000éßΩяא中٣\u0660·–—“”’…©€\x00\x85"
_SAMPLE_SET = frozenset(_SAMPLES)
_CHARS = {c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN, c.CATEGORY}
_REPEATS = {c.MAX_REPEAT, c.MIN_REPEAT}
_ZERO_WIDTH = {c.AT, c.ASSERT, c.ASSERT_NOT}
_BACKREFS = {c.GROUPREF, c.GROUPREF_EXISTS}
Items = Any  # a parsed (sub)pattern: a sequence of (op, argument) pairs


def problem(pattern: str, *, collapsed: bool = False, flags: int = re.IGNORECASE) -> str | None:
    """Why `pattern` cannot be a phrase rule, or None. Assumes it compiles. `collapsed`:
    the pattern only sees lines whose whitespace is collapsed (line rules), so a repeat of
    whitespace matches one character at most and cannot compete with its neighbours."""
    parsed = _parser.parse(pattern, flags)
    try:
        if "(?" in pattern:
            _parser.parse("(?:)" + pattern, flags)  # what combining does: the pattern is no longer first
    except re.error:
        return "inline global flags (such as (?s) or (?i)) change every rule; scope them: (?s:...)"
    if parsed.state.groupdict:
        return "named groups are reserved, use (?:...)"
    if _find(parsed, lambda op: op in _BACKREFS):
        return "back-references (\\1, (?(1)...)) cannot work: group numbers change when rules are combined"
    universe = _universe(pattern, parsed)
    return _walk(list(parsed), False, Context(universe, collapsed))


def _find(items: Items, wanted: Any) -> bool:
    for op, av in items:
        if wanted(op):
            return True
        for sub in _children(op, av):
            if _find(sub, wanted):
                return True
    return False


def _children(op: Any, av: Any) -> list[Items]:
    if op in _REPEATS or op == c.POSSESSIVE_REPEAT:
        return [av[2]]
    if op == c.SUBPATTERN:
        return [av[-1]]
    if op == c.BRANCH:
        return list(av[1])
    if op in (c.ASSERT, c.ASSERT_NOT, c.ATOMIC_GROUP):
        return [av[1] if op != c.ATOMIC_GROUP else av]
    if op == c.GROUPREF_EXISTS:
        return [part for part in av[1:] if part is not None]
    return []


def _universe(pattern: str, parsed: Items) -> str:
    named = {ch for ch in pattern if ch not in _SAMPLE_SET} | {chr(av) for _, av in _literals(parsed)}
    cased = {variant for ch in named for variant in (ch, ch.lower(), ch.upper(), chr(ord(ch) + 1))}
    return "".join(sorted(_SAMPLE_SET | {ch for ch in cased if len(ch) == 1}))


def _literals(items: Items) -> list[tuple[Any, int]]:
    found: list[tuple[Any, int]] = []
    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL):
            found.append((op, av))
        elif op == c.IN:
            for kind, value in av:
                if kind in (c.LITERAL, c.NOT_LITERAL):
                    found.append((kind, value))
                elif kind == c.RANGE or kind == c.RANGE_UNI_IGNORE:
                    found += [(c.LITERAL, value[0]), (c.LITERAL, value[1])]
        for sub in _children(op, av):
            found += _literals(sub)
    return found


@dataclass(frozen=True)
class Context:
    """What the walk over one pattern knows: its sample characters, and whether the
    lines it sees have their whitespace collapsed."""

    universe: str
    collapsed: bool

    def unbounded(self, op: Any, av: Any) -> bool:
        """A repeat that can take a whole run of characters."""
        if op not in _REPEATS or av[1] is not c.MAXREPEAT:
            return False
        return not (self.collapsed and _all(av[2], self.universe) <= _WHITESPACE)


_WHITESPACE = frozenset(ch for ch in _SAMPLES if ch.isspace())


@lru_cache(maxsize=4096)
def _charset(node: str, universe: str) -> frozenset[str]:
    """The sample characters one single-character node matches (keyed by its repr)."""
    op, av = _NODES[node]
    regex = _compiler.compile(_parser.SubPattern(_parser.State(), [(op, av)]), re.IGNORECASE | re.DOTALL)
    return frozenset(ch for ch in universe if regex.match(ch))


_NODES: dict[str, tuple[Any, Any]] = {}


def _chars_of(op: Any, av: Any, universe: str) -> frozenset[str]:
    key = repr((op, av))
    _NODES.setdefault(key, (op, av))
    return _charset(key, universe)


def _is_multi(op: Any, av: Any) -> bool:
    return op in _REPEATS and (av[1] is c.MAXREPEAT or av[1] > 1)


def _nullable(items: Items) -> bool:
    return all(_nullable_item(op, av) for op, av in items)


def _nullable_item(op: Any, av: Any) -> bool:
    if op in _ZERO_WIDTH:
        return True
    if op in _REPEATS or op == c.POSSESSIVE_REPEAT:
        return av[0] == 0 or _nullable(av[2])
    if op == c.SUBPATTERN:
        return _nullable(av[-1])
    if op == c.ATOMIC_GROUP:
        return _nullable(av)
    if op == c.BRANCH:
        return any(_nullable(alt) for alt in av[1])
    return False


def _first(items: Items, universe: str) -> frozenset[str]:
    """The characters a match of `items` can start with."""
    found: frozenset[str] = frozenset()
    for op, av in items:
        if op in _CHARS:
            return found | _chars_of(op, av, universe)
        if op in _ZERO_WIDTH:
            continue
        found |= frozenset().union(*(_first(sub, universe) for sub in _children(op, av)))
        if not _nullable_item(op, av):
            return found
    return found


def _all(items: Items, universe: str) -> frozenset[str]:
    """Every character a match of `items` can hold."""
    found: frozenset[str] = frozenset()
    for op, av in items:
        if op in _CHARS:
            found |= _chars_of(op, av, universe)
        elif op not in (c.ASSERT, c.ASSERT_NOT):
            for sub in _children(op, av):
                found |= _all(sub, universe)
    return found


def _flat(items: Items) -> list[tuple[Any, Any]]:
    """The sequence with groups opened, so ``(\\w*)(\\w*)`` reads as ``\\w*\\w*``."""
    flat: list[tuple[Any, Any]] = []
    for op, av in items:
        if op == c.SUBPATTERN:
            flat += _flat(av[-1])
        else:
            flat.append((op, av))
    return flat


def _expansions(items: Items, universe: str, limit: int = 64) -> list[tuple[frozenset[str], ...]] | None:
    """Every sequence of character sets `items` can match, when few and finite (literal
    words with optional letters and alternatives); None otherwise."""
    found: list[tuple[frozenset[str], ...]] = [()]
    for op, av in items:
        if op in _CHARS:
            options: list[tuple[frozenset[str], ...]] | None = [(_chars_of(op, av, universe),)]
        elif op == c.AT:
            continue
        elif op == c.SUBPATTERN:
            options = _expansions(av[-1], universe, limit)
        elif op == c.BRANCH:
            parts = [_expansions(alt, universe, limit) for alt in av[1]]
            options = None if any(p is None for p in parts) else [x for p in parts if p for x in p]
        elif op in _REPEATS and av[1] is not c.MAXREPEAT and av[1] <= 3:
            body = _expansions(av[2], universe, limit)
            options = None
            if body is not None:
                options = []
                for count in range(av[0], av[1] + 1):
                    runs: list[tuple[frozenset[str], ...]] = [()]
                    for _ in range(count):
                        runs = [r + b for r in runs for b in body][: limit + 1]
                    options += runs
        else:
            options = None
        if options is None:
            return None
        found = [f + o for f in found for o in options]
        if len(found) > limit:
            return None
    return found


def _ambiguous(alternatives: list[Items], universe: str) -> bool:
    """Can a repeated choice read the same text in two ways? Two alternatives that match
    the same text can (``(a|a)*``), and so can one that is another plus the start of a
    next choice (``(a|aa)*``: "aa" is a+a or aa); a longer word that merely begins like a
    shorter one (``x|xing`` among words that do not start with "ing") cannot."""
    expanded = [_expansions(alt, universe) for alt in alternatives]
    if any(e is None for e in expanded):
        return any(
            (_nullable(one) and _nullable(other)) or bool(_first(one, universe) & _first(other, universe))
            for i, one in enumerate(alternatives)
            for other in alternatives[i + 1 :]
        )
    words = [w for e in expanded if e is not None for w in e]
    starts = [w for w in words if w]

    def overlap(one: tuple[frozenset[str], ...], other: tuple[frozenset[str], ...]) -> bool:
        return all(x & y for x, y in zip(one, other, strict=False))

    for i, one in enumerate(words):
        for j, other in enumerate(words):
            if i == j or len(one) > len(other) or not overlap(one, other):
                continue
            if len(one) == len(other) and i < j:
                return True  # the same text, two ways
            rest = other[len(one) :]
            if rest and any(overlap(rest, nxt) for nxt in starts):
                return True
    return False


def _walk(items: Items, inside_repeat: bool, ctx: Context) -> str | None:
    """The first dangerous shape in `items` (see the module's list), or None."""
    universe = ctx.universe
    flat = _flat(items)
    for i, (op, av) in enumerate(flat):
        if op == c.POSSESSIVE_REPEAT or op == c.ATOMIC_GROUP:
            continue
        if op in (c.ASSERT, c.ASSERT_NOT):
            found = _walk(av[1], False, ctx)
            if found:
                return found
            continue
        multi = _is_multi(op, av)
        if multi and inside_repeat:
            return "a repeat inside a repeat (nested quantifier) can take exponential time"
        if (ctx.unbounded(op, av) or inside_repeat) and op in _REPEATS and av[0] != av[1]:
            chars = _all(av[2], universe)
            for later_op, later_av in flat[i + 1 :]:
                if later_op in _ZERO_WIDTH:
                    continue
                later = [(later_op, later_av)]
                if (ctx.unbounded(later_op, later_av) or inside_repeat) and chars & _first(later, universe):
                    return (
                        "two repeats in a row can match the same characters "
                        "(like \\w*\\w* or a?a inside a repeat), which takes polynomial or exponential time"
                    )
                if not _nullable(later):
                    break
        if op == c.BRANCH and inside_repeat and _ambiguous(list(av[1]), universe):
            return "a repeated group's alternatives can read the same text in two ways (like (a|aa)*)"
        for sub in _children(op, av):
            found = _walk(sub, inside_repeat or multi, ctx)
            if found:
                return found
    return None
