"""Kept import path (`cleaners.repeated.SiteRepeats`): the code is in `cleaners.steps.repeated`."""

from .steps.repeated import SiteRepeats, document_hashes, line_hash, line_key, select

__all__ = ["SiteRepeats", "document_hashes", "line_hash", "line_key", "select"]
