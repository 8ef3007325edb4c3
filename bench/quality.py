"""Quality benchmark: article text against the scrapinghub ground truth.

Run from the repository root (the data stays outside the repository; see
`../shared/bench/README.md`)::

    .venv/bin/python -m bench.quality --data ../shared/bench/scrapinghub
    .venv/bin/python -m bench.quality --data ... --only "boilerstrip html" trafilatura --limit 20

It scores, in one process and one after the other, on the 181 pages:

- `boilerstrip html`: `cleaners.clean(html, format="html")` on `html/<id>.html.gz`;
- `trafilatura defaults` and `trafilatura favor_precision`: `trafilatura.extract` on the same bytes;
- the `text-recall/` and `text-fulltext/` files as they are, and `cleaners.clean(..., format="text")` on them;
- when the registry has `classify_paragraphs`, the text pipeline with it inserted before `dedupe_captions`.

The metric is `bench.metric` (4-token shingles, per-page scores averaged over the corpus).
Speed is wall time of each system's loop over the pages, inputs already in memory, after an
untimed warm-up pass over every page (`--warm-up one`: the first page only; one-time costs
such as imports and compiling our phrase matchers for each mix of languages then count);
documents per second = pages / seconds. The HTML time against trafilatura is also measured
page by page in alternating order (`--timing-rounds`). On a shared machine the
speed figures are noisy: compare the ratio of two systems from the same run.

Writes `bench/results/quality.json` and `quality.md` (`--results DIR`), optionally every
predicted text (`--outputs DIR`), and lists the pages where we lose most F1 against the
reference (`--worst N`). When `--data` is missing it says so and exits 0, so CI does not break.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import platform
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.metric import PageScore, score_corpus, score_page
from bench.quality_report import (
    HTML_OURS,
    HTML_REFERENCE,
    TEXT_OURS,
    TEXT_REFERENCE,
    combined_table,
    print_report,
    versions,
    write_report,
)

DEFAULT_RESULTS = Path(__file__).resolve().parent / "results"
CLASSIFIER = "classify_paragraphs"
TITLE = "remove_page_title"


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str
    truth: str
    html: bytes  # already gunzipped
    recall: bytes  # text-recall/<id>.txt
    fulltext: bytes  # text-fulltext/<id>.txt


@dataclass(frozen=True, slots=True)
class System:
    name: str
    run: Callable[[Page], str]
    warm_up: Callable[[Page], object] | None = None  # one-time costs `run` on one page may not reach

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


@dataclass(slots=True)
class Result:
    system: str
    predictions: dict[str, str]
    scores: dict[str, PageScore]
    seconds: float
    cpu_seconds: float  # this process only: steadier than wall time when the machine is shared
    errors: dict[str, str]

    def row(self) -> dict:
        corpus = score_corpus(self.scores.values())
        pages = len(self.scores)
        return {
            "system": self.system,
            "precision": corpus.precision,
            "recall": corpus.recall,
            "f1": corpus.f1,
            "docs_per_second": pages / self.seconds if self.seconds > 0 else None,
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "pages": pages,
            "errors": len(self.errors),
        }


# ---------------------------------------------------------------- data


def has_data(data: Path) -> bool:
    return (data / "ground-truth.json").is_file()


def load_pages(data: Path, limit: int | None = None) -> list[Page]:
    """Every page of the ground truth (sorted ids, the first `limit`), inputs read into memory."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit is not None else sorted(truth)
    return [
        Page(
            id=page_id,
            url=truth[page_id].get("url", ""),
            truth=truth[page_id].get("articleBody") or "",
            html=gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()),
            recall=(data / "text-recall" / f"{page_id}.txt").read_bytes(),
            fulltext=(data / "text-fulltext" / f"{page_id}.txt").read_bytes(),
        )
        for page_id in ids
    ]


# ---------------------------------------------------------------- systems


