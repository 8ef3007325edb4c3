"""docs/downstream.md runs as written: every shell and Python example, in a folder with
`article.txt` (raw/004), the page's own `records.jsonl` and `crawl/`, a WET file of the
test cases' articles in six languages; where the page shows an output (the ```text
block after an example), that is the output. Each example stands on its own: it makes
whatever else it reads."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden import ROOT

PAGE = ROOT / "docs/downstream.md"
BLOCK = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.M | re.S)


def blocks() -> list[tuple[str, str, str]]:
    return [(kind, info.strip(), body) for kind, info, body in BLOCK.findall(PAGE.read_text("utf-8"))]


def examples() -> list[tuple[int, str, str, str | None]]:
    """(number, kind, code, expected output or None) of each sh and python block."""
    found = []
    listed = blocks()
    for number, (kind, _, body) in enumerate(listed):
        if kind in ("sh", "python"):
            after = listed[number + 1] if number + 1 < len(listed) else None
            found.append((number, kind, body, after[2] if after and after[0] == "text" else None))
    return found


def test_the_page_has_its_examples() -> None:
    kinds = [kind for _, kind, _, _ in examples()]
    assert kinds.count("sh") >= 5 and kinds.count("python") >= 1
    assert "boilerstrip clean - --format text < article.txt" in PAGE.read_text("utf-8")  # "a pipe"


@pytest.mark.skipif(shutil.which("jq") is None, reason="the examples pipe into jq")
@pytest.mark.parametrize(
    ("number", "kind", "code", "expected"), examples(), ids=[f"{kind}-{number}" for number, kind, *_ in examples()]
)
def test_every_example_runs_as_shown(
    request: pytest.FixtureRequest, tmp_path: Path, number: int, kind: str, code: str, expected: str | None
) -> None:
    shutil.copy(ROOT / "raw/004_b7bbc19097b3fd85.txt", tmp_path / "article.txt")
    wet(tmp_path / "crawl" / "CC-MAIN-example-00000.warc.wet.gz")
    api = "http://127.0.0.1:9/api"
    if " --out " in code:  # a folder run is a Prefect flow: the session's server
        api = request.getfixturevalue("prefect_server")["api_url"]
    for block_kind, name, body in blocks():
        if block_kind == "jsonl" and name:
            (tmp_path / name).write_text(body, "utf-8")
    if kind == "python":
        (tmp_path / "example.py").write_text(code, "utf-8")
        command = [sys.executable, "example.py"]
    else:
        command = ["bash", "-c", code]
    done = subprocess.run(command, cwd=tmp_path, env=_env(api), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    if expected is not None:
        assert done.stdout == expected
    else:
        assert done.stdout == "" and done.stderr == ""


def _env(api: str) -> dict[str, str]:
    """The venv's commands first; a Prefect API that leads nowhere unless the example runs
    a folder (no pipe may need one)."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PREFECT_API_URL": api,
    }


TLD = {"de": "de", "en": "co.uk", "es": "es", "fr": "fr", "it": "it", "pt": "pt"}


def wet(path: Path) -> None:
    """A WET file as Common Crawl writes one: warcinfo, then a conversion record (the
    page's text) per article, each with its page's url."""
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for case in sorted(ROOT.glob("fixtures/cases/*_*/input.txt")):
            name = case.parent.name
            language = name.split("_")[0]
            if language not in TLD:
                continue
            url = f"https://www.{name.replace('_', '-')}.{TLD[language]}/article"
            record = writer.create_warc_record(url, "conversion", payload=io.BytesIO(case.read_bytes()))
            record.rec_headers.replace_header("Content-Type", "text/plain")
            writer.write_record(record)
