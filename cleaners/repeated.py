"""Kept import path (`cleaners.repeated.SiteRepeats`): the code is in `cleaners.steps.repeated`."""

from .model import SiteRepeats
from .steps.repeated import document_hashes, line_hash, line_key, select

__all__ = ["SiteRepeats", "document_hashes", "line_hash", "line_key", "select"]
