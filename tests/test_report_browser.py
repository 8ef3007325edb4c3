"""The run report in a real browser: headless Chromium (Debian's `chromium`, installed by
.ci/run) driven by Playwright, over the report a real `boilerstrip clean` run writes.

Skipped, with the reason, when Playwright or the browser is missing. Screenshots are
saved in pytest's temporary folder; with BOILERSTRIP_SCREENSHOTS=1 also as
docs/report.png and docs/report-document.png for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_report import PWNED, XSS_NAME, clean_without_prefect, make_corpus

from boilerstrip.flows.report import PAGE_SIZE, write_report
from golden import ROOT

CHROMIUM = os.environ.get("BOILERSTRIP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install -e '.[dev]')"),
    pytest.mark.skipif(
        not Path(CHROMIUM).is_file(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    ),
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    yield tab
    context.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def run(prefect_server, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A real run of the command over the seeds (plus an article full of markup, one
    flagged and one failed): the report is the one the flow wrote at its end."""
    base = tmp_path_factory.mktemp("browser")
    raw = make_corpus(base / "raw")
    out = base / "out"
    binary = Path(sys.executable).with_name("boilerstrip")
    done = subprocess.run([str(binary), "clean", str(raw), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # one file fails on purpose
    assert f"run report: {(out / 'report.html').resolve().as_uri()}" in done.stderr
    records = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    return out, records


def shown(tab: Page) -> list[str]:
    return tab.locator("#docs tbody tr td.name a").all_inner_texts()


def test_counts_shown_equal_the_manifest(page: Page, run, tmp_path: Path) -> None:
    out, records = run
    page.goto((out / "report.html").as_uri())
    ok = [r for r in records if r["status"] != "failed"]
    expected = {
        "documents": len(records),
        "cleaned": sum(r["status"] == "cleaned" for r in records),
        "skipped": sum(r["status"] == "skipped-unchanged" for r in records),
        "failed": sum(r["status"] == "failed" for r in records),
        "flagged": sum(bool(r.get("needs_review")) for r in ok),
        "chars-removed": sum(r["chars_before"] - r["chars_after"] for r in ok),
        "words-removed": sum(r["words_removed"] for r in ok),
        "removals": sum(r["removals"] for r in ok),
    }
    got = {key: int(page.inner_text(f"#count-{key}").replace(",", "")) for key in expected}
    assert got == expected
    assert expected["documents"] == 8 and expected["failed"] == 1 and expected["flagged"] == 1
    per_cleaner: dict[str, int] = {}
    for r in ok:
        for name, count in r["edits"].items():
            per_cleaner[name] = per_cleaner.get(name, 0) + count
    bars = page.locator("button[data-cleaner]")
    drawn = {
        bars.nth(i).inner_text(): int(
            bars.nth(i).locator("xpath=following-sibling::span").inner_text().replace(",", "")
        )
        for i in range(bars.count())
    }
    assert drawn == per_cleaner
    assert sorted(shown(page)) == sorted(r["source"] for r in records)
    assert page.inner_text("#shown") == f"{len(records)} of {len(records)} documents"
    for target in (tmp_path / "report.png", *_readme("report.png")):
        page.screenshot(path=str(target), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000


def _readme(name: str) -> list[Path]:
    if os.environ.get("BOILERSTRIP_SCREENSHOTS") != "1":
        return []
    (ROOT / "docs").mkdir(exist_ok=True)
    return [ROOT / "docs" / name]


def test_the_mosads_removal_is_shown_with_its_cleaner(page: Page, run, tmp_path: Path) -> None:
    out, _ = run
    page.goto((out / "report.html").as_uri())
    page.get_by_role("link", name="004_b7bbc19097b3fd85.txt").click()
    page.wait_for_load_state("load")
    number = [r["source"] for r in run[1]].index("004_b7bbc19097b3fd85.txt")  # its place in the manifest
    assert page.url.endswith(f"/report/document.html?n={number}") and page.title() == "004_b7bbc19097b3fd85.txt"
    removed = page.locator("del", has_text="{mosads}")
    assert removed.count() == 1 and removed.inner_text() == "{mosads}"
    assert removed.get_attribute("title") == "strip_ad_markers/v1 ads.cms_token"
    line = removed.locator("xpath=..")
    assert line.inner_text().startswith("{mosads}However, the official")
    tag = line.locator(".tag")
    assert tag.inner_text().startswith("strip_ad_markers/v1 · ads.cms_token: CMS ad placeholder token")
    assert removed.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    gone = page.locator("del", has_text="Tags Ash Carter ISIS Russia Syria").locator("xpath=..")
    assert gone.get_attribute("class") == "l gone"
    assert gone.locator(".tag").inner_text().startswith("remove_tag_lists/v1")
    removed.evaluate("e => e.parentElement.scrollIntoView()")
    for target in (tmp_path / "document.png", *_readme("report-document.png")):
        page.screenshot(path=str(target))

    page.check("#hide-rm")  # the toggle: removals disappear, the kept text stays
    assert not removed.is_visible() and not gone.is_visible()
    assert page.locator(".l", has_text="However, the official").first.is_visible()
    page.uncheck("#hide-rm")
    assert removed.is_visible()

    page.check("input[name=view][value=clean]")
    assert page.locator("#marked").is_hidden()
    clean_text = (out / "004_b7bbc19097b3fd85.txt").read_text("utf-8")
    assert page.locator("#clean").evaluate("e => e.textContent") == clean_text
    page.get_by_role("link", name="← run report").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/report.html")


def test_filters_search_and_sorting(page: Page, run) -> None:
    out, records = run
    page.goto((out / "report.html").as_uri())
    with_ads = sorted(r["source"] for r in records if "strip_ad_markers/v1" in (r.get("edits") or {}))
    page.select_option("#f-cleaner", label="strip_ad_markers/v1")
    assert sorted(shown(page)) == with_ads and "004_b7bbc19097b3fd85.txt" in with_ads
    page.select_option("#f-cleaner", label="any")
    page.select_option("#f-rule", label="remove_tag_lists/v1 en.tags.capitalised")
    assert "004_b7bbc19097b3fd85.txt" in shown(page) and len(shown(page)) < len(records)
    page.select_option("#f-rule", label="any")
    page.check("#f-flagged")
    assert shown(page) == ["more/flagged.txt"]
    assert "removed 92% of the words" in page.inner_text("#docs tbody")
    page.uncheck("#f-flagged")
    page.check("#f-failed")
    assert shown(page) == ["more/broken.txt.gz"]
    assert page.inner_text("#docs tbody td.st-failed") == "failed"
    page.uncheck("#f-failed")
    page.fill("#q", "b7bbc")
    assert shown(page) == ["004_b7bbc19097b3fd85.txt"]
    page.fill("#q", "")
    page.click("#docs th:has-text('share removed')")  # numbers sort largest first
    assert shown(page)[0] == "more/flagged.txt"
    page.click("button[data-rule]:has-text('ads.cms_token')")  # a bar filters too
    assert page.input_value("#f-rule") != "-1"
    assert set(shown(page)) == {"004_b7bbc19097b3fd85.txt", XSS_NAME}


def test_markup_is_shown_as_text_and_never_runs(page: Page, run) -> None:
    out, _ = run
    page.goto((out / "report.html").as_uri())
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert XSS_NAME in shown(page)  # the file name, as text
    page.get_by_role("link", name=XSS_NAME).click()
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("h1").inner_text() == XSS_NAME
    marked = page.inner_text("#marked")
    assert PWNED in marked and "<b>bold</b>" in marked and '<img src=x onerror="window.__pwned=2">' in marked
    assert page.locator("#marked script, #marked b, #marked img, h1 img").count() == 0
    assert page.locator("del", has_text="{mosads}").get_attribute("title") == "strip_ad_markers/v1 ads.cms_token"
    page.check("input[name=view][value=clean]")
    assert PWNED in page.inner_text("#clean")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_index_pages_through_many_documents(page: Page, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = (ROOT / "raw/002_8e9a21fb34cd7e9b.txt").read_bytes()
    count = 2 * PAGE_SIZE + 20
    for i in range(count):
        (raw / f"doc{i:04d}.txt").write_bytes(seed)
    out = tmp_path / "out"
    clean_without_prefect(raw, out)
    write_report(out)
    page.goto((out / "report.html").as_uri())
    assert shown(page) == [f"doc{i:04d}.txt" for i in range(PAGE_SIZE)]
    assert page.inner_text("#page") == "page 1 of 3" and page.is_disabled("#prev")
    page.click("#next")
    page.click("#next")
    assert shown(page) == [f"doc{i:04d}.txt" for i in range(2 * PAGE_SIZE, count)]
    assert page.is_disabled("#next")
    page.click("#docs th:has-text('document')")  # descending now
    assert page.inner_text("#page") == "page 3 of 3" and shown(page)[0] == f"doc{count - 2 * PAGE_SIZE - 1:04d}.txt"
    page.fill("#q", "doc0007")
    assert shown(page) == ["doc0007.txt"] and page.inner_text("#page") == "page 1 of 1"
    page.fill("#q", "doc0117")  # a document of the second data file
    page.get_by_role("link", name="doc0117.txt").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "doc0117.txt" and page.locator("#marked .l").count() > 3
    assert page.locator("#clean").evaluate("e => e.textContent") == (out / "doc0117.txt").read_text("utf-8")
