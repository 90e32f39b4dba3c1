"""Text from ZIP packages of XML: OOXML (DOCX, XLSX, PPTX), ODF (odt, ods, odp, odg) and OFD.

A package's parts are read only after their sizes are checked against the caps, from the sizes the
ZIP directory declares (zipfile never unpacks more than a part declares, and a part that lies fails
its CRC): a zip bomb is skipped before a byte of it is inflated. XML is parsed with entities, DTDs and
the network off, so a document can neither expand itself nor reach out; nothing in a package runs.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from lxml import etree

from extract.result import Limits, Unreadable

MB = 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
_NUMBER = re.compile(r"(\d+)")


class Package:
    """An open ZIP package whose parts are read within the caps: ``unpacked`` bytes so far, against ``max_unpacked_mb``."""

    def __init__(self, path: Path, limits: Limits):
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise Unreadable("failed", f"a damaged ZIP container: {exc}") from None
        self.limits = limits
        self.unpacked = 0
        self.names = {info.filename: info for info in self.zip.infolist()}

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *_: object) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        """One part's bytes, after its declared size and ratio are checked against the caps."""
        info = self.names.get(name)
        if info is None:
            raise Unreadable("failed", f"the package has no part {name}")
        if info.flag_bits & 0x1:
            raise Unreadable("skipped", f"encrypted: part {name} needs a password")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > self.limits.max_ratio:
            raise Unreadable("skipped", f"part {name} would unpack to {ratio:.0f} times its size (cap {self.limits.max_ratio:g}): "
                                        "a zip bomb")
        self.unpacked += info.file_size
        if self.unpacked > self.limits.max_unpacked_mb * MB:
            raise Unreadable("skipped", f"its parts would unpack to more than {self.limits.max_unpacked_mb} MB (cap)")
        try:
            return self.zip.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise Unreadable("failed", f"part {name} is damaged: {exc}") from None

    def xml(self, name: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise Unreadable("failed", f"part {name} is not well-formed XML: {exc}") from None

    def numbered(self, pattern: str) -> list[str]:
        """The part names matching ``pattern`` (a regex), in the order of the number in them (sheet2 before sheet10)."""
        found = [n for n in self.names if re.fullmatch(pattern, n)]
        return sorted(found, key=lambda n: [int(p) if p.isdigit() else p for p in _NUMBER.split(n)])


def local(element: etree._Element) -> str:
    """An element's name without its namespace (``p`` for ``w:p``); comments and PIs have none."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def flow_text(root: etree._Element, *, paragraphs: set[str], carriers: set[str], tabs: set[str] = frozenset(),
              breaks: set[str] = frozenset(), spaces: set[str] = frozenset(), skip: set[str] = frozenset()) -> str:
    """The text of an XML document in reading order: the text (and tails) inside ``carriers``, a newline after
    each of ``paragraphs``, a tab, newline or space for ``tabs``, ``breaks`` and ``spaces``; nothing under ``skip``."""
    out: list[str] = []
    inside = 0  # how deep inside a carrier the walk is
    skipping = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        name = local(element)
        if event == "start":
            if skipping or name in skip:
                skipping += 1
                continue
            if name in carriers:
                inside += 1
            if name in tabs:
                out.append("\t")
            elif name in breaks:
                out.append("\n")
            elif name in spaces:
                out.append(" " * int(element.get(f"{{{etree.QName(element).namespace}}}c", "1") or 1))
            elif inside and element.text:
                out.append(element.text)
            continue
        if skipping:
            skipping -= 1
            continue
        if name in carriers:
            inside -= 1
        if name in paragraphs:
            out.append("\n")
        if inside and element.tail:
            out.append(element.tail)
    return "".join(out)


def docx(package: Package) -> str:
    """The body, footnotes and endnotes of a Word document; deleted text (tracked changes) left out."""
    parts = ["word/document.xml", *(p for p in ("word/footnotes.xml", "word/endnotes.xml") if package.has(p))]
    return "\n".join(flow_text(package.xml(p), paragraphs={"p", "tr"}, carriers={"t"}, tabs={"tab"}, breaks={"br", "cr"},
                               skip={"delText", "instrText"}) for p in parts)


def pptx(package: Package) -> str:
    """Each slide's text, slide by slide."""
    return "\n".join(flow_text(package.xml(p), paragraphs={"p"}, carriers={"t"}, breaks={"br"})
                     for p in package.numbered(r"ppt/slides/slide\d+\.xml"))


def xlsx(package: Package) -> str:
    """Each sheet's cells, a row a line and a tab between cells; shared strings looked up, numbers as stored."""
    shared: list[str] = []
    if package.has("xl/sharedStrings.xml"):
        for item in package.xml("xl/sharedStrings.xml"):
            if local(item) == "si":
                shared.append("".join(t.text or "" for t in item.iter() if local(t) == "t"))
    sheets = []
    for part in package.numbered(r"xl/worksheets/sheet\d+\.xml"):
        rows = []
        for row in package.xml(part).iter():
            if local(row) != "row":
                continue
            cells = []
            for cell in row:
                if local(cell) == "c":
                    cells.append(_cell(cell, shared))
            rows.append("\t".join(c for c in cells if c))
        sheets.append("\n".join(rows))
    return "\n\n".join(sheets)


def _cell(cell: etree._Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter() if local(t) == "t")
    value = next((v.text or "" for v in cell if local(v) == "v"), "")
    if kind == "s":
        return shared[int(value)] if value.isdigit() and int(value) < len(shared) else ""
    return value if kind in ("n", "str") else ""


def odf(package: Package) -> str:
    """The text of an OpenDocument file's content: paragraphs and headings, table cells a line each."""
    return flow_text(package.xml("content.xml"), paragraphs={"p", "h"}, carriers={"p", "h"}, tabs={"tab"}, breaks={"line-break"},
                     spaces={"s"}, skip={"tracked-changes", "annotation"})


def ofd_pages(package: Package, limits: Limits) -> list[str]:
    """The text of each page of an OFD document (GB/T 33190): its pages in the order Document.xml lists them,
    each page's TextCode elements, a text object a line."""
    root = package.xml("OFD.xml")
    doc_root = next((e.text.strip() for e in root.iter() if local(e) == "DocRoot" and e.text), "")
    document = _resolve("", doc_root)
    if not package.has(document):
        raise Unreadable("failed", f"OFD.xml names a document {doc_root!r} the package does not hold")
    pages = [_resolve(posixpath.dirname(document), e.get("BaseLoc", "")) for e in package.xml(document).iter() if local(e) == "Page"]
    if len(pages) > limits.max_pages:
        raise Unreadable("skipped", f"{len(pages)} pages, more than the cap of {limits.max_pages}")
    texts = []
    for page in pages:
        if not package.has(page):
            raise Unreadable("failed", f"page {page} is missing from the package")
        lines = ("".join(code.text or "" for code in obj.iter() if local(code) == "TextCode")
                 for obj in package.xml(page).iter() if local(obj) == "TextObject")
        texts.append("\n".join(lines))
    return texts


def _resolve(base: str, location: str) -> str:
    """A location inside the package: absolute (``/Doc_0/…``) or relative to ``base``; never outside it."""
    location = location.strip().replace("\\", "/")
    joined = posixpath.normpath(location.lstrip("/") if location.startswith("/") else posixpath.join(base, location))
    return "" if joined.startswith("..") else joined


def read_package(path: Path, limits: Limits, reader: Callable[[Package], str]) -> str:
    with Package(path, limits) as package:
        return reader(package)


def read_ofd(path: Path, limits: Limits) -> Iterable[str]:
    with Package(path, limits) as package:
        return ofd_pages(package, limits)


__all__ = ["Package", "docx", "flow_text", "odf", "ofd_pages", "pptx", "read_ofd", "read_package", "xlsx"]
