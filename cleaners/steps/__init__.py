"""The steps of the pipeline, one module each; importing this package registers them all.

Each step is a class that declares its name, version and options beside its code
(see `cleaners.registry`). `REGISTRY` maps every name to its class.
"""

from __future__ import annotations

from ..registry import REGISTRY
from ..rules.engine import PhraseCleaner
from . import captions, encoding, language, lists, paragraphs, phrase_cleaners, repeated, title, trailer, whitespace

MODULES = (captions, encoding, language, lists, paragraphs, phrase_cleaners, repeated, title, trailer, whitespace)
"""Each module registers its steps when imported."""

PHRASE_CLEANERS: tuple[PhraseCleaner, ...] = tuple(cls() for cls in REGISTRY.values() if issubclass(cls, PhraseCleaner))
"""One of each phrase cleaner, in the order they are declared (the default order)."""
PHRASE_CLEANER_NAMES = frozenset(cleaner.name for cleaner in PHRASE_CLEANERS)
"""The cleaners that phrase files may hold rules for."""

__all__ = ["PHRASE_CLEANERS", "PHRASE_CLEANER_NAMES", "REGISTRY"]
