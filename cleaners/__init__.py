"""boilerstrip's cleaning library: one raw article in, clean text and every edit out.

    >>> from cleaners import clean
    >>> result = clean(b"Story text.\\n\\nBe the first to comment\\n")
    >>> result.text
    'Story text.\\n'
    >>> [(e.cleaner, e.rule) for e in result.edits if e.kind == "removal"]
    [('remove_comment_widgets/v1', 'en.comments.be_first')]

No Prefect here: `flows/` orchestrates, this package only cleans.
"""

from .config import Config, cleaner_versions, load_config
from .edits import replay
from .errors import BoilerstripError, CleaningTimeout, ConfigError, InputError, PhraseError
from .many import clean_many
from .model import Cleaned, Edit, Meta, Span
from .pipeline import clean
from .steps import REGISTRY  # the registry, with every step module imported

__all__ = [
    "REGISTRY",
    "BoilerstripError",
    "Cleaned",
    "CleaningTimeout",
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
