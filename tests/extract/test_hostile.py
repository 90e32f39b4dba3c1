"""Hostile and broken files: each ends skipped or failed with a reason, never an exception, and nothing in them runs."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from extract import Limits, extract_file
from extract.ocr import ocr_missing
from fazhi import filetypes
from tests.extract import files

LIMITS = Limits()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_zip_bomb_docx_is_skipped_before_it_is_inflated(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    path = write(tmp_path, "bomb.docx", out.getvalue())
    assert path.stat().st_size < 1024 * 1024
    done = extract_file(path, filetypes.DOCX, replace(LIMITS, memory_mb=256))
    assert done.status == "skipped"
    assert done.reason.startswith("part word/document.xml would unpack to ") and done.reason.endswith("a zip bomb")


def test_parts_past_the_unpacked_cap_are_skipped(tmp_path: Path) -> None:
    rows = [[f"第{i}行 案件{i}"] for i in range(20000)]
    done = extract_file(write(tmp_path, "big.xlsx", files.xlsx(rows)), filetypes.XLSX, replace(LIMITS, max_unpacked_mb=1))
    assert (done.status, done.reason) == ("skipped", "its parts would unpack to more than 1 MB (cap)")


def test_a_truncated_package_fails(tmp_path: Path) -> None:
    data = files.docx(["行政处罚决定书"])
    done = extract_file(write(tmp_path, "cut.docx", data[: len(data) // 2]), filetypes.DOCX, LIMITS)
    assert done.status == "failed" and done.reason.startswith("a damaged ZIP container")


def test_malformed_xml_fails(tmp_path: Path) -> None:
    done = extract_file(write(tmp_path, "bad.docx", files.docx([], document="<w:document><w:body>")), filetypes.DOCX, LIMITS)
    assert done.status == "failed" and done.reason.startswith("part word/document.xml is not well-formed XML")


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", "utf-8")
    document = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
                f'<w:document xmlns:w="{files.W}"><w:body><w:p><w:r><w:t>公开&x;</w:t></w:r></w:p></w:body></w:document>')
    done = extract_file(write(tmp_path, "xxe.docx", files.docx([], document=document)), filetypes.DOCX, LIMITS)
    assert "机密" not in done.text
    assert done.status in ("ok", "failed")


def test_an_ofd_pointing_outside_its_package_fails(tmp_path: Path) -> None:
    data = files.package({"OFD.xml": "<OFD><DocBody><DocRoot>../../etc/passwd</DocRoot></DocBody></OFD>"})
    done = extract_file(write(tmp_path, "escape.ofd", data), filetypes.OFD, LIMITS)
    assert done.status == "failed" and "the package does not hold" in done.reason


def test_an_encrypted_pdf_is_skipped(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    done = extract_file(write(tmp_path, "locked.pdf", out.getvalue()), filetypes.PDF, LIMITS)
    assert (done.status, done.reason) == ("skipped", "encrypted: a password is needed to read it")


def test_a_pdf_with_too_many_pages_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "long.pdf", files.blank_pdf(12))
    assert len(PdfReader(path).pages) == 12
    done = extract_file(path, filetypes.PDF, replace(LIMITS, max_pages=10))
    assert (done.status, done.reason) == ("skipped", "12 pages, more than the cap of 10")


def test_a_truncated_pdf_fails(tmp_path: Path) -> None:
    data = files.blank_pdf(3)
    done = extract_file(write(tmp_path, "cut.pdf", data[:200]), filetypes.PDF, LIMITS)
    assert done.status == "failed" and done.reason.startswith("a damaged PDF")


def test_an_encrypted_word97_file_is_skipped(tmp_path: Path) -> None:
    done = extract_file(write(tmp_path, "locked.doc", files.word97("机密", encrypted=True)), filetypes.WORD, LIMITS)
    assert (done.status, done.reason) == ("skipped", "encrypted: a password is needed to read it")


def test_a_word97_file_without_piece_table_fails(tmp_path: Path) -> None:
    data = files.word97("正文", clx=b"\x01\x02\x00ab")  # formatting only: no Pcdt
    done = extract_file(write(tmp_path, "broken.doc", data), filetypes.WORD, LIMITS)
    assert done.status == "failed" and "piece table" in done.reason


def test_a_damaged_workbook_fails(tmp_path: Path) -> None:
    from scraper.mirror.samples import excel
    done = extract_file(write(tmp_path, "broken.xls", excel(b"garbage")), filetypes.EXCEL, LIMITS)
    assert done.status == "failed" and done.reason.startswith("a damaged workbook")


def test_an_image_of_absurd_dimensions_is_skipped_before_decoding(tmp_path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    data = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")
    done = extract_file(write(tmp_path, "huge.png", data), filetypes.PNG, LIMITS)
    if ocr_missing():
        assert done.status == "unavailable"
    else:
        assert (done.status, done.reason) == ("skipped", "100000×100000 pixels, more than the cap of 40,000,000")


def test_a_truncated_image_fails(tmp_path: Path) -> None:
    out = io.BytesIO()
    files.image(["行政处罚"]).save(out, "JPEG", quality=70)
    done = extract_file(write(tmp_path, "cut.jpg", out.getvalue()[:300]), filetypes.JPEG, LIMITS)
    assert done.status == ("unavailable" if ocr_missing() else "failed")


@pytest.mark.skipif(bool(ocr_missing()), reason=ocr_missing() or "-")
def test_a_reader_past_its_time_cap_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "poster.png"
    files.image(["生态环境损害赔偿制度改革方案"] * 40, size=30).save(path)
    done = extract_file(path, filetypes.PNG, replace(LIMITS, file_seconds=1))
    assert done.status == "failed"
    assert done.reason in ("reading took longer than 1 s; stopped", "OCR took longer than 1 s")


def test_a_reader_past_its_memory_cap_fails(tmp_path: Path) -> None:
    text = "罚" * (120 * 1024 * 1024 // 3)
    data = files.docx([text])
    done = extract_file(write(tmp_path, "heavy.docx", data), filetypes.DOCX, replace(LIMITS, memory_mb=256, max_ratio=100000))
    assert done.status == "failed"
    assert "memory" in done.reason or "MemoryError" in done.reason or "died" in done.reason, done.reason


def test_a_missing_file_fails(tmp_path: Path) -> None:
    done = extract_file(tmp_path / "gone.pdf", filetypes.PDF, LIMITS)
    assert (done.status, done.reason) == ("failed", "cannot be read: no such file")
