"""The edit log (`cleaners.editlog`): what it holds reads back exactly, replays to the
clean text, and the golden files' expected-edits.jsonl is the same format."""

from __future__ import annotations

from pathlib import Path

import pytest

from boilerstrip.cleaners import clean, replay
from boilerstrip.cleaners.output import editlog
from golden import discover

CASES = discover()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_case_reads_back_and_replays(case, tmp_path: Path) -> None:
    result = clean(case.input.read_bytes(), config=case.config)
    path = tmp_path / "a.edits.jsonl"
    editlog.write(path, result.edits, result.meta.byte_fixes)
    log = editlog.read(path)
    assert log.edits == result.edits and log.byte_fixes == result.meta.byte_fixes
    assert replay(result.decoded, log.edits) == result.text
    assert editlog.dumps(result.edits) == (case.dir / "expected-edits.jsonl").read_text("utf-8")


def test_byte_fixes_come_first_and_are_not_edits() -> None:
    result = clean(b"Caf\xe9 au lait \xff\xfe is served.\n\nAdvertisement\n" + "Stra\u00dfe".encode() + b"\n")
    fixes = result.meta.byte_fixes
    assert [(f.offset, f.raw) for f in fixes] == [(3, "e9"), (13, "fffe")]
    text = editlog.dumps(result.edits, fixes)
    first = text.split("\n", 1)[0]
    assert first.startswith('{"cleaner": "decode/v2", "rule": "byte"') and '"step"' not in first
    assert editlog.loads(text).byte_fixes == fixes and editlog.loads(text).edits == result.edits


def test_line_breaks_inside_the_text_do_not_split_lines() -> None:
    result = clean("Story.\u2028Advertisement\x85\n\nShare this:\n\nMore story text here.\n")
    text = editlog.dumps(result.edits)
    assert text.count("\n") == len(result.edits)
    assert editlog.loads(text).edits == result.edits


@pytest.mark.parametrize("bad", ["not json\n", '{"step": 1}\n', "[1, 2]\n", '{"cleaner": "decode/v1"}\n'])
def test_what_is_not_an_edit_log_is_refused(bad: str) -> None:
    with pytest.raises(editlog.EditLogError, match="line 1"):
        editlog.loads(bad)
