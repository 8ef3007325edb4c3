"""Cleaning configuration: defaults in code, overrides from one TOML file.

The ``[cleaners]`` table of the config file::

    [cleaners]
    enable = ["classify_paragraphs"]      # switch opt-in steps on, each in its place
    disable = ["remove_tag_lists"]        # switch steps off (`disabled` is the older spelling)
    order = ["fix_encoding", ...]         # or the whole pipeline, as data
    phrase_files = ["my-phrases.toml"]    # your rules (paths relative to this file)
    fallback_languages = ["en"]           # phrase lists used whatever the language
    review_share = 0.4                    # flag a document losing more of its words
    max_rounds = 3                        # a step that changed something runs again, up to this often
    extract_timeout = 30                  # HTML: seconds an extraction may take
    document_timeout = 120                # seconds cleaning one document may take, extraction included
    dedupe_window = 3                     # and every step's own options, declared with the step
    ...                                   # (`cleaners.registry`; README: Configuration)

Other top-level tables belong to the tools that read the same file (the flow's
``[run]``); this module only reads ``[cleaners]`` and rejects unknown keys in it.
"""

from __future__ import annotations

import hashlib
import json
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, read_settings_text
from .input.decode import VERSION as DECODE_VERSION
from .input.prepass import PREPASS_VERSION
from .registry import Number, Option
from .rules.book import PhraseBook, load_book, shipped_files
from .steps import PHRASE_CLEANER_NAMES, REGISTRY

PIPELINE: tuple[str, ...] = (
    "remove_page_title",
    "fix_encoding",
    "normalize_whitespace",
    "detect_language",
    "strip_ad_markers",
    "remove_comment_section",
    "remove_announced_lists",
    "remove_button_rows",
    "remove_trailer_block",
    "remove_comment_widgets",
    "remove_login_prompts",
    "remove_subscription_prompts",
    "remove_share_and_follow",
    "remove_copyright_footer",
    "remove_tag_lists",
    "remove_navigation_chrome",
    "remove_repeated_lines",
    "classify_paragraphs",
    "dedupe_captions",
    "normalize_whitespace",
)
"""Every step in its place, opt-in ones included: where `enable` puts an opt-in step."""

DEFAULT_ORDER: tuple[str, ...] = tuple(name for name in PIPELINE if not REGISTRY[name].opt_in)
"""The pipeline without the opt-in steps."""

SETTINGS: tuple[Option, ...] = (
    Option("review_share", 0.4, "flag a document that loses more than this share of its words", above=0, maximum=1),
    Option(
        "max_rounds",
        3,
        "a step that changed something runs again, up to this many times in all",
        minimum=1,
        maximum=100,
    ),
    Option(
        "extract_timeout", 30.0, "HTML: seconds one page's extraction may take", above=0, maximum=3600, unit="seconds"
    ),
    Option(
        "document_timeout",
        120.0,
        "seconds cleaning one document may take, all steps",
        above=0,
        maximum=86400,
        unit="seconds",
    ),
)
"""The pipeline's own numeric settings; each step declares its options itself."""

STEP_OPTIONS: dict[str, Option] = {o.name: o for cls in REGISTRY.values() for o in cls.options()}
_NUMBERS = {o.name: o for o in SETTINGS} | STEP_OPTIONS
_LISTS = ("order", "enable", "disable", "disabled", "fallback_languages", "phrase_files")
if set(PIPELINE) != set(REGISTRY) or len(_NUMBERS) != len(SETTINGS) + len(STEP_OPTIONS):
    raise RuntimeError("every registered step needs a place in PIPELINE, and every option a name of its own")


