"""The output folder never damages the input, and is never shared by two runs at once:
every overlap of RAW and OUT is refused before Prefect starts, symbolic links resolved."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden import ROOT

BIN = Path(sys.executable).with_name("boilerstrip")
ARTICLE = ROOT / "raw/004_b7bbc19097b3fd85.txt"


def boilerstrip(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300, **kwargs)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("boilerstrip: error: ")
    return done.stderr.strip().removeprefix("boilerstrip: error: ")


def test_raw_inside_out_is_refused_and_the_inputs_stay(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw" / "raw").mkdir(parents=True)
    shutil.copy(ARTICLE, data / "raw" / "x.txt")
    (data / "raw" / "raw" / "x.txt").write_text("Another article.\n")
    before = (data / "raw" / "x.txt").read_bytes()
    done = boilerstrip("clean", str(data / "raw"), "--out", str(data))
    assert one_line_error(done) == f"input folder {data / 'raw'} must not be inside the output folder {data}"
    assert (data / "raw" / "x.txt").read_bytes() == before
    assert sorted(p.name for p in (data / "raw").iterdir()) == ["raw", "x.txt"]


@pytest.mark.parametrize("case", ["same", "same-by-link", "raw-in-out-by-link", "out-in-raw-by-link", "file-in-out"])
def test_every_overlap_of_raw_and_out_is_refused(tmp_path: Path, case: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ARTICLE, raw / "a.txt")
    link = tmp_path / "link"
    if case == "same":
        args, expected = (raw, raw), f"output folder {raw} is the input folder {raw}; choose another --out"
    elif case == "same-by-link":
        link.symlink_to(raw)
        args, expected = (raw, link), f"output folder {link} is the input folder {raw}; choose another --out"
    elif case == "raw-in-out-by-link":
        link.symlink_to(tmp_path)  # link/raw is raw: OUT holds it
        args, expected = (raw, link), f"input folder {raw} must not be inside the output folder {link}"
    elif case == "out-in-raw-by-link":
        link.symlink_to(raw)
        out = link / "out"
        args, expected = (raw, out), f"output folder {out} must not be inside the input folder {raw}"
    else:
        args = (raw / "a.txt", tmp_path)
        expected = f"input file {raw / 'a.txt'} is inside the output folder {tmp_path}; choose another --out"
    done = boilerstrip("clean", str(args[0]), "--out", str(args[1]))
    assert one_line_error(done) == expected
    assert sorted(p.name for p in raw.iterdir()) == ["a.txt"]
