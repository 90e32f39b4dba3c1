"""Text from the binary Office formats: Word 97–2003 and WPS (``.doc``, ``.wps``), Excel 97–2003 and ET (``.xls``, ``.et``).

A Word file's text is read from its piece table ([MS-DOC] 2.8.35): the FIB at the head of the
``WordDocument`` stream says which table stream holds the Clx, whose pieces locate each run of text,
8-bit (cp1252) or UTF-16. Kingsoft WPS writes the same structure. Fields keep their shown result, not
their instructions. Nothing is run: the streams are read as bytes (``olefile``), macros never opened.
Workbooks are read by ``xlrd``, which reads BIFF records only, with formatting info off; it is imported where a
workbook is read (the reading child, whose server has it loaded: ``run.READER_LIBRARIES``).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import olefile

from extract.result import Unreadable

WORD_IDENT = 0xA5EC
# FIB offsets: flags (fWhichTblStm 0x0200, fEncrypted 0x0100), and fcClx/lcbClx in FibRgFcLcb97.
FIB_FLAGS, FIB_CLX = 0x0A, 0x01A2
# Word's own marks: cell and row ends, page and section breaks, and field begin/separator/end.
_MARKS = str.maketrans({"\r": "\n", "\x07": "\t", "\x0b": "\n", "\x0c": "\n", "\x1e": "-", "\x1f": ""})
_FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*\x14")
_FIELD_LEFTOVER = re.compile(r"\x13[^\x13\x14\x15]*\x15|[\x13\x14\x15]")


def doc(path: Path) -> str:
    """The text of a Word 97–2003 or WPS document, from its piece table."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            word = ole.openstream("WordDocument").read()
            if len(word) < FIB_CLX + 8 or struct.unpack_from("<H", word, 0)[0] != WORD_IDENT:
                raise Unreadable("failed", "the WordDocument stream has no Word 97 header (FIB)")
            flags = struct.unpack_from("<H", word, FIB_FLAGS)[0]
            if flags & 0x0100:
                raise Unreadable("skipped", "encrypted: a password is needed to read it")
            table_name = "1Table" if flags & 0x0200 else "0Table"
            if not ole.exists(table_name):
                raise Unreadable("failed", f"the {table_name} stream the header names is missing")
            table = ole.openstream(table_name).read()
    except (OSError, ValueError, IndexError, KeyError, struct.error) as exc:
        raise Unreadable("failed", f"a damaged Word file: {exc}") from None
    fc_clx, lcb_clx = struct.unpack_from("<II", word, FIB_CLX)
    text = "".join(_pieces(word, table[fc_clx:fc_clx + lcb_clx]))
    return _FIELD_LEFTOVER.sub("", _FIELD_CODE.sub("", text)).translate(_MARKS)


def _pieces(word: bytes, clx: bytes) -> list[str]:
    """Each piece's text, in order: the Clx's Prc records skipped, then its PlcPcd read."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, not text
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at + 5 > len(clx) or clx[at] != 0x02:
        raise Unreadable("failed", "a damaged Word file: no piece table")
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5:at + 5 + size]
    count = (len(plc) - 4) // 12
    if count < 1 or len(plc) < 4 * (count + 1) + 8 * count:
        raise Unreadable("failed", "a damaged Word file: its piece table is truncated")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    texts = []
    for i in range(count):
        chars = cps[i + 1] - cps[i]
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0]
        if chars <= 0:
            continue
        if fc & 0x40000000:  # fCompressed: 8-bit text at fc / 2
            start = (fc & 0x3FFFFFFF) // 2
            texts.append(word[start:start + chars].decode("cp1252", "replace"))
        else:
            texts.append(word[fc:fc + 2 * chars].decode("utf-16-le", "replace"))
    return texts


def xls(path: Path) -> str:
    """Each sheet's cells, a row a line and a tab between cells (numbers as ``xlrd`` reads them)."""
    import xlrd
    from xlrd.compdoc import CompDocError

    try:
        book = xlrd.open_workbook(str(path), formatting_info=False, on_demand=True, logfile=_Quiet())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise Unreadable("skipped", "encrypted: a password is needed to read it") from None
        raise Unreadable("failed", f"a damaged workbook: {exc}") from None
    except (CompDocError, OSError, ValueError, IndexError, KeyError, struct.error, AssertionError) as exc:
        raise Unreadable("failed", f"a damaged workbook: {exc}") from None
    sheets = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = ("\t".join(_value(v) for v in sheet.row_values(r) if _value(v)) for r in range(sheet.nrows))
            sheets.append("\n".join(rows))
    except (xlrd.XLRDError, CompDocError, IndexError, KeyError, struct.error, AssertionError) as exc:
        raise Unreadable("failed", f"a damaged workbook: {exc}") from None
    finally:
        book.release_resources()
    return "\n\n".join(sheets)


def _value(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Quiet:
    """xlrd's log goes nowhere: a damaged workbook is reported once, as its status."""

    def write(self, _text: str) -> int:
        return 0


__all__ = ["doc", "xls"]
