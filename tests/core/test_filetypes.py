"""Files judged by their bytes: allowed types by signature and structure, everything active refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fazhi.errors import FileRefused
from fazhi.filetypes import accepted_extension, identify, refusal
from scraper.mirror import samples


def _zip(entries: dict[str, str], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in [first] if first else []:
            archive.writestr(name, entries[name])
        for name, text in entries.items():
            if name != first:
                archive.writestr(name, text)
    return out.getvalue()


ALLOWED = [
    (samples.png(b"\x01\x02\x03"), "PNG image", ".png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "JPEG image", ".jpg"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF image", ".gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24, "WebP image", ".webp"),
    (b"BM" + b"\x00" * 12 + (40).to_bytes(4, "little") + b"\x00" * 40, "BMP image", ".bmp"),
    (samples.pdf(b"x"), "PDF document", ".pdf"),
    (samples.word(b"x"), "Word document", ".doc"),
    (samples.excel(b"x"), "Excel workbook", ".xls"),
    (samples.ole({"PowerPoint Document": b"x"}), "PowerPoint presentation", ".ppt"),
    (samples.docx("x"), "Word document (OOXML)", ".docx"),
    (_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}), "Excel workbook (OOXML)", ".xlsx"),
    (_zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}, first="mimetype"), "OpenDocument text", ".odt"),
    (_zip({"OFD.xml": "<ofd:OFD/>", "Doc_0/Document.xml": "<x/>"}), "OFD document", ".ofd"),
    (_zip({"a.txt": "x"}), "ZIP archive", ".zip"),
    (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 16, "RAR archive", ".rar"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 24, "7z archive", ".7z"),
    ("名称,数量\n秸秆,3\n".encode("gb18030"), "plain text", ".txt"),
]


@pytest.mark.parametrize(("data", "label", "ext"), ALLOWED, ids=[a[1] for a in ALLOWED])
def test_allowed_types_are_recognised_by_their_bytes(data: bytes, label: str, ext: str) -> None:
    assert identify(data).label == label
    assert accepted_extension(data, image=False, suggested=".bin") == ext


@pytest.mark.parametrize("name", sorted(samples.HOSTILE))
def test_the_hostile_samples_are_all_refused(name: str) -> None:
    with pytest.raises(FileRefused):
        identify(samples.HOSTILE[name][1])


def test_refusals_say_what_the_file_is() -> None:
    cases = {
        b"<!DOCTYPE html><html><body>x</body></html>": "HTML page",
        b'<svg xmlns="http://www.w3.org/2000/svg"/>': "SVG",
        b"\x00\x01\x02\x03binary": "not an allowed file type",
        "第一行\n<script>alert(1)</script>".encode(): "HTML page",
        b"a, b\n<x-y>\n": "markup",
        samples.ole({"Contents": b"x"}): "not a Word, Excel",
        _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<d/>", "word/vbaProject.bin": "x"}): "macros",
        b"PK\x03\x04broken": "damaged ZIP",
        b"\x89PNG\r\n\x1a\n": "damaged PNG",
        b"": "empty",
    }
    for data, why in cases.items():
        with pytest.raises(FileRefused, match=why):
            identify(data)


def test_the_extension_comes_from_the_type_and_the_url_only_picks_among_its_own() -> None:
    png = samples.png(b"\x01\x02\x03")
    assert accepted_extension(png, image=True, suggested=".jpg") == ".png"
    assert accepted_extension(samples.word(b"x"), image=False, suggested=".wps") == ".wps"
    assert accepted_extension(samples.word(b"x"), image=False, suggested=".pdf") == ".doc"
    assert accepted_extension(b"a,b\n1,2\n", image=False, suggested=".csv") == ".csv"
    assert accepted_extension(b"a,b\n1,2\n", image=False, suggested=".html") == ".txt"
    with pytest.raises(FileRefused, match="an image was expected, but this is a PDF document"):
        accepted_extension(samples.pdf(b"x"), image=True)


def test_a_stored_file_is_refused_for_its_bytes_or_an_extension_its_type_lacks(tmp_path: Path) -> None:
    good, renamed, active = tmp_path / "a.png", tmp_path / "b.jpg", tmp_path / "c.pdf"
    good.write_bytes(samples.png(b"\x01\x02\x03"))
    renamed.write_bytes(samples.png(b"\x01\x02\x03"))
    active.write_bytes(samples.HOSTILE["notice.pdf"][1])
    assert refusal(good) is None
    assert "stored as .jpg but it is a PNG image" in (refusal(renamed) or "")
    assert "HTML page" in (refusal(active) or "")
