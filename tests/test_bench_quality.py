"""The quality benchmark end to end on a two-page made-up dataset, and without data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench import quality

ARTICLES = {
    "page-a": (
        "The river council met on Tuesday to discuss the new bridge over the old canal.\n\n"
        "Members agreed that the work should start in the spring, once the water level has fallen.\n\n"
        "The mayor said the bridge would shorten the walk to the market by twenty minutes for most residents."
    ),
    "page-b": (
        "A small bakery in the harbour district has won the regional bread prize for the third year running.\n\n"
        "The owner credits a sourdough starter that her grandmother brought from the mountains in 1962.\n\n"
        "Customers queue before dawn on Saturdays, and the shop usually sells out before nine o'clock."
    ),
}
JUNK = ["Home", "News", "Sport", "Subscribe to our newsletter", "Share on Facebook", "© 2024 Example Media"]


def _html(body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    nav = "".join(f"<li><a href='/{i}'>{item}</a></li>" for i, item in enumerate(JUNK[:3]))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Local news</title></head><body>"
        f"<nav><ul>{nav}</ul></nav><article><h1>Local news</h1>{paragraphs}</article>"
        f"<footer><p>{JUNK[3]}</p><p>{JUNK[5]}</p></footer></body></html>"
    )


def _fake_dataset(root: Path) -> Path:
    for folder in ("html", "text-recall", "text-fulltext"):
        (root / folder).mkdir(parents=True)
    truth = {}
    for page_id, body in ARTICLES.items():
        truth[page_id] = {"articleBody": body, "url": f"https://example.org/{page_id}"}
        (root / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(_html(body).encode("utf-8")))
        (root / "text-recall" / f"{page_id}.txt").write_text(f"{body}\n{JUNK[4]}\n", encoding="utf-8")
        (root / "text-fulltext" / f"{page_id}.txt").write_text(
            "\n".join([*JUNK[:3], *body.split("\n\n"), *JUNK[3:]]) + "\n", encoding="utf-8"
        )
    (root / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return root


def test_scores_every_system_on_a_tiny_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _fake_dataset(tmp_path / "data")
    results, outputs = tmp_path / "results", tmp_path / "outputs"
    argv = ["--data", str(data), "--results", str(results), "--outputs", str(outputs), "--worst", "2"]
    assert quality.main(argv) == 0

    report = json.loads((results / "quality.json").read_text(encoding="utf-8"))
    names = [row["system"] for row in report["systems"]]
    assert names == [system.name for system in quality.all_systems()]
    assert {quality.HTML_OURS, quality.HTML_REFERENCE, quality.TEXT_OURS, quality.TEXT_REFERENCE} <= set(names)
    for row in report["systems"]:
        assert row["pages"] == 2
        for key in ("precision", "recall", "f1"):
            assert 0.0 <= row[key] <= 1.0, (row["system"], key)
        assert row["docs_per_second"] > 0
    assert report["pages"] == 2 and report["data"] == str(data)
    assert set(report["versions"]) == {"trafilatura", "ftfy", "langdetect", "boilerstrip"}
    assert report["html_time_ratio"] > 0
    paired = report["html_paired_cpu_time_ratio"]
    assert len(paired["rounds"]) == 3 and paired["median"] == sorted(paired["rounds"])[1]
    assert set(report["worst"]) == {
        f"{quality.HTML_OURS} vs {quality.HTML_REFERENCE}",
        f"{quality.TEXT_OURS} vs {quality.TEXT_REFERENCE}",
    }
    assert (results / "quality.md").read_text(encoding="utf-8").count("| boilerstrip html |") == 1
    assert (outputs / "text-recall-as-is" / "page-a.txt").read_text(encoding="utf-8").startswith("The river council")
    assert "boilerstrip html" in capsys.readouterr().out


def test_only_and_limit_select_systems_and_pages(tmp_path: Path) -> None:
    data = _fake_dataset(tmp_path / "data")
    argv = ["--data", str(data), "--results", str(tmp_path / "r"), "--only", "as is", "--limit", "1"]
    assert quality.main(argv) == 0
    report = json.loads((tmp_path / "r" / "quality.json").read_text(encoding="utf-8"))
    assert [row["system"] for row in report["systems"]] == ["text-recall as is", "text-fulltext as is"]
    assert report["pages"] == 1 and report["html_time_ratio"] is None


def test_page_f1_counts_undefined_precision_as_zero() -> None:
    from bench.metric import score_page

    assert quality.page_f1(score_page("", "a b c d e")) == 0.0
    assert quality.page_f1(score_page("a b c d e", "a b c d e")) == 1.0


def test_missing_data_exits_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results"
    assert quality.main(["--data", str(tmp_path / "nowhere"), "--results", str(results)]) == 0
    assert "benchmark data missing" in capsys.readouterr().out
    assert not results.exists()


def test_fuzz_campaign_runs_and_reports(capsys) -> None:
    from bench.fuzz import main as fuzz

    assert fuzz(["--cases", "50", "--seed", "3"]) == 0
    assert "done: 50 cases (seed 3), 0 failing" in capsys.readouterr().out


def test_paired_timing_alternates_the_order_page_by_page() -> None:
    calls: list[str] = []
    systems = [
        quality.System(quality.HTML_OURS, lambda page: calls.append("ours")),
        quality.System(quality.HTML_REFERENCE, lambda page: calls.append("theirs")),
    ]
    pages = [quality.Page(str(i), "", "", b"", b"", b"") for i in range(3)]
    paired = quality.paired_time_ratio(systems, pages, rounds=2)
    assert calls == ["ours", "theirs", "theirs", "ours", "ours", "theirs"] * 2
    assert len(paired["rounds"]) == 2
    assert quality.paired_time_ratio(systems[:1], pages, rounds=2) is None  # needs both sides


def test_several_sets_in_one_command_give_one_table(tmp_path: Path) -> None:
    first, second = _fake_dataset(tmp_path / "set-a"), _fake_dataset(tmp_path / "set-b")
    results = tmp_path / "results"
    argv = ["--data", str(first), str(second), "--results", str(results), "--only", "boilerstrip html", "trafilatura"]
    assert quality.main([*argv, "--timing-rounds", "0", "--warm-up", "one"]) == 0
    assert (results / "set-a" / "quality.json").is_file() and (results / "set-b" / "quality.json").is_file()
    table = (results / "quality-sets.md").read_text(encoding="utf-8")
    assert "| system | set-a P / R / F1 | set-b P / R / F1 |" in table
    assert table.count("| boilerstrip html |") == 1 and "| trafilatura defaults |" in table
