"""Every error the library raises on purpose, under one base class.

`except BoilerstripError` catches them all. Most are also `ValueError`s (a config value,
a phrase file or raw bytes that cannot be used), as they were before this base existed.
"""

from __future__ import annotations


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
