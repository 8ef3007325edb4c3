"""A document's url and site: the user's sidecar, else the page's own address; the site is
the registered domain, found offline; repeated-line statistics group by it when known."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from boilerstrip.cleaners import Config
from boilerstrip.flows import sites
from boilerstrip.flows.corpus import count_batch
from boilerstrip.flows.files import reset_tmp
from boilerstrip.flows.inputs import InputRoot
from boilerstrip.flows.plan import Plan
from boilerstrip.flows.settings import load_settings
from boilerstrip.flows.work import Job, Task, run_batch

BIN = Path(sys.executable).with_name("boilerstrip")
PAGE = (
    '<html><head><title>Harbour</title><link rel="canonical" href="https://www.news.example.co.uk/harbour">'
    "</head><body><article><p>The council voted on Monday night for a new plan to dredge the harbour after "
    "months of talks with the fishermen of the bay.</p></article></body></html>"
)
STORY = "The council voted on Monday night for a new plan to dredge the harbour after months of talks.\n"


def test_the_site_is_the_registered_domain_found_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_network(*_args: object) -> None:
        raise AssertionError("tldextract tried the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sites._extractor.cache_clear()
    sites.site_of_url.cache_clear()
    assert sites.site_of_url("https://www.bbc.co.uk/news/1") == "bbc.co.uk"
    assert sites.site_of_url("http://a.b.Example.COM:8080/p?q") == "example.com"
    assert sites.site_of_url("https://user.github.io/x") == "github.io"  # ICANN suffixes only
    assert sites.site_of_url("http://localhost:8000/a") == "localhost"
    assert sites.site_of_url("http://192.0.2.7/a") == "192.0.2.7"
    assert sites.site_of_url("/relative/only") is None and sites.site_of_url("http://[::1/") is None
    assert not (tmp_path / "home").exists() and not (tmp_path / "cache").exists()  # no cache written


def test_a_sidecar_maps_sources_to_urls_and_a_bad_line_is_named(tmp_path: Path) -> None:
    tsv = tmp_path / "urls.tsv"
    tsv.write_text("# source\turl\na/one.txt\thttps://x.example.org/1\n\nb.txt\t https://y.example/2 \n")
    assert sites.read_urls(tsv) == {"a/one.txt": "https://x.example.org/1", "b.txt": "https://y.example/2"}
    jsonl = tmp_path / "urls.jsonl"
    jsonl.write_text('{"source": "a/one.txt", "url": "https://x.example.org/1"}\n')
    assert sites.read_urls(jsonl) == {"a/one.txt": "https://x.example.org/1"}
    tsv.write_text("a.txt\thttps://x.example/\nb.txt https://y.example/\n")
    with pytest.raises(sites.UrlMapError, match=rf"^{tsv}:2: expected source<TAB>url$"):
        sites.read_urls(tsv)
    jsonl.write_text('{"source": "a.txt"}\n')
    with pytest.raises(sites.UrlMapError, match=rf"^{jsonl}:1: expected"):
        sites.read_urls(jsonl)


def make_raw(raw: Path) -> None:
    (raw / "a").mkdir(parents=True)
    (raw / "a/page.html").write_text(PAGE)
    (raw / "a/story.txt").write_text(STORY)
    (raw / "b.txt").write_text(STORY.replace("Monday", "Tuesday"))


def plan_records(raw: Path, out: Path, urls: str | None = None, previous: bool = True) -> list[dict]:
    plan = Plan.make(InputRoot.of(raw), out, load_settings(None), urls=urls)
    try:
        return [r for tasks, _ in plan.batches() for r in run_batch(plan.job, tasks)]
    finally:
        plan.release()


def test_urls_come_from_the_sidecar_else_the_page_and_the_sidecar_is_no_input(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make_raw(raw)
    (raw / "urls.tsv").write_text("a/story.txt\thttps://www.other.example.com/s\n")
    records = {r["source"]: r for r in plan_records(raw, out)}
    assert sorted(records) == ["a/page.html", "a/story.txt", "b.txt"]  # urls.tsv is not cleaned
    got = {s: (r["url"], r["site"], r["url_from"]) for s, r in records.items()}
    assert got == {
        "a/page.html": ("https://www.news.example.co.uk/harbour", "example.co.uk", "page"),
        "a/story.txt": ("https://www.other.example.com/s", "example.com", "map"),
        "b.txt": (None, None, None),
    }


def test_a_changed_mapping_is_recorded_on_the_next_run(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make_raw(raw)
    reset_tmp(out)
    config = Config()
    job = Job(InputRoot.of(raw), str(out), config, config.fingerprint())
    items = list(InputRoot.of(raw).discover())
    first = run_batch(job, [Task(item, None, "https://old.example/x") for item in items])
    again = run_batch(job, [Task(item, r, "https://old.example/x") for item, r in zip(items, first, strict=True)])
    assert {r["status"] for r in again} == {"skipped-unchanged"}
    moved = run_batch(job, [Task(item, r, "https://new.example/x") for item, r in zip(items, first, strict=True)])
    assert {(r["status"], r["site"]) for r in moved} == {("cleaned", "new.example")}
    unmapped = run_batch(job, [Task(item, r) for item, r in zip(items, moved, strict=True)])
    assert sorted((r["source"], r["url"]) for r in unmapped) == [
        ("a/page.html", "https://www.news.example.co.uk/harbour"),
        ("a/story.txt", None),
        ("b.txt", None),
    ]


def test_repeated_lines_group_by_registered_domain_when_a_url_is_known(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_raw(raw)
    config = Config()
    job = Job(InputRoot.of(raw), str(tmp_path / "out"), config, config.fingerprint())
    items = [i for i in InputRoot.of(raw).discover() if i.source.endswith(".txt")]
    by_folder = count_batch(job, [Task(item) for item in items])
    assert dict(by_folder.documents) == {"a": 1, ".": 1}  # today's grouping, without urls
    mapped = [Task(item, url=f"https://{host}.example.com/p") for item, host in zip(items, ("www", "m"), strict=True)]
    assert dict(count_batch(job, mapped).documents) == {"example.com": 2}


def test_a_bad_url_file_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_raw(raw)
    (raw / "urls.tsv").write_text("a/story.txt\thttps://x.example/\nb.txt\n")
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}  # never reached: refused before Prefect
    done = subprocess.run(
        [str(BIN), "clean", str(raw), "--out", str(tmp_path / "out")], capture_output=True, text=True, env=env
    )
    assert (done.returncode, done.stderr) == (2, f"boilerstrip: error: {raw / 'urls.tsv'}:2: expected source<TAB>url\n")
    given = tmp_path / "map.jsonl"
    given.write_text("not json\n")
    done = subprocess.run(
        [str(BIN), "clean", str(raw), "--out", str(tmp_path / "out"), "--urls", str(given)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 2 and done.stderr.startswith(f"boilerstrip: error: {given}:1: not JSON: ")
    assert done.stderr.count("\n") == 1
