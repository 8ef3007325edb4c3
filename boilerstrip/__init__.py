"""boilerstrip: boilerplate stripping and article cleaning, every change explained.

One import name for the whole distribution: `boilerstrip.cleaners` (the cleaning
library, the repository's `cleaners/`) and `boilerstrip.flows` (the Prefect flow and
the command line, `flows/`). The library's everyday names are here too:

    >>> from boilerstrip import clean
    >>> clean(b"Story text.\\n\\nBe the first to comment\\n").text
    'Story text.\\n'

Many documents, in input order, on several processes: `clean_many(items, workers=2)`
(see `boilerstrip.cleaners.many`).
"""

from boilerstrip.cleaners import (
    REGISTRY,
    BoilerstripError,
    Cleaned,
    Config,
    ConfigError,
    Edit,
    InputError,
    Meta,
    PhraseError,
    Span,
    clean,
    clean_many,
    cleaner_versions,
    load_config,
    replay,
)

__all__ = [
    "REGISTRY",
    "BoilerstripError",
    "Cleaned",
    "Config",
    "ConfigError",
    "Edit",
    "InputError",
    "Meta",
    "PhraseError",
    "Span",
    "clean",
    "clean_many",
    "cleaner_versions",
    "load_config",
    "replay",
]
