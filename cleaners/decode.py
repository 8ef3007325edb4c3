"""Kept import path (`cleaners.decode.sniff_binary`): the code is in `cleaners.input.decode`."""

from .input.decode import Decoded, decode, sniff_binary

__all__ = ["Decoded", "decode", "sniff_binary"]
