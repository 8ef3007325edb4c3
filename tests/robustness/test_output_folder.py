"""The output folder never damages the input, and is never shared by two runs at once:
every overlap of RAW and OUT is refused before Prefect starts, symbolic links resolved."""

from __future__ import annotations

import os
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


def modes(out: Path) -> dict[str, int]:
    """Permission bits of every output a user sees (the run's hidden folders aside)."""
    return {
        str(p.relative_to(out)): p.stat().st_mode & 0o777
        for p in sorted(out.rglob("*"))
        if not p.relative_to(out).parts[0].startswith(".")
    }


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=["022", "077"])
def test_atomic_writes_honour_the_umask(tmp_path: Path, umask: int) -> None:
    from boilerstrip.flows.files import AtomicWriter, write_atomic

    saved = os.umask(umask)
    try:
        write_atomic(tmp_path / "one.txt", b"one\n")
        writer = AtomicWriter(tmp_path)
        writer.write(tmp_path / "two.txt", b"two\n")
        writer.close()
    finally:
        os.umask(saved)
    assert modes(tmp_path) == {"one.txt": 0o666 & ~umask, "two.txt": 0o666 & ~umask}


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=["022", "077"])
def test_every_output_of_a_run_honours_the_umask(prefect_server, tmp_path: Path, umask: int) -> None:
    out = tmp_path / "out"
    done = boilerstrip("clean", str(ROOT / "raw"), "--out", str(out), umask=umask)
    assert done.returncode == 0, done.stderr
    found = modes(out)
    assert {"manifest.jsonl", "run-summary.md", "effective-config.toml", "report.html"} <= set(found)
    assert any(name.endswith(".diff") for name in found) and any(name.startswith("report/") for name in found)
    expected = {name: (0o777 if (out / name).is_dir() else 0o666) & ~umask for name in found}
    assert found == expected
