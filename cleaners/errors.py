"""Every error the library raises on purpose, under one base class.

`except BoilerstripError` catches them all. Most are also `ValueError`s (a config value,
a phrase file or raw bytes that cannot be used), as they were before this base existed.
"""

from __future__ import annotations

from pathlib import Path


class BoilerstripError(Exception):
    """Base class of the library's own errors; the message says what and where."""


class ConfigError(BoilerstripError, ValueError):
    """A config value that cannot be used; the message says which and why."""


class PhraseError(BoilerstripError, ValueError):
    """A phrase file or pattern that cannot be used; the message names file and line."""


class InputError(BoilerstripError, ValueError):
    """Raw bytes that cannot be read as a document."""


class ReplayError(BoilerstripError, ValueError):
    """The edits do not fit the text they are replayed on."""


class CleaningTimeout(BoilerstripError):
    """One document took longer than its time limit (`document_timeout`): a user's phrase
    rule that backtracks, or a page the extractor struggles with. The run goes on."""


class ExtractionTimeout(CleaningTimeout):
    """The HTML extractor took longer than the page's time limit.

    Not a ValueError: it is raised inside trafilatura, whose own `except ValueError`
    must not swallow it."""


def read_settings_text(path: Path, what: str, error: type[BoilerstripError]) -> str:
    """A config or phrase file's text, or `error` in one line naming the file: a folder,
    a missing file and bytes that are not UTF-8 are a user's mistakes, not tracebacks."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder; give the {what} (a .toml file)") from None
    except UnicodeDecodeError as err:
        raise error(f"{path}: not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset {err.start})") from None
    except OSError as err:
        raise error(f"{path}: cannot read the {what}: {err.strerror or err}") from None
