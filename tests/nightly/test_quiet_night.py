"""A night with no news does no work it has no use for: no reader library loaded, no article read twice, no walk for kept
text, no guard baseline made again."""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest

import fazhi.content
from fazhi.article import parse_article
from fazhi.content import load_tree
from fazhi_app import extraction
from fazhi_app.extraction import extraction_digest, file_texts
from fazhi_app.guard_baseline import baseline_dir, file_sha, read_record
from fazhi_app.nightly import EXIT_OK
from tests.extract import files
from tests.fixtures.deployment import Deployment
from tests.nightly.test_extract_step import ARTICLE, PHRASE, with_extract

# The readers' own libraries (lxml and olefile the scraper loads anyway): a night that reads no file has no use for them.
READER_LIBRARIES = ("pypdf", "xlrd", "PIL.Image")


def published_with_files(deployment: Deployment) -> Deployment:
    """The deployment with OCR off in its fazhi.yml too (the command's settings are the run's), a DOCX and an XLSX beside a staff
    article, published with their text."""
    d = with_extract(deployment)
    d.config.write_text(d.config.read_text("utf-8") + "extract:\n  ocr: false\n", "utf-8")
    folder = d.settings.paths.content / ARTICLE
    (folder / "decision.docx").write_bytes(files.docx(["行政处罚决定书", PHRASE]))
    (folder / "list.xlsx").write_bytes(files.xlsx([["责任清单", "第一项"]]))
    first = d.run(scrape=False)
    assert first.status == "published" and first.record.extract.extract_read >= 2, first.summary
    return d


def test_a_night_that_reads_no_file_loads_no_reader_library(deployment: Deployment) -> None:
    d = published_with_files(deployment)
    night = subprocess.run(d.command("nightly", "--no-scrape"), capture_output=True, text=True, timeout=300, cwd=d.root,
                           env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
    assert night.returncode == EXIT_OK and "unchanged" in night.stdout, night.stdout + night.stderr[-2000:]
    imported = {line.rsplit("|", 1)[1].strip() for line in night.stderr.splitlines() if line.startswith("import time:")}
    assert "fazhi_app.extraction" in imported  # the step ran: what it did not need, it did not load
    assert sorted(imported & set(READER_LIBRARIES)) == []


def test_a_night_with_no_news_reads_each_article_once(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    d = published_with_files(deployment)
    parsed: Counter[str] = Counter()

    def counted(text: str, rel: str) -> object:
        parsed[rel] += 1
        return parse_article(text, rel)

    monkeypatch.setattr(fazhi.content, "parse_article", counted)
    night = d.run(scrape=False)
    assert night.status == "unchanged" and "verify" in night.record.timings, night.summary
    assert parsed and max(parsed.values()) == 1, parsed.most_common(3)


def test_kept_text_is_found_without_listing_the_tree(deployment: Deployment, monkeypatch: pytest.MonkeyPatch) -> None:
    d = published_with_files(deployment)
    tree = load_tree(d.settings.paths.content)
    digest = extraction_digest(d.settings)

    def no_listing(root: Path) -> list[Path]:
        raise AssertionError(f"{root} listed: the cache's record of the files is the list")

    monkeypatch.setattr(extraction, "content_files", no_listing)
    texts = file_texts(d.settings, tree)[f"{ARTICLE}/index.md"]
    assert {t.name for t in texts} == {"decision.docx", "list.xlsx"}
    assert extraction_digest(d.settings) == digest
    (d.settings.paths.content / ARTICLE / "decision.docx").write_bytes(files.docx(["改过的文件"]))  # changed since it was read
    assert {t.name for t in file_texts(d.settings, tree)[f"{ARTICLE}/index.md"]} == {"list.xlsx"}
    assert extraction_digest(d.settings) != digest


def test_a_night_with_no_news_leaves_the_guard_baseline_as_it_was(deployment: Deployment) -> None:
    d = published_with_files(deployment)
    first = d.run()  # the mirror's articles (the guard judges scraping nights), with a warning: the baseline was made
    second = d.run()  # the status page without that warning
    assert (first.status, second.status) == ("published", "published"), second.summary
    base = baseline_dir(d.settings)
    before = {path: path.stat().st_ino for path in [base, *base.rglob("*")]}
    night = d.run()
    assert night.status == "unchanged", night.summary
    assert {path: path.stat().st_ino for path in [base, *base.rglob("*")]} == before  # not made again: the same folders and links
    staff = d.settings.paths.content / ARTICLE / "index.md"
    staff.write_text(staff.read_text("utf-8") + "\n补充一段说明。\n", "utf-8")
    edited = d.run()
    assert edited.status == "published", edited.summary
    assert (base / ARTICLE / "index.md").read_text("utf-8") == staff.read_text("utf-8")
    assert read_record(base)["files"][f"{ARTICLE}/index.md"] == file_sha(staff)
