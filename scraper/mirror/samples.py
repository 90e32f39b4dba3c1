"""Small, valid files of the types the mirror serves as images and attachments, and hostile ones.

The archive judges files by their bytes (``fazhi.filetypes``), so the mirror's files
must be real of their kind: a PNG with its IHDR, a PDF with a trailer, an OLE2
compound file whose directory names a ``WordDocument`` or ``Workbook`` stream.

``HOSTILE`` is what a defaced or careless source serves under innocent names: an
HTML page as ``.jpg``, an SVG with script, HTML labelled ``application/pdf``, an
HTML "text" file, a Word file carrying macros. None of them may land in the archive.
"""

from __future__ import annotations

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


def docx(text: str) -> bytes:
    """A minimal OOXML Word package."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        package.writestr("word/document.xml", f'<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
                         "</w:body></w:document>")
    return out.getvalue()


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
