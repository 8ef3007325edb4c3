"""Kept import path (`cleaners.compressed`): the code is in `cleaners.input.compressed`."""

from .errors import InputError
from .input.compressed import MAGIC, MAX_EXPANDED, Corrupt, TooLarge, gunzip, is_gzip

__all__ = ["MAGIC", "MAX_EXPANDED", "Corrupt", "InputError", "TooLarge", "gunzip", "is_gzip"]
