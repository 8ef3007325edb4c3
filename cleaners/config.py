"""Cleaning configuration: defaults in code, overrides from one TOML file.

The ``[cleaners]`` table of the config file::

    [cleaners]
    order = ["fix_encoding", "normalize_whitespace", ...]   # the pipeline, as data
    disabled = ["remove_tag_lists"]                         # switch cleaners off
    phrase_files = ["my-phrases.toml"]                      # your rules (paths relative to this file)
    fallback_languages = ["en"]                             # phrase lists used whatever the language
    review_share = 0.4                                      # flag a document losing more of its words
    dedupe_window = 3                                       # dedupe_captions: lines to look back
    trailer_max_gap = 2                                     # remove_trailer_block: gap lines allowed
    extract_timeout = 30                                    # HTML: seconds an extraction may take
    repeated_min_documents = 5      # remove_repeated_lines (needs the flow's [run] repeated_lines):
    repeated_min_share = 0.5        #   a line in at least this many documents of its site, and this share,
    repeated_max_chars = 100        #   and no longer than this, goes

Other top-level tables belong to the tools that read the same file (the flow's
``[run]``); this module only reads ``[cleaners]`` and rejects unknown keys in it.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from .errors import ConfigError

DEFAULT_ORDER: tuple[str, ...] = (
    "fix_encoding",
    "normalize_whitespace",
    "detect_language",
    "strip_ad_markers",
    "remove_comment_section",
    "remove_trailer_block",
    "remove_comment_widgets",
    "remove_login_prompts",
    "remove_subscription_prompts",
    "remove_share_and_follow",
    "remove_copyright_footer",
    "remove_tag_lists",
    "remove_navigation_chrome",
    "remove_repeated_lines",
    "dedupe_captions",
    "normalize_whitespace",
)


@dataclass(frozen=True)
class Config:
    order: tuple[str, ...] = DEFAULT_ORDER
    disabled: frozenset[str] = frozenset()
    phrase_files: tuple[Path, ...] = ()
    fallback_languages: tuple[str, ...] = ("en",)
    review_share: float = 0.4
    dedupe_window: int = 3
    trailer_max_gap: int = 2
    max_rounds: int = 3
    extract_timeout: float = 30.0
    repeated_min_documents: int = 5
    repeated_min_share: float = 0.5
    repeated_max_chars: int = 100
    source: str | None = field(default=None, compare=False)

    def enabled(self) -> list[str]:
        return [name for name in self.order if name not in self.disabled]

    def with_overrides(self, **changes) -> Config:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["order"] = list(self.order)
        data["disabled"] = sorted(self.disabled)
        data["phrase_files"] = [str(p) for p in self.phrase_files]
        data["fallback_languages"] = list(self.fallback_languages)
        data.pop("source")
        return data

    def fingerprint(self) -> str:
        """Changes whenever the cleaning could change: settings, cleaner versions, phrase files."""
        from .pipeline import cleaner_versions  # late: the registry imports this module
        from .rules.book import shipped_files

        digest = hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode())
        digest.update(json.dumps(cleaner_versions(), sort_keys=True).encode())
        for path in [*shipped_files(), *self.phrase_files]:
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


_TYPES = {f.name: f for f in fields(Config)}


def _expect(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ConfigError(f"{where}: {message}")


def from_mapping(table: dict, *, base_dir: Path, where: str) -> Config:
    """Build a Config from the ``[cleaners]`` table, validating every key."""
    from .pipeline import REGISTRY

    known = set(_TYPES) - {"source"}
    unknown = set(table) - known
    _expect(not unknown, where, f"unknown keys {sorted(unknown)}; known: {sorted(known)}")
    values: dict = {}
    for key in ("order", "disabled", "fallback_languages", "phrase_files"):
        if key in table:
            value = table[key]
            _expect(
                isinstance(value, list) and all(isinstance(v, str) for v in value),
                where,
                f"{key} must be a list of strings",
            )
            values[key] = value
    for name in [*values.get("order", []), *values.get("disabled", [])]:
        _expect(name in REGISTRY, where, f"unknown cleaner {name!r}; known: {', '.join(sorted(REGISTRY))}")
    if "order" in values:
        values["order"] = tuple(values["order"])
    if "disabled" in values:
        values["disabled"] = frozenset(values["disabled"])
    if "fallback_languages" in values:
        values["fallback_languages"] = tuple(values["fallback_languages"])
    if "phrase_files" in values:
        paths = []
        for raw in values["phrase_files"]:
            path = (base_dir / raw).resolve()
            _expect(path.is_file(), where, f"phrase file {raw!r} not found (looked at {path})")
            paths.append(path)
        values["phrase_files"] = tuple(paths)
    if "extract_timeout" in table:
        value = table["extract_timeout"]
        _expect(
            isinstance(value, int | float) and not isinstance(value, bool) and value > 0,
            where,
            "extract_timeout must be a positive number of seconds",
        )
        values["extract_timeout"] = float(value)
    if "repeated_min_share" in table:
        share = table["repeated_min_share"]
        _expect(
            isinstance(share, int | float) and not isinstance(share, bool) and 0 < share <= 1,
            where,
            "repeated_min_share must be in (0, 1]",
        )
        values["repeated_min_share"] = float(share)
    if "review_share" in table:
        share = table["review_share"]
        _expect(isinstance(share, int | float) and 0 < share <= 1, where, "review_share must be in (0, 1]")
        values["review_share"] = float(share)
    for key, low in (
        ("dedupe_window", 1),
        ("trailer_max_gap", 0),
        ("max_rounds", 1),
        ("repeated_min_documents", 2),
        ("repeated_max_chars", 1),
    ):
        if key in table:
            value = table[key]
            _expect(
                isinstance(value, int) and not isinstance(value, bool) and value >= low,
                where,
                f"{key} must be an integer >= {low}",
            )
            values[key] = value
    config = Config(**values, source=where)
    from .pipeline import phrase_book

    phrase_book(config)  # fail now, naming file and line, not on the first document
    return config


def read_toml(path: Path) -> dict:
    """A config file's tables, or a ConfigError that names the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
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
