"""Text from a PDF's text layer, page by page (``pypdf``, pure Python, BSD licence).

A PDF encrypted with an empty user password (only copying or printing restricted) is read; one that
needs a password is skipped. A PDF with more pages than the cap is skipped before any page is read.
pypdf runs no JavaScript and follows no links or external references. It is imported where a PDF is read (the
reading child, whose server has it loaded: ``run.READER_LIBRARIES``), so a night that reads no file never loads it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from extract.result import Limits, Unreadable

if TYPE_CHECKING:
    from pypdf import PdfReader

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on damaged files become our one reason


def pdf_pages(path: Path, limits: Limits) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise Unreadable("skipped", "encrypted: a password is needed to read it")
        count = len(reader.pages)
        if count > limits.max_pages:
            raise Unreadable("skipped", f"{count} pages, more than the cap of {limits.max_pages}")
        return [page.extract_text() or "" for page in reader.pages]
    except (FileNotDecryptedError, DependencyError) as exc:
        raise Unreadable("skipped", f"encrypted: {exc}") from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError, OSError,
            RecursionError, ZeroDivisionError) as exc:
        raise Unreadable("failed", f"a damaged PDF: {exc or type(exc).__name__}") from None


def _opens_without_password(reader: PdfReader) -> bool:
    from pypdf.errors import DependencyError

    try:
        return bool(reader.decrypt(""))
    except (DependencyError, NotImplementedError):
        return False


__all__ = ["pdf_pages"]
