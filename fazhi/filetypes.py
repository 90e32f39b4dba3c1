"""What a file really is, judged by its bytes, and whether the archive may publish it.

Images and attachments come from sites we do not control. A URL ending in
``.jpg`` may serve an HTML page, an "image" may be an SVG carrying script, and
either would run on the archive's own origin when opened directly. So a file is
kept only when its content is one of the types below, and its stored extension
comes from that type (never from the URL or the server's label):

- images: PNG, JPEG, GIF, WebP, BMP, by signature and header;
- PDF and OFD (OFD by its ``OFD.xml`` inside a ZIP container);
- Office, WPS and ET: OLE2 files with a Word, Excel or PowerPoint stream,
  OOXML packages (``[Content_Types].xml`` plus the main part), ODF packages
  (a leading ``mimetype`` entry); none carrying macros;
- ZIP, RAR and 7z archives;
- plain text and CSV, only when they decode as text and hold no markup.

SVG is never kept: it is a document that can run script. ``identify`` names the
type or raises ``FileRefused`` saying why; ``accepted_extension`` adds the rule
for images and picks the extension; ``refusal`` re-checks a stored file (``fazhi
check``, the site build).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile

from fazhi.errors import FileRefused


@dataclass(frozen=True)
class FileType:
    """One allowed type: a label for messages and its extensions, the usual one first."""

    label: str
    extensions: tuple[str, ...]
    image: bool = False


PNG = FileType("PNG image", (".png",), image=True)
JPEG = FileType("JPEG image", (".jpg", ".jpeg"), image=True)
GIF = FileType("GIF image", (".gif",), image=True)
WEBP = FileType("WebP image", (".webp",), image=True)
BMP = FileType("BMP image", (".bmp",), image=True)
PDF = FileType("PDF document", (".pdf",))
OFD = FileType("OFD document", (".ofd",))
WORD = FileType("Word document", (".doc", ".wps", ".dot"))
EXCEL = FileType("Excel workbook", (".xls", ".et"))
POWERPOINT = FileType("PowerPoint presentation", (".ppt", ".dps", ".pps"))
DOCX = FileType("Word document (OOXML)", (".docx", ".wps"))
XLSX = FileType("Excel workbook (OOXML)", (".xlsx", ".et"))
PPTX = FileType("PowerPoint presentation (OOXML)", (".pptx", ".dps"))
ODT = FileType("OpenDocument text", (".odt",))
ODS = FileType("OpenDocument spreadsheet", (".ods",))
ODP = FileType("OpenDocument presentation", (".odp",))
ODG = FileType("OpenDocument drawing", (".odg",))
ZIP = FileType("ZIP archive", (".zip",))
RAR = FileType("RAR archive", (".rar",))
SEVEN_ZIP = FileType("7z archive", (".7z",))
TEXT = FileType("plain text", (".txt", ".csv"))
# Every stored extension: a name ending in one is a file's, never a folder's (``fazhi.tree_faults``).
STORED_EXTENSIONS = frozenset(ext for kind in (PNG, JPEG, GIF, WEBP, BMP, PDF, OFD, WORD, EXCEL, POWERPOINT, DOCX, XLSX, PPTX, ODT, ODS,
                                               ODP, ODG, ZIP, RAR, SEVEN_ZIP, TEXT) for ext in kind.extensions)

# OLE2 streams naming the application; macro storages make a file active content.
OLE_STREAMS = (("WordDocument", WORD), ("Workbook", EXCEL), ("Book", EXCEL), ("PowerPoint Document", POWERPOINT))
OLE_MACROS = ("macros", "_vba_project_cur", "vba")
# The main part of each OOXML package; vbaProject.bin means macros.
OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
ODF_TYPES = {"text": ODT, "spreadsheet": ODS, "presentation": ODP, "graphics": ODG}
BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)
# Markup in a "text" file: a tag, a comment, a doctype or a processing instruction.
MARKUP_RE = re.compile(r"<\s*[A-Za-z!?/]")
SVG_RE = re.compile(rb"<svg[\s>/]", re.I)
HTML_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe|meta|title|div|p|a|img|form|style)[\s>/]", re.I)
# Control characters other than tab, newline, form feed and carriage return do not occur in text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
TEXT_ENCODINGS = ("utf-8", "gb18030")
# Types whose first bytes decide (no structure further in is read), and how many bytes that takes.
SIGNATURE_ENOUGH = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"BM", b"%PDF-", b"Rar!", b"7z\xbc\xaf")
HEAD_BYTES = 4096


def identify(data: bytes) -> FileType:
    """The allowed type of ``data``; raises FileRefused naming what it is instead."""
    head = data[:64]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if data[12:16] != b"IHDR":
            raise FileRefused("a damaged PNG image (no header after the signature)")
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"BM") and len(data) > 18 and int.from_bytes(data[14:18], "little") in BMP_HEADER_SIZES:
        return BMP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith((b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00")):
        return RAR
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return SEVEN_ZIP
    if head.startswith(olefile.MAGIC):
        return _ole(data)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip(data)
    return _text(data)


def accepted_extension(data: bytes, *, image: bool, suggested: str = "") -> str:
    """The extension to store ``data`` under (``.png``); raises FileRefused when it may not be stored.

    ``image``: the file is shown in a page (``<img>``), so only an image type will do.
    ``suggested`` (from the URL) is kept when the type has it among its extensions
    (``.wps`` for a Word file), so names stay familiar; it never decides the type.
    """
    kind = identify(data)
    if image and not kind.image:
        raise FileRefused(f"an image was expected, but this is a {kind.label}")
    if kind is TEXT:
        return ".csv" if suggested.lower() == ".csv" else ".txt"
    return suggested.lower() if suggested.lower() in kind.extensions else kind.extensions[0]


def refusal(path: Path) -> str | None:
    """Why a stored file may not be published (its bytes, or an extension its type does not have), else None.

    Images, PDF, RAR and 7z are known by their first bytes; containers and text are read whole.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(HEAD_BYTES)
            if not data.startswith(SIGNATURE_ENOUGH):
                data += stream.read()
        kind = identify(data)
    except FileRefused as exc:
        return exc.reason
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if path.suffix.lower() not in kind.extensions:
        return f"stored as {path.suffix or 'a name without extension'} but it is a {kind.label} ({', '.join(kind.extensions)})"
    return None


