"""``extract_file``: one file's text, read in a child process that is killed past its time or memory cap.

Parsers of hostile files can loop, recurse or allocate without end, and a library cannot be
interrupted from inside; so each file is read in a process of its own (``forkserver``: started
from a small, thread-free server, not from the caller), whose address space is capped with
``RLIMIT_AS`` and which, with any Tesseract it started, is killed when ``file_seconds`` pass.
Whatever happens to the file, the caller gets an ``Extraction``, never an exception. The readers' libraries
(``READER_LIBRARIES``) are imported by the readers themselves and preloaded by the server the children fork from:
the caller never loads them, so a night that reads no file does not pay for them, and no child imports them again.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from extract import legacy, packages
from extract.ocr import ocr, ocr_missing
from extract.pdf import pdf_pages
from extract.plain import plain
from extract.result import Extraction, Limits, Status, Unreadable
from fazhi import filetypes
from fazhi.filetypes import FileType
from fazhi.normalize import tidy_text

MB = 1024 * 1024
# Seconds kept back from a file's cap for starting and ending the child, so OCR stops before the child is killed.
MARGIN = 1.0
# What the readers import when they read (pypdf alone took a no-change night 0.2 s to load): the children's server preloads it.
READER_LIBRARIES = ("pypdf", "xlrd", "PIL.Image", "PIL.ImageOps")


@dataclass(frozen=True)
class Reader:
    """One extractor: its name and ``version`` (bumped whenever its output for a file may change) and its function,
    which returns the text, or the list of page texts, or raises Unreadable."""

    name: str
    version: int
    read: Callable[[Path, Limits, float], str | list[str]]


READERS = (
    Reader("pdf", 1, lambda p, lim, _s: pdf_pages(p, lim)),
    Reader("ofd", 1, lambda p, lim, _s: list(packages.read_ofd(p, lim))),
    Reader("docx", 1, lambda p, lim, _s: packages.read_package(p, lim, packages.docx)),
    Reader("xlsx", 1, lambda p, lim, _s: packages.read_package(p, lim, packages.xlsx)),
    Reader("pptx", 1, lambda p, lim, _s: packages.read_package(p, lim, packages.pptx)),
    Reader("odf", 1, lambda p, lim, _s: packages.read_package(p, lim, packages.odf)),
    Reader("doc", 1, lambda p, _lim, _s: legacy.doc(p)),
    Reader("xls", 1, lambda p, _lim, _s: legacy.xls(p)),
    Reader("text", 1, lambda p, lim, _s: plain(p, lim)),
    Reader("ocr", 2, ocr),
)
BY_NAME = {reader.name: reader for reader in READERS}
EXTRACTOR_VERSIONS = {reader.name: reader.version for reader in READERS}
_FOR_TYPE: dict[FileType, str] = {
    filetypes.PDF: "pdf", filetypes.OFD: "ofd", filetypes.DOCX: "docx", filetypes.XLSX: "xlsx", filetypes.PPTX: "pptx",
    filetypes.ODT: "odf", filetypes.ODS: "odf", filetypes.ODP: "odf", filetypes.ODG: "odf", filetypes.WORD: "doc",
    filetypes.EXCEL: "xls", filetypes.TEXT: "text", **{kind: "ocr" for kind in (filetypes.PNG, filetypes.JPEG, filetypes.GIF,
                                                                                filetypes.WEBP, filetypes.BMP)},
}


def extractor_for(verdict: FileType) -> Reader | None:
    """The reader for a file of type ``verdict`` (``fazhi.filetypes.identify``), None for a type without text
    (archives, legacy PowerPoint): a cache can key on its name and version before reading anything."""
    name = _FOR_TYPE.get(verdict)
    return BY_NAME[name] if name else None


def extract_file(path: Path, verdict: FileType, limits: Limits) -> Extraction:
    """The text of the file at ``path``, judged ``verdict``, read within ``limits``; never raises."""
    started = time.monotonic()
    reader = extractor_for(verdict)
    if reader is None:
        return Extraction("skipped", f"no text is read from a {verdict.label}", seconds=time.monotonic() - started)
    done = _guarded(reader, path, limits)
    return _replace(done, extractor=reader.name, version=reader.version, seconds=time.monotonic() - started)


def _guarded(reader: Reader, path: Path, limits: Limits) -> Extraction:
    if reader.name == "ocr":
        if not limits.ocr:
            return Extraction("skipped", "OCR is off (extract.ocr: false)")
        if missing := ocr_missing():
            return Extraction("unavailable", missing)
    if not path.is_file():
        return Extraction("failed", "cannot be read: no such file")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "extract.run", *READER_LIBRARIES])
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, reader.name, str(path), limits), name=f"fazhi-extract-{reader.name}")
    child.start()
    sender.close()
    try:
        if not receiver.poll(limits.file_seconds):
            return Extraction("failed", f"reading took longer than {limits.file_seconds:g} s; stopped")
        try:
            message = receiver.recv()
        except (EOFError, OSError):
            child.join(5)
            return Extraction("failed", _death(child.exitcode, limits))
    finally:
        receiver.close()
        _end(child)
    return _finished(reader, *message)


def _finished(reader: Reader, status: Status, reason: str, result: str | list[str] | None) -> Extraction:
    if result is None:
        return Extraction(status, reason)
    pages = tuple(tidy_text(page) for page in result) if isinstance(result, list) else ()
    text = "\n\n".join(page for page in pages if page) if isinstance(result, list) else tidy_text(result)
    if not text:
        return Extraction("empty", "no text layer (a scan?)" if reader.name in ("pdf", "ofd") else "no text found", pages=pages)
    return Extraction("ok", "", text, pages)


def _child(sender: Connection, name: str, path: str, limits: Limits) -> None:
    """In the child: its own process group (so Tesseract dies with it), the memory cap, then the reader."""
    os.setpgid(0, 0)
    cap = limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    message: tuple[Status, str, Any]
    try:
        message = ("ok", "", BY_NAME[name].read(Path(path), limits, max(limits.file_seconds - MARGIN, 1.0)))
    except Unreadable as exc:
        message = (exc.status, exc.reason, None)
    except MemoryError:
        message = ("failed", f"reading needed more memory than the cap of {limits.memory_mb} MB", None)
    except RecursionError:
        message = ("failed", "too deeply nested to read", None)
    except Exception as exc:  # a library's own error on a malformed file: the file failed, not the run
        message = ("failed", f"unreadable: {type(exc).__name__}: {str(exc)[:200]}", None)
    try:
        sender.send(message)
    except MemoryError:
        sender.send(("failed", f"its text needed more memory than the cap of {limits.memory_mb} MB", None))
    sender.close()


def _death(code: int | None, limits: Limits) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return f"the reader died ({name}); memory cap {limits.memory_mb} MB"
    return f"the reader ended without a result (exit {code})"


def _end(child: Any) -> None:
    """Kill the child's process group (the child and any Tesseract it started) and reap it."""
    if child.is_alive():
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            child.kill()
    child.join(10)
    child.close()


def _replace(done: Extraction, **changes: Any) -> Extraction:
    return Extraction(**{**done.__dict__, **changes})


__all__ = ["EXTRACTOR_VERSIONS", "READERS", "Reader", "extract_file", "extractor_for"]
