"""The flow's statistics pass for remove_repeated_lines: a map step per batch (line-hash
counts per site) and a reduce in the flow; a site's furniture goes, with its count as the
reason; the result is the same whichever runner runs the batches; re-runs redo a site's
documents exactly when its statistics change."""

from __future__ import annotations

import json
from pathlib import Path

from boilerstrip.flows.corpus import STATISTICS, LineCounts
from boilerstrip.flows.work import site_of


def test_counts_reduce_in_any_order_and_sites_come_from_folders() -> None:
    assert site_of("example.com/2024/a.txt", 1) == "example.com"
    assert site_of("example.com/2024/a.txt", 2) == "example.com/2024"
    assert site_of("a.txt", 1) == "." and site_of("example.com/a.txt", 0) == ""
    one, two, whole = LineCounts(), LineCounts(), LineCounts()
    docs = [("a", {1, 2}), ("a", {1}), ("b", {1}), ("a", {1, 3})]
    for i, (site, hashes) in enumerate(docs):
        (one if i % 2 else two).add(site, hashes)
        whole.add(site, hashes)
    two.merge(one)
    assert two.documents == whole.documents == {"a": 3, "b": 1}
    assert two.lines == whole.lines and two.distinct() == 4


def make_sites(raw: Path) -> None:
    stories = [
        "The mayor opened the new bridge over the river on Monday morning in front of a large crowd.",
        "Rail workers will strike on Thursday after talks about pay and working hours broke down.",
        "The museum will show a collection of medieval maps that were found in a private library.",
        "Farmers expect a good harvest after a warm spring and a summer with enough rain.",
        "The city plans to plant ten thousand trees along its main roads over the next five years.",
        "A local bakery won a national prize for its rye bread, made with a recipe from 1890.",
    ]
    for i in range(12):
        story = stories[i % len(stories)]
        for site, footer in (("daily.example", "Sign up for the Daily Example Briefing"), ("other.example", "")):
            folder = raw / site
            folder.mkdir(parents=True, exist_ok=True)
            lines = [f"Story {i}: {story}", "", f"Reported by desk {i}.", ""]
            if footer:
                lines += [footer, "", "More Daily Example Stories", ""]
            if i < 2:
                lines += ["More Daily Example Stories", ""]  # twice on the other site: not its furniture
            (folder / f"story-{i:02d}.txt").write_text("\n".join(lines), encoding="utf-8")


def run(raw: Path, out: Path, **kwargs) -> dict:
    from boilerstrip.flows.flow import clean_corpus

    return clean_corpus(str(raw), str(out), repeated_lines=True, batch_size=5, **kwargs)


def test_the_flow_gathers_statistics_and_removes_what_a_site_repeats(prefect_server, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_sites(raw)
    out = tmp_path / "clean"
    run(raw, out, workers=2)
    text = (out / "daily.example/story-03.txt").read_text("utf-8")
    assert "Sign up for the Daily Example Briefing" not in text and "More Daily Example Stories" not in text
    assert "Story 3: Farmers expect" in text and "Reported by desk 3." in text  # content stays
    diff = (out / "daily.example/story-03.diff").read_text("utf-8")
    assert "line repeated in 12 of 12 documents of site daily.example: 'Sign up for the Daily Example" in diff
    assert "More Daily Example Stories" in (out / "other.example/story-01.txt").read_text("utf-8")
    stats = json.loads((out / STATISTICS).read_text("utf-8"))
    assert stats["daily.example"]["documents"] == 12 and len(stats["daily.example"]["repeated"]) == 2
    assert stats["other.example"]["repeated"] == {}

    serial = tmp_path / "serial"
    run(raw, serial, workers=1)
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.name not in ("run-summary.md", "effective-config.toml"):
            assert path.read_bytes() == (serial / rel).read_bytes(), rel

    # unchanged statistics: nothing is redone; one more page on the site changes its counts
    assert run(raw, out, workers=1).get("cleaned", 0) == 0
    (raw / "daily.example/story-99.txt").write_text("Story 99: a short note.\n\nMore Daily Example Stories\n")
    counts = run(raw, out, workers=1)
    assert counts["cleaned"] == 13 and counts["skipped-unchanged"] == 12
    assert "line repeated in 13 of 13 documents" in (out / "daily.example/story-99.diff").read_text("utf-8")
