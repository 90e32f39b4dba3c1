"""Small, valid files of the types the mirror serves as images and attachments, and hostile ones.

The archive judges files by their bytes (``fazhi.filetypes``), so the mirror's files
must be real of their kind: a PNG with its IHDR, a PDF with a trailer, an OLE2
compound file whose directory names a ``WordDocument`` or ``Workbook`` stream.

``HOSTILE`` is what a defaced or careless source serves under innocent names: an
HTML page as ``.jpg``, an SVG with script, HTML labelled ``application/pdf``, an
HTML "text" file, a Word file carrying macros. None of them may land in the archive.
"""

from __future__ import annotations

import html
import io
import struct
import zipfile
import zlib

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
ACTIVE_MARK = "fazhi-hostile-marker"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def png(rgb: bytes, size: int = 6) -> bytes:
    """A ``size``×``size`` PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + rgb * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf(tag: bytes) -> bytes:
    """A one-page PDF; ``tag`` makes each file's bytes its own."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%" + tag + b"\n%%EOF\n")


def _entry(name: str, kind: int, child: int = NO_STREAM, start: int = END_OF_CHAIN, size: int = 0) -> bytes:
    """One 128-byte OLE2 directory entry (kind 5 root, 2 stream, 1 storage)."""
    encoded = (name + "\0").encode("utf-16-le")
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB3I", len(encoded), kind, 1, NO_STREAM, NO_STREAM, child)
            + b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16 + struct.pack("<IQ", start, size))


def ole(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (version 3) holding ``streams``, each padded to 4096 bytes (no mini stream).

    The directory is a chain of right siblings under the root, which readers accept.
    """
    names = list(streams)
    blobs = [streams[n].ljust(4096, b"\0") for n in names]
    data_sectors = [len(b) // SECTOR + bool(len(b) % SECTOR) for b in blobs]
    entries_needed = 1 + len(names)
    dir_sectors = (entries_needed * 128 + SECTOR - 1) // SECTOR
    fat: list[int] = [FAT_SECTOR]
    fat += [len(fat) + i + 1 if i < dir_sectors - 1 else END_OF_CHAIN for i in range(dir_sectors)]
    starts = []
    for count in data_sectors:
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 if i < count - 1 else END_OF_CHAIN for i in range(count)]
    assert len(fat) <= SECTOR // 4, "sample OLE files fit one FAT sector"
    fat += [FREE] * (SECTOR // 4 - len(fat))
    directory = _entry("Root Entry", 5, child=1 if names else NO_STREAM)
    for i, name in enumerate(names):
        entry = bytearray(_entry(name, 2, start=starts[i], size=len(streams[name])))
        if i + 1 < len(names):
            entry[72:76] = struct.pack("<I", i + 2)  # right sibling
        directory += bytes(entry)
    directory = directory.ljust(dir_sectors * SECTOR, b"\0")
    header = (OLE_MAGIC + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    data = b"".join(b.ljust(c * SECTOR, b"\0") for b, c in zip(blobs, data_sectors, strict=True))
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + data


def word(tag: bytes) -> bytes:
    return ole({"WordDocument": b"\xec\xa5" + tag})


def excel(tag: bytes) -> bytes:
    return ole({"Workbook": b"\x09\x08" + tag})


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _ooxml(main: str, main_type: str, parts: dict[str, str]) -> bytes:
    """An OOXML package: content types, the package relationship to ``main`` and the ``parts``."""
    overrides = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in
                        ((main, main_type), *((n, "application/xml") for n in parts if n != main and not n.endswith(".rels"))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                         f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')
        package.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
                         f'<Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="{main}"/></Relationships>')
        for name, xml in parts.items():
            package.writestr(name, xml)
    return out.getvalue()


def docx(text: str) -> bytes:
    """A Word document (OOXML), a paragraph per line of ``text``."""
    body = "".join(f"<w:p><w:r><w:t>{html.escape(line, quote=False)}</w:t></w:r></w:p>" for line in text.split("\n"))
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    return _ooxml("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                  {"word/document.xml": document})


def xlsx(rows: list[list[str]]) -> bytes:
    """An Excel workbook (OOXML) of one sheet, its cells inline strings."""
    cells = "".join(f'<row r="{r}">' + "".join(f'<c t="inlineStr"><is><t>{html.escape(cell, quote=False)}</t></is></c>' for cell in row)
                    + "</row>" for r, row in enumerate(rows, 1))
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{S_NS}" xmlns:r="{R_NS}"><sheets>'
                '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    relations = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 "</Relationships>")
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{S_NS}"><sheetData>{cells}</sheetData></worksheet>'
    return _ooxml("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                  {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": relations, "xl/worksheets/sheet1.xml": sheet})


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages carry ``pages`` (lines each) as a text layer in Adobe's STSong-Light, a CJK font every PDF
    reader has or substitutes, so nothing is embedded: the text is written as UCS-2 (``UniGB-UCS2-H``)."""
    count = len(pages)
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(count))
    objects = [
        "<</Type/Catalog/Pages 2 0 R>>",
        f"<</Type/Pages/Kids[{kids}]/Count {count}>>",
        "<</Type/Font/Subtype/Type0/BaseFont/STSong-Light/Encoding/UniGB-UCS2-H/DescendantFonts[4 0 R]>>",
        "<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 4>>"
        "/FontDescriptor<</Type/FontDescriptor/FontName/STSong-Light/Flags 6/FontBBox[-25 -254 1000 880]/ItalicAngle 0"
        "/Ascent 880/Descent -120/CapHeight 880/StemV 93>>/DW 1000>>",
    ]
    for i, lines in enumerate(pages):
        shown = " ".join(f"<{line.encode('utf-16-be').hex().upper()}> Tj T*" for line in lines)
        stream = f"BT /F1 14 Tf 24 TL 56 780 Td {shown} ET".encode("ascii")
        objects.append(f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>/Contents {6 + 2 * i} 0 R>>")
        objects.append(f"<</Length {len(stream)}>>stream\n{stream.decode('ascii')}\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj{body}endobj\n".encode("ascii")
    table = b"".join(f"{offset:010d} 00000 n \n".encode("ascii") for offset in offsets)
    return (out + f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii") + table
            + f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{len(out)}\n%%EOF\n".encode("ascii"))


# name in the hostile article's links -> (Content-Type the server claims, bytes)
HOSTILE: dict[str, tuple[str, bytes]] = {
    "photo.jpg": ("image/jpeg", f"<html><body><script>document.title='{ACTIVE_MARK}'</script></body></html>".encode()),
    "chart.png": ("image/svg+xml", f'<svg xmlns="http://www.w3.org/2000/svg"><script>alert("{ACTIVE_MARK}")</script></svg>'.encode()),
    "diagram.svg": (
        "image/svg+xml", f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert({ACTIVE_MARK!r})"/>'.encode()),
    "notice.pdf": ("application/pdf", f"<!DOCTYPE html><html><script>alert('{ACTIVE_MARK}')</script></html>".encode()),
    "readme.txt": ("text/plain", f"说明<img src=x onerror=alert('{ACTIVE_MARK}')>".encode()),
    "form.doc": ("application/msword", ole({"WordDocument": b"\xec\xa5", "Macros": ACTIVE_MARK.encode()})),
    "page.html": ("text/html", f"<html><script>alert('{ACTIVE_MARK}')</script></html>".encode()),
}
