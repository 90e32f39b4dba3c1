"""The nightly ``extract`` step over a real deployment: a budget, a backlog worked off, the text kept once, a damaged cache."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from extract.cache import CACHE_FILE
from fazhi.content import load_tree
from fazhi.normalize import tidy_text
from fazhi_app.extraction import file_texts
from fazhi_app.fingerprint import EXTRACTED
from fazhi_app.nightly import EXIT_OK
from tests.extract import files
from tests.fixtures.deployment import Deployment

PHRASE = "虚构的鹭洲县化工企业未批先建处罚决定"
ARTICLE = Path("cases/2023/night-construction-noise")


def with_extract(d: Deployment, **changes: object) -> Deployment:
    """The deployment with other ``extract:`` settings; OCR off keeps these runs quick (images are then counted, not read)."""
    extract = replace(d.settings.extract, ocr=False, **changes)
    return replace(d, settings=replace(d.settings, extract=extract))


def add_files(d: Deployment) -> Path:
    folder = d.settings.paths.content / ARTICLE
    (folder / "decision.docx").write_bytes(files.docx(["行政处罚决定书", PHRASE]))
    (folder / "broken.docx").write_bytes(files.docx([], document="<w:document><w:body><w:p>"))
    return folder


def test_the_budget_leaves_files_waiting_and_a_later_night_reads_them_and_publishes(deployment: Deployment) -> None:
    d = with_extract(deployment, night_seconds=0)
    add_files(d)
    first = d.run(scrape=False)
    ex = first.record.extract
    assert (first.exit_code, first.status) == (EXIT_OK, "published"), first.summary
    assert ex.extract_seen >= 4 and ex.extract_waiting == ex.extract_seen - ex.extract_unavailable - ex.extract_from_cache
    assert ex.extract_read == 0 and f"{ARTICLE}/decision.docx" in ex.extract_waiting_files
    assert file_texts(d.settings, load_tree(d.settings.paths.content)) == {}
    assert "waiting for a later night" in first.summary

    d = with_extract(deployment)
    second = d.run(scrape=False)
    ex = second.record.extract
    assert second.status == "published", second.summary  # the night's only news is the text read
    assert EXTRACTED in second.record.fingerprint.changes["values"]
    assert ex.extract_waiting == 0 and ex.extract_read == ex.extract_seen - ex.extract_unavailable
    assert ex.extract_unavailable > 0 and ex.extract_unavailable_reason == "OCR is off (extract.ocr: false)"
    assert [row["file"] for row in ex.extract_unread] == [f"{ARTICLE}/broken.docx"] and ex.extract_unread[0]["status"] == "failed"
    texts = file_texts(d.settings, load_tree(d.settings.paths.content))[f"{ARTICLE}/index.md"]
    assert {(t.name, t.kind, t.status, t.machine) for t in texts} == {("decision.docx", "attachment", "ok", True),
                                                                       ("broken.docx", "attachment", "failed", True)}
    assert next(t.text for t in texts if t.name == "decision.docx") == f"行政处罚决定书\n{PHRASE}"

    third = d.run(scrape=False)
    ex = third.record.extract
    assert third.status == "unchanged", third.summary
    assert ex.extract_read == 0 and ex.extract_from_cache == second.record.extract.extract_read


def test_a_changed_file_is_read_again_and_a_removed_one_forgotten(deployment: Deployment) -> None:
    d = with_extract(deployment)
    folder = add_files(d)
    d.run(scrape=False)
    (folder / "decision.docx").write_bytes(files.docx(["行政处罚决定书（更正）", PHRASE]))
    (folder / "broken.docx").unlink()
    again = d.run(scrape=False)
    assert again.status == "published" and again.record.extract.extract_read == 1, again.summary
    texts = file_texts(d.settings, load_tree(d.settings.paths.content))[f"{ARTICLE}/index.md"]
    assert [(t.name, t.text) for t in texts] == [("decision.docx", tidy_text(f"行政处罚决定书（更正）\n{PHRASE}"))]


def test_a_damaged_cache_is_a_warning_and_its_files_are_read_again(deployment: Deployment) -> None:
    d = with_extract(deployment)
    add_files(d)
    first = d.run(scrape=False)
    cache = d.settings.paths.state / CACHE_FILE
    cache.write_bytes(b"\0damaged\0" * 1000)
    second = d.run(scrape=False)
    warnings = second.record.notes.warnings
    assert any(w.startswith(f"{cache}: the extraction cache was damaged") for w in warnings), second.summary
    assert f"warning: {cache}: the extraction cache was damaged" in second.summary
    assert second.record.extract.extract_read == first.record.extract.extract_read
    # The same text read again is no news: only the warning, which the status page lists, makes the new release.
    assert EXTRACTED not in second.record.fingerprint.changes["values"], second.summary
