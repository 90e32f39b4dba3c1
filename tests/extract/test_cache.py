"""The extraction cache: keyed by the bytes and the reader, caps-bound for cap verdicts, set aside when damaged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from extract import Extraction, Limits
from extract.cache import CACHE_FILE, KnownFile, open_cache

LIMITS = Limits()
SHA = "a" * 64


def test_a_damaged_cache_is_set_aside_and_begun_afresh(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"not a database, " * 512)
    cache, repair = open_cache(tmp_path)
    with cache:
        assert repair is not None and repair.startswith(f"{tmp_path / CACHE_FILE}: the extraction cache was damaged (")
        assert (tmp_path / f"{CACHE_FILE}.damaged").read_bytes().startswith(b"not a database")
        assert cache.known_files() == {}
        assert cache.put(SHA, Extraction("ok", text="案例汇编", extractor="docx", version=1), LIMITS)
    again, repair = open_cache(tmp_path)
    with again:
        assert repair is None
        assert again.get(SHA, "docx", 1, LIMITS) == Extraction("ok", text="案例汇编", extractor="docx", version=1)


def test_a_result_is_kept_for_the_bytes_and_the_readers_version(tmp_path: Path) -> None:
    cache, _ = open_cache(tmp_path)
    with cache:
        cache.put(SHA, Extraction("ok", text="第一页\n\n第二页", pages=("第一页", "第二页"), extractor="pdf", version=1), LIMITS)
        cache.remember("cases/2024/a/x.pdf", KnownFile(10, 20, SHA, "pdf"))
        assert cache.get(SHA, "pdf", 1, replace(LIMITS, max_pages=1)).pages == ("第一页", "第二页")  # text stands under any caps
        assert cache.get(SHA, "pdf", 2, LIMITS) is None  # a new reader version reads again
        assert cache.known_files() == {"cases/2024/a/x.pdf": KnownFile(10, 20, SHA, "pdf")}
        cache.forget(["cases/2024/a/x.pdf"])
        assert cache.known_files() == {}


def test_a_verdict_of_a_cap_counts_only_under_the_same_caps(tmp_path: Path) -> None:
    small = replace(LIMITS, max_pages=1)
    cache, _ = open_cache(tmp_path)
    with cache:
        assert cache.put(SHA, Extraction("skipped", "3 pages, more than the cap of 1", extractor="pdf", version=1), small)
        assert cache.get(SHA, "pdf", 1, small) is not None and cache.digest(SHA, "pdf", 1, small) is not None
        assert cache.get(SHA, "pdf", 1, LIMITS) is None and cache.digest(SHA, "pdf", 1, LIMITS) is None
        assert cache.get(SHA, "pdf", 1, replace(small, night_seconds=5)) is not None  # the night's budget is no cap


def test_no_reader_and_ocr_off_are_no_verdict_on_the_file(tmp_path: Path) -> None:
    cache, _ = open_cache(tmp_path)
    with cache:
        assert not cache.put(SHA, Extraction("unavailable", "Tesseract is not installed", extractor="ocr", version=1), LIMITS)
        off = replace(LIMITS, ocr=False)
        assert not cache.put(SHA, Extraction("skipped", "OCR is off (extract.ocr: false)", extractor="ocr", version=1), off)
        assert cache.get(SHA, "ocr", 1, LIMITS) is None
