"""Line numbers in a phrase file, for rule origins and error messages.

`tomllib` gives values without positions, so lines are found by searching the text.
Each search is bounded by the table the value belongs to (``[[cleaner]]`` headers
are counted in file order, as TOML keeps array entries), so loading a file costs
time linear in its size, not quadratic: 20,000 rules load in a second, not a minute.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_HEADER = re.compile(r"\s*(\[\[?)\s*([\w.\"'-]+)\s*\]\]?\s*(?:#.*)?$")


class Lines:
    """A phrase file's lines, with the position of every table header."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[int] = []
        """0-based line indexes of every table header, in order."""
        self.arrays: dict[str, list[int]] = {}
        """``[[name]]`` -> the line index of each of its headers, in order."""
        self.tables: dict[str, int] = {}
        """``[name]`` -> the line index of its header."""
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m is None:
                continue
            self.headers.append(i)
            name = m.group(2).strip("\"'")
            if m.group(1) == "[[":
                self.arrays.setdefault(name, []).append(i)
            else:
                self.tables.setdefault(name, i)

    def section(self, start: int) -> tuple[int, int]:
        """The lines from `start` up to the next table header."""
        after = bisect_right(self.headers, start)
        return start, self.headers[after] if after < len(self.headers) else len(self.lines)

    def entry(self, name: str, index: int) -> tuple[int, int]:
        """Where the `index`-th ``[[name]]`` entry stands (the whole file when the entry
        is not written as a header, e.g. an inline array)."""
        starts = self.arrays.get(name, [])
        return self.section(starts[index]) if index < len(starts) else (0, len(self.lines))

    def table(self, name: str) -> tuple[int, int]:
        """Where the ``[name]`` table stands (the whole file when it has no header)."""
        start = self.tables.get(name)
        return self.section(start) if start is not None else (0, len(self.lines))

    def find(self, needle: str, span: tuple[int, int], *, quoted: bool = False) -> int | None:
        """The 1-based number of the first line in `span` holding `needle` as written in
        TOML (raw, as in a 'literal string', or escaped, as in a "basic string")."""
        forms = {needle, needle.replace("\\", "\\\\").replace('"', '\\"')}
        if quoted:
            forms = {f'"{form}"' for form in forms} | {f"'{needle}'"}
        for i in range(*span):
            if any(form in self.lines[i] for form in forms):
                return i + 1
        return None

    def name(self, name: str) -> int:
        """The 1-based line of a table or array's first header (1 when there is none)."""
        starts = self.arrays.get(name)
        at = starts[0] if starts else self.tables.get(name)
        return at + 1 if at is not None else self.find(name, (0, len(self.lines))) or 1