@dataclass(frozen=True, init=False)
class Config:
    """What to run and with which settings. Keyword arguments are the keys of the
    ``[cleaners]`` table, step options included: ``Config(enable=["classify_paragraphs"],
    dedupe_window=4)``. `enable` and `disable` are resolved here, into `order` and
    `disabled`, so a config reads back (and fingerprints) the same however it was spelt."""

    order: tuple[str, ...]
    disabled: frozenset[str]
    phrase_files: tuple[Path, ...]
    fallback_languages: tuple[str, ...]
    review_share: float
    max_rounds: int
    extract_timeout: float
    document_timeout: float
    options: tuple[tuple[str, Number], ...]
    """Every step option's value, defaults included, in declaration order."""
    source: str | None = field(compare=False)

    def __init__(
        self,
        *,
        order: Iterable[str] = DEFAULT_ORDER,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        disabled: Iterable[str] = (),
        phrase_files: Iterable[str | Path] = (),
        fallback_languages: Iterable[str] = ("en",),
        review_share: float = 0.4,
        max_rounds: int = 3,
        extract_timeout: float = 30.0,
        document_timeout: float = 120.0,
        source: str | None = None,
        **options: Number,
    ) -> None:
        where = source or "Config"
        unknown = sorted(set(options) - set(STEP_OPTIONS))
        if unknown:
            raise ConfigError(f"{where}: unknown keys {unknown}; known: {sorted(known_keys())}")
        enable, off = tuple(enable), frozenset(disabled) | frozenset(disable)
        order = tuple(order)
        for name in (*order, *enable, *off):
            _expect(name in REGISTRY, where, f"unknown cleaner {name!r}; known: {', '.join(sorted(REGISTRY))}")
        both = sorted(off.intersection(enable))
        _expect(not both, where, f"{', '.join(both)} cannot be both enabled and disabled")
        values = {"review_share": review_share, "max_rounds": max_rounds, "extract_timeout": extract_timeout}
        values["document_timeout"] = document_timeout
        checked = {key: _NUMBERS[key].check(value, where) for key, value in values.items()}
        chosen = {name: option.check(options.get(name, option.default), where) for name, option in STEP_OPTIONS.items()}
        resolved = {
            "order": with_enabled(order, enable),
            "disabled": off,
            "phrase_files": tuple(Path(p) for p in phrase_files),
            "fallback_languages": tuple(fallback_languages),
            **checked,
            "options": tuple(chosen.items()),
            "source": source,
        }
        for key, value in resolved.items():
            object.__setattr__(self, key, value)  # frozen: set once, here

    def option(self, name: str) -> Number:
        """A step option's value (`dedupe_window`, `repeated_min_share`, ...)."""
        for key, value in self.options:
            if key == name:
                return value
        raise KeyError(name)

    def enabled(self) -> list[str]:
        return [name for name in self.order if name not in self.disabled]

    def keywords(self) -> dict[str, Any]:
        """The keyword arguments that make this config again."""
        return {
            "order": self.order,
            "disabled": self.disabled,
            "phrase_files": self.phrase_files,
            "fallback_languages": self.fallback_languages,
            "review_share": self.review_share,
            "max_rounds": self.max_rounds,
            "extract_timeout": self.extract_timeout,
            "document_timeout": self.document_timeout,
            "source": self.source,
            **dict(self.options),
        }

    def with_overrides(self, **changes: Any) -> Config:
        return Config(**{**self.keywords(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """The settings as the ``[cleaners]`` table takes them (the effective config)."""
        data = self.keywords()
        data.pop("source")
        data["order"] = list(self.order)
        data["disabled"] = sorted(self.disabled)
        data["phrase_files"] = [str(p) for p in self.phrase_files]
        data["fallback_languages"] = list(self.fallback_languages)
        return data

    def fingerprint(self) -> str:
        """Changes whenever the cleaning could change: settings, step versions, phrase files."""
        digest = hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode())
        digest.update(json.dumps(cleaner_versions(), sort_keys=True).encode())
        for path in [*shipped_files(), *self.phrase_files]:
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


def cleaner_versions() -> dict[str, str]:
    """Every step's `name/v<version>`, and the decoder's and the HTML pre-pass's versions."""
    return {name: cls.label for name, cls in REGISTRY.items()} | {"decode": DECODE_VERSION, "html": PREPASS_VERSION}


def with_enabled(order: tuple[str, ...], enable: Iterable[str]) -> tuple[str, ...]:
    """`order` with each step of `enable` that it lacks put in its place: right after the
    nearest step that comes before it in PIPELINE (first, when none does)."""
    steps = list(order)
    for name in sorted(set(enable) - set(order), key=PIPELINE.index):
        before = PIPELINE[: PIPELINE.index(name)]
        earlier = next((step for step in reversed(before) if step in steps), None)
        steps.insert(0 if earlier is None else steps.index(earlier) + 1, name)
    return tuple(steps)


def known_keys() -> set[str]:
    return {*_LISTS, *_NUMBERS}


def _expect(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ConfigError(f"{where}: {message}")


_books: dict[tuple[tuple[str, int, int], ...], PhraseBook] = {}
_books_lock = threading.Lock()


def phrase_book(config: Config) -> PhraseBook:
    """The shipped phrase files plus the config's own, loaded once per process."""
    paths = [*shipped_files(), *config.phrase_files]
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    with _books_lock:
        book = _books.get(key)
        if book is None:
            book = _books[key] = load_book(paths, set(PHRASE_CLEANER_NAMES))
        return book


def from_mapping(table: Mapping[str, object], *, base_dir: Path, where: str) -> Config:
    """Build a Config from the ``[cleaners]`` table, validating every key."""
    _expect(isinstance(table, Mapping), where, "must be a table ([cleaners] with keys under it)")
    unknown = set(table) - known_keys()
    _expect(not unknown, where, f"unknown keys {sorted(unknown)}; known: {sorted(known_keys())}")
    values: dict[str, Any] = dict(table)
    for key in _LISTS:
        if key in table:
            value = table[key]
            _expect(
                isinstance(value, list) and all(isinstance(v, str) for v in value),
                where,
                f"{key} must be a list of strings",
            )
    paths = []
    for raw in values.get("phrase_files", []):
        path = (base_dir / raw).resolve()
        _expect(path.is_file(), where, f"phrase file {raw!r} not found (looked at {path})")
        paths.append(path)
    values["phrase_files"] = tuple(paths)
    config = Config(**values, source=where)
    phrase_book(config)  # fail now, naming file and line, not on the first document
    return config


def read_toml(path: Path) -> dict[str, Any]:
    """A config file's tables, or a ConfigError that names the file."""
    text = read_settings_text(path, "config file", ConfigError)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None


def load_config(path: str | Path | None) -> Config:
    """Read the ``[cleaners]`` table of a TOML file (no file: the defaults)."""
    if path is None:
        return Config()
    path = Path(path)
    data = read_toml(path)
    table = data.get("cleaners", {})
    _expect(isinstance(table, dict), str(path), "[cleaners] must be a table")
    return from_mapping(table, base_dir=path.parent, where=f"{path} [cleaners]")
