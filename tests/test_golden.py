"""Every case under fixtures/ (seeds, written cases, traps): text, edits and metadata
must match the golden files, the edits must replay, and the hand-written
must_keep / must_drop lines of case.toml must hold. `pytest --update-golden`
rewrites the golden files; read every changed line before committing."""

from __future__ import annotations

import pytest

from boilerstrip.cleaners import clean, replay
from boilerstrip.cleaners.output import editlog
from golden import Case, discover, outputs

CASES = discover()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case: Case, update_golden: bool) -> None:
    result = clean(case.input.read_bytes(), config=case.config, source=case.input.name)
    assert replay(result.decoded, result.edits) == result.text
    produced = outputs(result)
    if update_golden:
        for name, data in produced.items():
            (case.dir / name).write_bytes(data)
    for name, data in produced.items():
        golden = case.dir / name
        assert golden.exists(), f"{golden} missing: run pytest --update-golden and review it"
        assert data.decode("utf-8") == golden.read_bytes().decode("utf-8"), f"{case.id}: {name} differs"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden_edits_replay_to_golden_text(case: Case) -> None:
    """The golden edit log alone, replayed on the decoded input, gives the golden text."""
    result = clean(case.input.read_bytes(), config=case.config)
    edits = editlog.read(case.dir / "expected-edits.jsonl").edits
    assert replay(result.decoded, edits) == (case.dir / "expected.txt").read_bytes().decode("utf-8")


@pytest.mark.parametrize("case", [c for c in CASES if c.must_keep or c.must_drop], ids=lambda c: c.id)
def test_hand_written_expectations(case: Case) -> None:
    text = clean(case.input.read_bytes(), config=case.config).text
    lines = {line.strip() for line in text.splitlines()}
    for keep in case.must_keep:
        assert keep in lines or keep in text, f"{case.id}: content lost: {keep!r}"
    for drop in case.must_drop:
        assert drop not in text, f"{case.id}: junk kept: {drop!r}"
