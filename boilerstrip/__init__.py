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

from boilerstrip import cleaners as _cleaners
from boilerstrip.cleaners import *  # noqa: F403  (the library's public names, one list for both)

__all__ = list(_cleaners.__all__)
