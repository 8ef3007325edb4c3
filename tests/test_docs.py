"""The documentation names what the code has: every setting, every cleaner, every
command; and the README's links lead somewhere."""

from __future__ import annotations

import re
import tomllib

import pytest

from boilerstrip.cleaners import REGISTRY
from boilerstrip.flows.cli import build_parser
from boilerstrip.flows.settings import load_settings
from golden import ROOT

DOCS = ROOT / "docs"


def settings_keys() -> list[tuple[str, str]]:
    """Every key of the effective config a run writes: what a user can set."""
    tables = tomllib.loads(load_settings(None).to_toml())
    return [(table, key) for table, values in tables.items() for key in values]


@pytest.mark.parametrize(("table", "key"), settings_keys())
def test_the_configuration_doc_names_every_setting(table: str, key: str) -> None:
    text = (DOCS / "configuration.md").read_text("utf-8")
    assert f"[{table}]" in text
    assert re.search(rf"(^|\n){re.escape(key)} = |`{re.escape(key)}`", text), f"[{table}] {key} is not documented"


@pytest.mark.parametrize("cleaner", sorted(REGISTRY))
def test_every_cleaner_is_described(cleaner: str) -> None:
    assert f"`{cleaner}`" in (DOCS / "cleaning.md").read_text("utf-8") + (DOCS / "configuration.md").read_text("utf-8")


def test_every_command_is_in_the_operations_doc() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices
    text = (DOCS / "operations.md").read_text("utf-8")
    assert [name for name in commands if f"boilerstrip {name}" not in text] == []


def test_readme_links_lead_to_files() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    links = re.findall(r"\]\(([^)#]+)", readme)
    assert links and [link for link in links if not (ROOT / link).exists()] == []
    assert len(readme.splitlines()) <= 200
