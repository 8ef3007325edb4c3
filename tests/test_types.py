"""mypy, strict on cleaners/ (settings in pyproject.toml); part of the one test command CI runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from golden import ROOT


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy missing: pip install -e '.[dev]'")
def test_mypy_strict_on_the_library() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