def _ole(data: bytes) -> FileType:
    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, IndexError, KeyError) as exc:
        raise FileRefused(f"a damaged OLE2 (Office) file: {exc}") from None
    with ole:
        entries = ["/".join(parts) for parts in ole.listdir(streams=True, storages=True)]
    lowered = {e.lower() for e in entries}
    if any(part in OLE_MACROS for entry in lowered for part in entry.split("/")):
        raise FileRefused("an Office file carrying macros")
    for stream, kind in OLE_STREAMS:
        if stream in entries:
            return kind
    raise FileRefused("an OLE2 container that is not a Word, Excel, PowerPoint, WPS or ET file")


def _zip(data: bytes) -> FileType:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            first = infos[0].filename if infos else ""
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip() if first == "mimetype" else ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError) as exc:
        raise FileRefused(f"a damaged ZIP container: {exc}") from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileRefused("an Office file carrying macros")
    if "[Content_Types].xml" in names:
        for part, kind in OOXML_PARTS:
            if part in names:
                return kind
    if mimetype.startswith("application/vnd.oasis.opendocument."):
        kind = ODF_TYPES.get(mimetype.rsplit(".", 1)[-1].split("-")[0])
        if kind is not None:
            return kind
    if "OFD.xml" in names:
        return OFD
    return ZIP


def _text(data: bytes) -> FileType:
    if SVG_RE.search(data[:4096]):
        raise FileRefused("an SVG image, which can carry script; SVG is never stored")
    if HTML_RE.search(data[:4096]):
        raise FileRefused("an HTML page, not a file")
    if not data.strip():
        raise FileRefused("an empty file")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    for encoding in TEXT_ENCODINGS:
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(f"not an allowed file type (it starts with {data[:8].hex(' ')})")
    if CONTROL_RE.search(text):
        raise FileRefused(f"not an allowed file type (binary data, starting with {data[:8].hex(' ')})")
    if MARKUP_RE.search(text):
        raise FileRefused("text containing markup (HTML or XML), which a browser could run")
    return TEXT


__all__ = ["FileType", "accepted_extension", "identify", "refusal"]
