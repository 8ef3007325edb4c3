"""Configuration and user phrase files: what works, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from boilerstrip.cleaners import Config, ConfigError, PhraseError, clean, load_config
from boilerstrip.cleaners.rules.book import has_nested_repeat, load_file, shipped_files
from boilerstrip.cleaners.steps import PHRASE_CLEANER_NAMES

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
        ("patterns = ['(?:a|a)*!']", "mine.toml:5: rule 'x': pattern '(?:a|a)*!': a repeated group's alternatives"),
        ("patterns = ['(?:a|ab)*!']", "rule 'x': pattern '(?:a|ab)*!': a repeated group's alternatives"),
        ("patterns = ['(?:na|nana)+ batman']", "a repeated group's alternatives can read the same text in two ways"),
        ("patterns = ['(?:a?a)+!']", "mine.toml:5: rule 'x': pattern '(?:a?a)+!': two repeats in a row"),
        ("patterns = ['\\w*\\w*\\w*!']", "two repeats in a row can match the same characters"),
        ("patterns = ['x.*.*']", "rule 'x': pattern 'x.*.*': two repeats in a row"),
        ("patterns = ['x\\S*\\S+y']", "two repeats in a row"),
        ("patterns = ['\\d+-?\\w*']", "two repeats in a row"),
        ("patterns = ['(?s)zzz foo']", "mine.toml:5: rule 'x': pattern '(?s)zzz foo': inline global flags"),
        ("patterns = ['(?i)x']", "mine.toml:5: rule 'x': pattern '(?i)x': inline global flags"),
        ("patterns = ['(x)\\1 zzz']", "mine.toml:5: rule 'x': pattern '(x)\\\\1 zzz': back-references"),
        ("patterns = ['(x)?(?(1)a|b)']", "back-references"),
        ("patterns = ['(?P<r0>x)']", "named groups are reserved"),
        ("patterns = ['ok', '(?:a|a)*!']", "mine.toml:5: rule 'x': pattern '(?:a|a)*!'"),
        ("patterns = [\n  'ok',\n  '(?:a|a)*!',\n]", "mine.toml:7: rule 'x': pattern '(?:a|a)*!'"),
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


@pytest.mark.parametrize(
    "pattern",
    ["a(?:\\w++|-)+!", "(?:foo|bar)+ baz", "(?:x|xing|instagram)+", "foo.*bar", "\\w+ \\w+!", "(?s:a.b)"],
)
def test_patterns_that_cannot_backtrack_badly_are_accepted(tmp_path: Path, pattern: str) -> None:
    path = write(
        tmp_path / "mine.toml",
        f'language = "en"\n[[remove_navigation_chrome]]\nid = "x"\nreason = "y"\npatterns = [\'{pattern}\']\n',
    )
    assert load_file(path, PHRASE_CLEANER_NAMES)[0][0].patterns == (pattern,)


def test_whitespace_runs_only_compete_where_lines_are_not_collapsed(tmp_path: Path) -> None:
    """Line rules see lines with whitespace collapsed, so ``\\s*:?\\s*`` there matches a space
    at most on each side; an inline rule sees raw text, where it is quadratic in a run of spaces."""
    rule = 'language = "en"\n[[strip_ad_markers]]\nid = "x"\nreason = "y"\npatterns = [\'ad\\s*:?\\s*here\']\n'
    assert load_file(write(tmp_path / "line.toml", rule), PHRASE_CLEANER_NAMES)[0]
    inline = write(tmp_path / "inline.toml", rule + 'match = "inline"\n')
    with pytest.raises(PhraseError, match=r"inline\.toml:5: rule 'x': pattern .*two repeats in a row"):
        load_file(inline, PHRASE_CLEANER_NAMES)


def test_a_slow_pattern_is_refused_before_it_runs(tmp_path: Path) -> None:
    """The patterns of issue 13 took seconds per line (doubling with each character);
    they are refused at load time, through the command line, in one line."""
    write(
        tmp_path / "slow.toml",
        'language = "en"\n\n[[remove_navigation_chrome]]\nid = "slow"\nreason = "y"\npatterns = [\'(?:a|a)*!\']\n',
    )
    config = write(tmp_path / "boilerstrip.toml", '[cleaners]\nphrase_files = ["slow.toml"]\n')
    with pytest.raises(PhraseError, match=r"slow\.toml:6: rule 'slow': pattern '\(\?:a\|a\)\*!'"):
        load_config(config)


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


# --- enable / disable, and options declared by the steps ---------------------------------------------------------


def test_enable_puts_opt_in_steps_in_their_place() -> None:
    from boilerstrip.cleaners.config import DEFAULT_ORDER

    classifier = Config(enable=["classify_paragraphs"]).order
    assert classifier.index("classify_paragraphs") + 1 == classifier.index("dedupe_captions")
    assert [n for n in classifier if n != "classify_paragraphs"] == list(DEFAULT_ORDER)
    both = Config(enable=["classify_paragraphs", "remove_page_title"]).order
    assert both[0] == "remove_page_title" and both[1:] == classifier
    assert Config(enable=["dedupe_captions"]).order == DEFAULT_ORDER  # already there: nothing moves


def test_enable_and_disable_in_toml_read_as_the_order_they_stand_for(tmp_path: Path) -> None:
    from boilerstrip.cleaners.config import DEFAULT_ORDER

    order = list(DEFAULT_ORDER)
    order.insert(order.index("dedupe_captions"), "classify_paragraphs")
    spelt_out = load_config(
        write(
            tmp_path / "a.toml", f'[cleaners]\norder = {order!r}\ndisabled = ["remove_tag_lists"]\n'.replace("'", '"')
        )
    )
    short = load_config(
        write(tmp_path / "b.toml", '[cleaners]\nenable = ["classify_paragraphs"]\ndisable = ["remove_tag_lists"]\n')
    )
    assert short == spelt_out and short.fingerprint() == spelt_out.fingerprint()
    assert "remove_tag_lists" not in short.enabled()


def test_effective_config_with_enable_reads_back(tmp_path: Path) -> None:
    from boilerstrip.flows.settings import load_settings

    path = write(tmp_path / "b.toml", '[cleaners]\nenable = ["remove_page_title"]\ndedupe_window = 4\n')
    settings = load_settings(path)
    again = load_settings(write(tmp_path / "effective-config.toml", settings.to_toml()))
    assert again.cleaners == settings.cleaners and again.cleaners.order[0] == "remove_page_title"
    assert again.cleaners.option("dedupe_window") == 4


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('enable = ["no_such"]', "unknown cleaner 'no_such'"),
        ('enable = "classify_paragraphs"', "enable must be a list of strings"),
        ('enable = ["classify_paragraphs"]\ndisable = ["classify_paragraphs"]', "cannot be both enabled and disabled"),
        ("trailer_max_gap = -1", "trailer_max_gap must be an integer >= 0"),
        ("repeated_min_share = 0", "repeated_min_share must be in (0, 1]"),
        ("extract_timeout = 0", "extract_timeout must be a positive number of seconds"),
        ("dedupe_window = true", "dedupe_window must be an integer >= 1"),
    ],
)
def test_bad_enable_disable_and_options_name_file_and_key(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"boilerstrip\.toml \[cleaners\]") as err:
        load_config(write(tmp_path / "boilerstrip.toml", f"[cleaners]\n{table}\n"))
    assert message in str(err.value)


def test_python_config_takes_the_same_keys() -> None:
    assert Config(dedupe_window=4).option("dedupe_window") == 4
    assert Config(disable=["remove_tag_lists"]) == Config(disabled=["remove_tag_lists"])
    with pytest.raises(ConfigError, match="unknown keys"):
        Config(colour=1)
    with pytest.raises(ConfigError, match="review_share must be in"):
        Config(review_share=2)


def test_every_step_declares_name_version_and_a_place() -> None:
    from boilerstrip.cleaners import REGISTRY, cleaner_versions
    from boilerstrip.cleaners.config import PIPELINE, STEP_OPTIONS

    assert set(PIPELINE) == set(REGISTRY)
    for name, step in REGISTRY.items():
        assert step.name == name and step.label == f"{name}/v{step.version}"
        assert cleaner_versions()[name] == step.label
    assert set(STEP_OPTIONS) == {
        "dedupe_window",
        "trailer_max_gap",
        "repeated_min_documents",
        "repeated_min_share",
        "repeated_max_chars",
        "max_items",
        "min_labels",
    }


def test_the_fingerprint_sees_each_steps_version(monkeypatch: pytest.MonkeyPatch) -> None:
    from boilerstrip.cleaners import REGISTRY

    base = Config().fingerprint()
    monkeypatch.setattr(REGISTRY["dedupe_captions"], "label", "dedupe_captions/v2")
    assert Config().fingerprint() != base
