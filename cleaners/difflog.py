"""Kept import path (`cleaners.difflog.render`): the code is in `cleaners.output.difflog`."""

from .output.difflog import render, trace

__all__ = ["render", "trace"]
