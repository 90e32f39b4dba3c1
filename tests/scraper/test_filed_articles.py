"""The mirror's articles whose substance is only in their files: archived with their files, a phrase of each file
readable from the archived file and nowhere in any article's text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from extract import extract_file
from extract.ocr import ocr_missing
from fazhi.filetypes import identify
from fazhi.normalize import tidy_text
from scraper.mirror import filed
from scraper.mirror.pages import asset
from tests.scraper.conftest import articles_by_url


def _read(path: Path, settings) -> str:  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    done = extract_file(path, identify(data), settings.extract)
    assert done.status == "ok", f"{path.name}: {done.reason}"
    return done.text


def test_any_docx_the_mirror_serves_is_a_word_document_its_reader_opens(tmp_path, scraped) -> None:  # type: ignore[no-untyped-def]
    served = "/doc/ucap/1749973237782081536/document/20240301/sample.docx"
    path = tmp_path / "sample.docx"
    path.write_bytes(asset(served).body)
    assert _read(path, scraped.settings) == hashlib.sha1(served.encode()).hexdigest()


@pytest.mark.parametrize("name", list(filed.PHRASES))
def test_a_phrase_only_inside_the_file_is_archived_with_its_article(name: str, scraped, mirror) -> None:  # type: ignore[no-untyped-def]
    if name == filed.INFOGRAPHIC and ocr_missing():
        pytest.skip(f"OCR unavailable: {ocr_missing()}")
    phrase = tidy_text(filed.PHRASES[name])
    (record,) = [a for a in mirror.articles("ucap") if any(p.endswith("/" + name) for p in [f["path"] for f in a["files"]] + a["images"])]
    articles = articles_by_url(scraped.content)
    article = articles[mirror.url("ucap", record)]
    (archived,) = [p for p in (scraped.content / article.path.parent).iterdir() if p.is_file() and p.read_bytes() == filed.FILES[name]]
    assert phrase in _read(archived, scraped.settings)
    assert not [url for url, a in articles.items() if phrase in tidy_text(a.title + a.body)], "the phrase must be only in the file"
