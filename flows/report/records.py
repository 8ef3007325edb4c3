"""Reading a manifest someone else may have written: each line must be a JSON object
whose keys have the types a run writes, and every file it names must lie in OUT.

The report and `boilerstrip show` open the files a record names (`output`, `diff`,
`edit_log`). A manifest is data, so a record naming ``../../etc/os-release`` (or an
absolute path, or a symbolic link in OUT that leads out) must not get that file read
into a page: names are checked here when the manifest is read, and resolved again
(`inside`) when the file is opened.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..outputs import ManifestRecord
from .folder import ReportError

PATHS = ("output", "diff", "edit_log")
"""The keys that name a file in OUT."""
_STR, _INT, _NUMBER = (str,), (int,), (int, float)
TYPES: dict[str, tuple[type, ...]] = {
    "source": _STR,
    "source_bytes": _STR,
    "status": _STR,
    "sha256": _STR,
    "format": _STR,
    "encoding": _STR,
    "language": _STR,
    "review_reason": _STR,
    "fingerprint": _STR,
    "reason": _STR,
    "error": _STR,
    "url": _STR,
    "site": _STR,
    "url_from": _STR,
    "archive": _STR,
    "warc_record_id": _STR,
    "warc_date": _STR,
    "record": _INT,
    **dict.fromkeys(PATHS, _STR),
    **dict.fromkeys(
        ("bytes", "chars_before", "chars_after", "lines_before", "lines_after", "words_before", "words_removed"), _INT
    ),
    "removals": _INT,
    "language_prob": _NUMBER,
    "needs_review": (bool,),
    "edits": (dict,),
    "extraction": (dict,),
}
"""Each key's type as a run writes it (any key may also be null); keys not named here pass."""
_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", dict: "an object"}


def read_manifest(path: Path) -> Iterator[ManifestRecord]:
    """The manifest's records, one at a time (it can be large), each checked: a line that
    is not a record is a ReportError naming the file and line."""
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        for number, line in enumerate(handle, 1):
            try:
                record = json.loads(line.rstrip("\n"))
            except json.JSONDecodeError as err:
                raise ReportError(f"{path}:{number}: not JSON: {err.msg} at column {err.colno}") from None
            yield check(record, f"{path}:{number}")


def check(record: object, where: str) -> ManifestRecord:
    """`record` if it is a manifest record; otherwise a ReportError naming `where`."""
    if not isinstance(record, dict):
        raise ReportError(f"{where}: a manifest line must be a JSON object, not {type(record).__name__}")
    for key, types in TYPES.items():
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ReportError(f"{where}: {key} must be {_NAMES[types[-1]]} or null, not {json.dumps(value)[:60]}")
    edits = record.get("edits") or {}
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in edits.values()):
        raise ReportError(f"{where}: edits must map cleaner names to counts")
    for key in PATHS:
        name = record.get(key)
        if name is not None and not relative(name):
            raise ReportError(f"{where}: {key} {name!r} is not a path inside the output folder")
    return record  # type: ignore[return-value]


def relative(name: str) -> bool:
    """A plain relative name: not absolute, no `..`, no empty part, no NUL."""
    parts = PurePosixPath(name).parts
    return bool(parts) and "\x00" not in name and not name.startswith("/") and ".." not in parts


def inside(out: Path, name: str, root: Path | None = None) -> Path | None:
    """`out / name` when it lies in `out` once symbolic links are followed; None otherwise.
    `root`: `out` resolved already (by a caller that opens many files in it)."""
    if not relative(name):
        return None
    path = out / name
    try:
        root, target = root or out.resolve(), path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return path if root in target.parents else None
