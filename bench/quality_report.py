"""The quality benchmark's report as text: the Markdown file and what it prints.

Pure formatting of the report dict `bench.quality.build_report` makes; nothing here
runs a system or reads the data.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

VERSIONED = ("trafilatura", "ftfy", "langdetect", "boilerstrip")
HTML_OURS, HTML_REFERENCE = "boilerstrip html", "trafilatura defaults"
TEXT_OURS, TEXT_REFERENCE = "boilerstrip text on text-recall", "text-recall as is"


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _prf(score: dict) -> str:
    """Precision, recall and F1 as `0.967/0.979/0.973`."""
    return f"{_num(score['precision'])}/{_num(score['recall'])}/{_num(score['f1'])}"


def table_lines(rows: list[dict]) -> list[str]:
    width = max([len("system"), *(len(row["system"]) for row in rows)])
    lines = [f"{'system':<{width}}  precision  recall     F1     docs/s  pages"]
    for row in rows:
        lines.append(
            f"{row['system']:<{width}}  {_num(row['precision']):>9}  {_num(row['recall']):>6}  {_num(row['f1']):>5}"
            f"  {_num(row['docs_per_second'], 1):>9}  {row['pages']:>5}"
        )
    return lines


def worst_lines(title: str, rows: list[dict]) -> list[str]:
    lines = [f"{title}: {len(rows)} pages where we lose F1, worst first (ours P/R/F1 | reference P/R/F1)"]
    for row in rows:
        scores = f"{_prf(row['ours'])} | {_prf(row['reference'])}"
        lines.append(f"  -{row['loss']:.3f}  {row['id'][:12]}  {scores}  {row['url']}")
    return lines


def paired_line(paired: dict) -> str:
    rounds = ", ".join(f"{r:.2f}" for r in paired["rounds"])
    return (
        f"time {HTML_OURS} / {HTML_REFERENCE}, paired page by page: {paired['median']:.2f}x CPU"
        f" (median of {len(paired['rounds'])} rounds: {rounds}; target <= 1.2x)"
    )


def markdown(report: dict) -> str:
    lines = [
        "# Quality benchmark (scrapinghub article extraction)",
        "",
        f"{report['date']}, Python {report['python']}, {report['pages']} pages from `{report['data']}`; "
        + ", ".join(f"{name} {version}" for name, version in report["versions"].items())
        + ".",
        "",
        "| system | precision | recall | F1 | docs/s | pages |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in report["systems"]:
        lines.append(
            f"| {row['system']} | {_num(row['precision'])} | {_num(row['recall'])} | {_num(row['f1'])} "
            f"| {_num(row['docs_per_second'], 1)} | {row['pages']} |"
        )
    if report["html_time_ratio"] is not None:
        lines += [
            "",
            f"Time ratio {HTML_OURS} / {HTML_REFERENCE}: {report['html_time_ratio']:.2f}x wall time"
            f" ({_num(report['html_cpu_time_ratio'], 2)}x CPU time; target <= 1.2x).",
        ]
    if report.get("html_paired_cpu_time_ratio"):
        lines += ["", paired_line(report["html_paired_cpu_time_ratio"]) + "."]
    for title, rows in report["worst"].items():
        lines += [
            "",
            f"## {title}",
            "",
            "| loss | page | url | ours P/R/F1 | reference P/R/F1 |",
            "|---:|---|---|---|---|",
        ]
        for row in rows:
            scores = f"{_prf(row['ours'])} | {_prf(row['reference'])}"
            lines.append(f"| {row['loss']:.3f} | {row['id'][:12]} | {row['url']} | {scores} |")
    return "\n".join(lines) + "\n"


def write_report(report: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "quality.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "quality.md").write_text(markdown(report), encoding="utf-8")


def print_report(report: dict) -> None:
    print("\n".join(table_lines(report["systems"])))
    if report["html_time_ratio"] is not None:
        print(
            f"\ntime {HTML_OURS} / {HTML_REFERENCE}: {report['html_time_ratio']:.2f}x wall"
            f" ({_num(report['html_cpu_time_ratio'], 2)}x CPU; target <= 1.2x)"
        )
    if report.get("html_paired_cpu_time_ratio"):
        print(paired_line(report["html_paired_cpu_time_ratio"]))
    for title, rows in report["worst"].items():
        print()
        print("\n".join(worst_lines(title, rows)))
    for name, errors in report["errors"].items():
        example = next(iter(errors.values()))
        print(f"\nwarning: {name} failed on {len(errors)} pages (scored as empty output), e.g. {example}")


# ---------------------------------------------------------------- command line


def combined_table(reports: dict[str, dict]) -> str:
    """One table for several benchmark folders: each system's P / R / F1 on each, and the
    HTML time against trafilatura defaults (tune on all sets together: a rule that helps
    one and hurts another fits a site, not the web)."""
    names = list(reports)
    systems = list(dict.fromkeys(row["system"] for report in reports.values() for row in report["systems"]))
    header = "| system | " + " | ".join(f"{name} P / R / F1" for name in names) + " |"
    lines = ["# Quality on every benchmark set", "", header, "|---|" + "---:|" * len(names)]
    for system in systems:
        cells = []
        for report in reports.values():
            row = next((r for r in report["systems"] if r["system"] == system), None)
            cells.append(
                "" if row is None else f"{_num(row['precision'])} / {_num(row['recall'])} / **{_num(row['f1'])}**"
            )
        lines.append(f"| {system} | " + " | ".join(cells) + " |")
    ratios = ", ".join(f"{name} {_num(report['html_cpu_time_ratio'], 2)}x" for name, report in reports.items())
    lines += ["", f"HTML CPU time, {HTML_OURS} / {HTML_REFERENCE}: {ratios}"]
    return "\n".join(lines) + "\n"


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found
