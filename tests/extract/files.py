"""Files of our own making with known text, for the extraction tests and the benchmark.

OOXML, ODF and OFD packages are written with zipfile; a Word 97 file is an OLE2 compound file
(``scraper.mirror.samples.ole``) whose WordDocument stream carries a FIB and whose 1Table stream
carries a piece table, as [MS-DOC] lays them out; a PDF is printed by headless Chromium from
Chinese HTML in a Noto CJK font; images are drawn with Pillow in Noto Sans CJK.
"""

from __future__ import annotations

import html
import io
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfWriter

from scraper.mirror.samples import ole

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CHROMIUM = Path("/usr/bin/chromium")


def package(parts: dict[str, str | bytes], *, mimetype: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx(paragraphs: list[str], *, document: str | None = None) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{html.escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    return package({"[Content_Types].xml": "<Types/>",
                    "word/document.xml": document or f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'})


def xlsx(rows: list[list[str]]) -> bytes:
    strings = sorted({cell for row in rows for cell in row})
    sst = "".join(f"<si><t>{html.escape(s)}</t></si>" for s in strings)
    data = "".join(f'<row r="{r + 1}">' + "".join(f'<c t="s"><v>{strings.index(c)}</v></c>' for c in row) + "</row>"
                   for r, row in enumerate(rows))
    return package({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": f'<workbook xmlns="{S}"/>',
                    "xl/sharedStrings.xml": f'<sst xmlns="{S}">{sst}</sst>',
                    "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{S}"><sheetData>{data}</sheetData></worksheet>'})


def odt(paragraphs: list[str]) -> bytes:
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    body = "".join(f"<text:p>{html.escape(p[:2])}<text:span>{html.escape(p[2:])}</text:span></text:p>" for p in paragraphs)
    return package({"content.xml": f"<office:document-content {ns}><office:body><office:text>{body}</office:text></office:body>"
                                   "</office:document-content>"}, mimetype="application/vnd.oasis.opendocument.text")


def ofd(pages: list[list[str]]) -> bytes:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    page_list = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    parts: dict[str, str | bytes] = {
        "OFD.xml": f"<ofd:OFD {ns}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f"<ofd:Document {ns}><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>"}
    for i, lines in enumerate(pages):
        objects = "".join(f'<ofd:TextObject ID="{j}" Boundary="0 {j * 10} 200 10"><ofd:TextCode X="0" Y="8">{html.escape(line)}'
                          "</ofd:TextCode></ofd:TextObject>" for j, line in enumerate(lines))
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = (f"<ofd:Page {ns}><ofd:Content><ofd:Layer>{objects}</ofd:Layer></ofd:Content>"
                                                      "</ofd:Page>")
    return package(parts)


def word97(text: str, *, encrypted: bool = False, clx: bytes | None = None) -> bytes:
    """A Word 97 file: the text as one UTF-16 piece after the FIB, the piece table (or ``clx``) in the 1Table stream."""
    fib = bytearray(0x200)
    struct.pack_into("<H", fib, 0, 0xA5EC)
    struct.pack_into("<H", fib, 0x0A, 0x0200 | (0x0100 if encrypted else 0))
    encoded = text.encode("utf-16-le")
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, len(fib), 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc if clx is None else clx
    struct.pack_into("<II", fib, 0x01A2, 0, len(clx))
    # Streams under 4096 bytes would belong in the mini stream, which ``ole`` does not write: pad them.
    return ole({"WordDocument": (bytes(fib) + encoded).ljust(4096, b"\0"), "1Table": clx.ljust(4096, b"\0")})


def blank_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` empty pages: no text layer, as a scan without OCR."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(lines: list[str], *, size: int = 36, background: tuple[int, int, int] = (255, 255, 255),
          colour: tuple[int, int, int] = (0, 0, 0), stripes: tuple[int, int, int] | None = None) -> Image.Image:
    """Lines of Chinese text drawn in Noto Sans CJK at ``size`` px, on a plain or striped background."""
    font = ImageFont.truetype(str(CJK_FONT), size)
    width = max(int(font.getlength(line)) for line in lines) + 2 * size
    picture = Image.new("RGB", (width, int(len(lines) * size * 1.8) + 2 * size), background)
    draw = ImageDraw.Draw(picture)
    if stripes:
        for x in range(-picture.height, picture.width, 24):
            draw.line([(x, 0), (x + picture.height, picture.height)], fill=stripes, width=8)
    for i, line in enumerate(lines):
        draw.text((size, size + i * size * 1.8), line, font=font, fill=colour)
    return picture


def printed_pdf(paragraphs: list[str], folder: Path) -> Path:
    """A PDF printed by headless Chromium from Chinese HTML set in Noto Serif CJK, one page break per ``\f`` paragraph."""
    body = "".join('<p style="page-break-after: always"></p>' if p == "\f" else f"<p>{html.escape(p)}</p>" for p in paragraphs)
    source = folder / "source.html"
    source.write_text(f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body style="font: 16px \'Noto Serif CJK SC\'">{body}',
                      "utf-8")
    target = folder / "printed.pdf"
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={target}", source.as_uri()], check=True, capture_output=True, timeout=120)
    return target


def error_rate(expected: str, got: str) -> float:
    """Character error rate: edits (Levenshtein) from ``expected`` to ``got`` over the length of ``expected``, whitespace ignored."""
    a, b = "".join(expected.split()), "".join(got.split())
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1] / max(len(a), 1)


def can_print() -> bool:
    return CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is not None


__all__ = ["blank_pdf", "can_print", "docx", "error_rate", "image", "odt", "ofd", "package", "printed_pdf", "word97", "xlsx"]