def _as_is(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _trafilatura(**options) -> Callable[[Page], str]:
    import trafilatura

    return lambda page: trafilatura.extract(page.html, **options) or ""


def _boilerstrip(field: str, fmt: str, config=None) -> Callable[[Page], str]:
    from boilerstrip import cleaners

    return lambda page: cleaners.clean(getattr(page, field), format=fmt, config=config).text


def _warm_boilerstrip(config=None) -> Callable[[Page], object]:
    """Text mode always runs language detection: loads the langdetect profiles and compiles the
    all-language phrase matcher (~2 s), which an HTML page declaring its language skips."""
    from boilerstrip import cleaners

    return lambda page: cleaners.clean(page.fulltext, format="text", config=config)


def classifier_config():
    """`classify_paragraphs` switched on (in its place, just before `dedupe_captions`)."""
    from boilerstrip import cleaners

    return cleaners.Config(enable=[CLASSIFIER])


def title_config():
    """The opt-in `remove_page_title` switched on (it runs first)."""
    from boilerstrip import cleaners

    return cleaners.Config(enable=[TITLE])


def all_systems() -> list[System]:
    systems = [
        System(HTML_OURS, _boilerstrip("html", "html"), _warm_boilerstrip()),
        System(HTML_REFERENCE, _trafilatura()),
        System("trafilatura favor_precision", _trafilatura(favor_precision=True)),
        System(TEXT_REFERENCE, lambda page: _as_is(page.recall)),
        System(TEXT_OURS, _boilerstrip("recall", "text"), _warm_boilerstrip()),
        System("text-fulltext as is", lambda page: _as_is(page.fulltext)),
        System("boilerstrip text on text-fulltext", _boilerstrip("fulltext", "text"), _warm_boilerstrip()),
    ]
    systems.insert(1, System(f"{HTML_OURS}, headline to metadata", _boilerstrip("html", "html", title_config())))
    config = classifier_config()
    systems += [
        System(
            "boilerstrip text+classifier on text-fulltext",
            _boilerstrip("fulltext", "text", config),
            _warm_boilerstrip(config),
        ),
        System(
            "boilerstrip text+classifier on text-recall",
            _boilerstrip("recall", "text", config),
            _warm_boilerstrip(config),
        ),
    ]
    return systems


def select(systems: list[System], only: Sequence[str] | None) -> list[System]:
    if not only:
        return systems
    return [s for s in systems if any(part.lower() in s.name.lower() for part in only)]


# ---------------------------------------------------------------- running


def run_system(system: System, pages: list[Page], warm_up_all: bool = True) -> Result:
    """Warm up, then time the loop over all pages; a page that fails counts as empty output.

    The warm-up runs the system over every page untimed (`warm_up_all`), or over the
    first only: a process's first pages pay once for what later pages reuse (our
    phrase matchers are compiled for each mix of languages the pages bring: about
    0.9 s over these 181 pages), which is not a cost per page."""
    if pages:
        for page in pages if warm_up_all else pages[:1]:
            with contextlib.suppress(Exception):  # the timed loop records a failure
                system.run(page)
        if system.warm_up is not None:
            system.warm_up(pages[0])
    predictions: dict[str, str] = {}
    errors: dict[str, str] = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    for page in pages:
        try:
            predictions[page.id] = system.run(page)
        except Exception as err:
            predictions[page.id] = ""
            errors[page.id] = f"{type(err).__name__}: {err}"
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    scores = {page.id: score_page(predictions[page.id], page.truth) for page in pages}
    return Result(system.name, predictions, scores, seconds, cpu_seconds, errors)


def page_f1(score: PageScore) -> float:
    """Per-page F1, an undefined precision counted as 0."""
    precision, recall = score.precision or 0.0, score.recall or 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def worst_pages(ours: Result, reference: Result, pages: list[Page], n: int) -> list[dict]:
    """The `n` pages where `ours` loses most F1 against `reference` (only pages where it loses)."""
    rows = []
    for page in pages:
        mine, theirs = ours.scores[page.id], reference.scores[page.id]
        loss = page_f1(theirs) - page_f1(mine)
        if loss > 0:
            rows.append(
                {
                    "id": page.id,
                    "url": page.url,
                    "loss": loss,
                    "ours": {"precision": mine.precision, "recall": mine.recall, "f1": page_f1(mine)},
                    "reference": {"precision": theirs.precision, "recall": theirs.recall, "f1": page_f1(theirs)},
                }
            )
    rows.sort(key=lambda row: (-row["loss"], row["id"]))
    return rows[:n]


def time_ratio(results: dict[str, Result], clock: str = "seconds") -> float | None:
    """boilerstrip html time / trafilatura defaults time (target: at most 1.2)."""
    if HTML_OURS not in results or HTML_REFERENCE not in results:
        return None
    ours, reference = getattr(results[HTML_OURS], clock), getattr(results[HTML_REFERENCE], clock)
    return ours / reference if reference > 0 else None


def paired_time_ratio(systems: list[System], pages: list[Page], rounds: int) -> dict | None:
    """boilerstrip html CPU time / trafilatura defaults CPU time, measured page by page in
    alternating order (ours first on even pages, theirs first on odd ones), `rounds` times:
    drift in the machine's load (a shared 2-core box) hits both sides alike. The median
    of the rounds' ratios, and each round's."""
    by_name = {s.name: s for s in systems}
    if rounds < 1 or HTML_OURS not in by_name or HTML_REFERENCE not in by_name or not pages:
        return None
    pair = (by_name[HTML_OURS], by_name[HTML_REFERENCE])
    ratios = []
    for _ in range(rounds):
        spent = [0.0, 0.0]
        for i, page in enumerate(pages):
            for side in (0, 1) if i % 2 == 0 else (1, 0):
                start = time.process_time()
                with contextlib.suppress(Exception):
                    pair[side].run(page)
                spent[side] += time.process_time() - start
        ratios.append(spent[0] / spent[1] if spent[1] > 0 else float("inf"))
    return {"median": sorted(ratios)[len(ratios) // 2], "rounds": ratios}


def write_outputs(results: dict[str, Result], systems: list[System], outputs: Path) -> None:
    for system in systems:
        folder = outputs / system.slug
        folder.mkdir(parents=True, exist_ok=True)
        for page_id, text in results[system.name].predictions.items():
            (folder / f"{page_id}.txt").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- reporting


def build_report(
    data: Path, pages: list[Page], results: dict[str, Result], worst: int, paired: dict | None = None
) -> dict:
    comparisons = {}
    for ours, reference in ((HTML_OURS, HTML_REFERENCE), (TEXT_OURS, TEXT_REFERENCE)):
        if ours in results and reference in results:
            comparisons[f"{ours} vs {reference}"] = worst_pages(results[ours], results[reference], pages, worst)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python": platform.python_version(),
        "versions": versions(),
        "data": str(data),
        "pages": len(pages),
        "systems": [result.row() for result in results.values()],
        "html_time_ratio": time_ratio(results),
        "html_cpu_time_ratio": time_ratio(results, "cpu_seconds"),
        "html_paired_cpu_time_ratio": paired,
        "worst": comparisons,
        "errors": {name: result.errors for name, result in results.items() if result.errors},
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        nargs="+",
        required=True,
        help="benchmark folders (ground-truth.json, html/...); with several, one table compares them",
    )
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS, help="where quality.json and .md go")
    parser.add_argument("--only", nargs="+", metavar="SYSTEM", help="run only systems whose name contains one of these")
    parser.add_argument("--outputs", type=Path, help="write each system's text as DIR/<system>/<id>.txt")
    parser.add_argument("--worst", type=int, default=10, help="pages listed where we lose most F1 (default 10)")
    parser.add_argument("--limit", type=int, help="score only the first N pages (sorted ids)")
    parser.add_argument(
        "--warm-up",
        choices=("all", "one"),
        default="all",
        help="run each system over all pages (default) or one page, untimed, before timing it",
    )
    parser.add_argument(
        "--timing-rounds",
        type=int,
        default=3,
        help="rounds of the paired html-vs-trafilatura timing (0: skip it; default 3)",
    )
    return parser.parse_args(argv)


def run_set(data: Path, args: argparse.Namespace, results_dir: Path, outputs: Path | None) -> dict | None:
    """Score every selected system on one benchmark folder; write its report."""
    if not has_data(data):
        print(f"benchmark data missing: {data} has no ground-truth.json; skipping it")
        return None
    pages = load_pages(data, args.limit)
    systems = select(all_systems(), args.only)
    results: dict[str, Result] = {}
    for system in systems:
        print(f"{data.name}: {system.name}: {len(pages)} pages ...", file=sys.stderr, flush=True)
        results[system.name] = run_system(system, pages, warm_up_all=args.warm_up == "all")
    paired = paired_time_ratio(systems, pages, args.timing_rounds)
    report = build_report(data, pages, results, args.worst, paired)
    print_report(report)
    write_report(report, results_dir)
    if outputs:
        write_outputs(results, systems, outputs)
    print(f"\nwrote {results_dir / 'quality.json'} and quality.md")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not select(all_systems(), args.only):
        print(f"no system matches {args.only}; known: {', '.join(s.name for s in all_systems())}")
        return 2
    several = len(args.data) > 1
    reports = {}
    for data in args.data:
        results_dir = args.results / data.name if several else args.results
        outputs = (args.outputs / data.name if several else args.outputs) if args.outputs else None
        report = run_set(data, args, results_dir, outputs)
        if report is not None:
            reports[data.name] = report
    if several and reports:
        text = combined_table(reports)
        print("\n" + text)
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "quality-sets.md").write_text(text, encoding="utf-8")
        print(f"wrote {args.results / 'quality-sets.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
