"""Properties over arbitrary input: never crashes, edits replay, cleaning is idempotent."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boilerstrip.cleaners import InputError, clean, replay

ROOT = Path(__file__).resolve().parent.parent
SEED_LINES = sorted(
    {line for path in sorted((ROOT / "raw").glob("*.txt")) for line in path.read_text("utf-8").splitlines()}
)
JUNK_LINES = [
    "Be the first to comment",
    "Leave a Reply",
    "Advertisement",
    "{mosads}",
    "Load more",
    "Back to top",
    "Tags Ash Carter ISIS Russia Syria",
    "© 2024 Example",
    "Sign in",
    "Share this",
    "\u00a0",
    "",
    "  ",
]
BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
EXAMPLES = int(os.environ.get("BOILERSTRIP_FUZZ_EXAMPLES", "150"))  # raise it for a longer campaign
PROFILE = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text built from real article lines, junk lines, and arbitrary characters, joined
# with the line endings scraped files have: the shapes the cleaners actually see.
line = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(JUNK_LINES),
    st.text(max_size=80),
    st.text(alphabet="aé “”’\u00a0\t{}<>/|·#©↴.!?-\r\x00Ã©â€™", max_size=40),
)
documents = st.lists(line, max_size=25).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\n\n", "\r"]).map(lambda sep: sep.join(lines))
)


@PROFILE
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_and_give_valid_text(raw: bytes) -> None:
    try:
        result = clean(raw)
    except InputError as err:  # the one refusal: bytes that claim to be gzip and are not
        assert raw.startswith(b"\x1f\x8b"), err
        return
    result.text.encode("utf-8")  # valid UTF-8: no lone surrogates
    assert replay(result.decoded, result.edits) == result.text


@PROFILE
@given(st.binary(max_size=2000))
def test_gzip_of_any_bytes_cleans_as_the_bytes(raw: bytes) -> None:
    if raw.startswith(b"\x1f\x8b"):
        return
    plain, packed = clean(raw), clean(gzip.compress(raw))
    assert (packed.text, packed.edits, packed.meta.compression) == (plain.text, plain.edits, "gzip")


@PROFILE
@given(documents)
def test_edits_replay_to_the_output(text: str) -> None:
    result = clean(text)
    assert replay(result.decoded, result.edits) == result.text


@PROFILE
@given(documents)
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean(text).text
    twice = clean(once)
    assert twice.text == once, [(e.cleaner, e.rule, e.removed) for e in twice.edits]


def _lines(text: str) -> set[str]:
    return {" ".join(CONTROLS.sub("", line).split()) for line in BREAKS.split(text)}


@PROFILE
@given(documents)
def test_output_lines_come_from_the_input_unless_an_edit_says_so(text: str) -> None:
    """Nothing is made up or merged: each output line is a line of the input (up to
    layout), unless an edit changed text inside a line (an inline cut, a repair)."""
    result = clean(text)
    inside_line = [e for e in result.edits if e.kind != "whitespace" and "\n" not in e.removed + e.replacement]
    if inside_line:
        return
    source = _lines(result.decoded)
    for out_line in result.text.splitlines():
        assert " ".join(CONTROLS.sub("", out_line).split()) in source, out_line


ARTICLES = [p.read_bytes() for p in sorted((ROOT / "raw").glob("*.txt"))]


@PROFILE
@given(st.integers(0, 10**9))
def test_mutated_real_articles_keep_every_property(seed: int) -> None:
    """Real articles with junk inserted, bytes deleted or flipped, lines doubled: the
    checks of bench/fuzz.py (which runs the same on many more cases)."""
    import random

    from bench.fuzz import check, mutate

    rng = random.Random(seed)
    raw = mutate(rng, rng.choice(ARTICLES))
    assert check(raw) is None


@PROFILE
@given(st.text(max_size=300))
def test_bytes_and_text_inputs_agree(text: str) -> None:
    assert clean(text.encode("utf-8")).text == clean(text).text
