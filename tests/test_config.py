"""Configuration and user phrase files: what works, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaners import Config, ConfigError, PhraseError, clean, load_config
from cleaners.pipeline import PHRASE_CLEANER_NAMES
from cleaners.rules.book import has_nested_repeat, load_file, shipped_files

ARTICLE = (
    "The harbour authority approved the new dredging plan on Monday after months of debate with fishermen.\n\n"
    "Weather for Harbour Town\n\nChange location\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_user_phrase_file_adds_rules_without_python(tmp_path: Path) -> None:
    write(
        tmp_path / "mine.toml",
        """language = "*"

[[remove_navigation_chrome]]
id = "mysite.weather_widget"
reason = "navigation: the site's weather box"
patterns = ['weather for [a-z ]{1,30}', 'change location']
""",
    )
    config = load_config(write(tmp_path / "boilerstrip.toml", '[cleaners]\nphrase_files = ["mine.toml"]\n'))
    result = clean(ARTICLE, config=config)
    assert result.text == ARTICLE.split("\n")[0] + "\n"
    assert {e.rule for e in result.edits if e.kind == "removal"} == {"mysite.weather_widget"}
    assert clean(ARTICLE).text == ARTICLE  # without the file nothing happens


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("patterns = ['(unclosed']", "mine.toml:5: rule 'x': invalid pattern '(unclosed'"),
        ("patterns = ['(?:\\\\w+\\\\s*){1,15}']", "mine.toml:5: rule 'x': nested quantifier"),
        ("patterns = ['a*']", "mine.toml:5: rule 'x': pattern 'a*' matches the empty line"),
        ("patterns = []", "mine.toml:3: rule 'x': `patterns` must be a non-empty list"),
        ("patterns = ['ok']\ncolour = 'red'", "mine.toml:3: rule 'x': unknown keys ['colour']"),
    ],
)
def test_bad_phrase_files_name_file_and_line(tmp_path: Path, rule: str, message: str) -> None:
    path = write(
        tmp_path / "mine.toml", f'language = "en"\n[[remove_navigation_chrome]]\nid = "x"\nreason = "y"\n{rule}\n'
    )
    with pytest.raises(PhraseError, match=r"mine\.toml") as err:
        load_file(path, PHRASE_CLEANER_NAMES)
    assert message in str(err.value)


def test_unknown_cleaner_in_a_phrase_file(tmp_path: Path) -> None:
    path = write(tmp_path / "mine.toml", 'language = "en"\n\n[[remove_everything]]\nid = "x"\nreason = "y"\n')
    with pytest.raises(PhraseError, match=r"mine.toml:3: unknown cleaner 'remove_everything'"):
        load_file(path, PHRASE_CLEANER_NAMES)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('order = ["no_such"]', "unknown cleaner 'no_such'"),
        ('disabled = "remove_tag_lists"', "disabled must be a list of strings"),
        ("review_share = 2", "review_share must be in (0, 1]"),
        ("dedupe_window = 0", "dedupe_window must be an integer >= 1"),
        ('phrase_files = ["missing.toml"]', "phrase file 'missing.toml' not found"),
        ("colour = 1", "unknown keys ['colour']"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"boilerstrip\.toml") as err:
        load_config(write(tmp_path / "boilerstrip.toml", f"[cleaners]\n{table}\n"))
    assert message in str(err.value)


def test_shipped_phrase_files_are_valid_and_have_no_nested_quantifiers() -> None:
    for path in shipped_files():
        rules, _ = load_file(path, PHRASE_CLEANER_NAMES)
        assert rules
        assert not [p for r in rules for p in r.patterns if has_nested_repeat(p)]


def test_fingerprint_changes_with_settings_and_phrase_files(tmp_path: Path) -> None:
    base = Config().fingerprint()
    assert Config().fingerprint() == base
    assert Config(disabled=frozenset({"remove_tag_lists"})).fingerprint() != base
    extra = write(tmp_path / "mine.toml", 'language = "en"\n')
    assert Config(phrase_files=(extra,)).fingerprint() != base
