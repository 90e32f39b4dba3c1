"""What in the content tree cannot be read or is not what its name says.

Article validation reads Markdown; an operator's tree meets faults below that: a file
or folder the service user may not read (mode 000 after a copy made as root), a folder
where a file belongs (an ``index.md`` or an image name turned into a folder by an
unzip or a sync tool), a file where a column, year or article folder belongs, and
names that are not UTF-8 (GBK names from a Windows zip). Any of them stops a build, a
fingerprint or a report that meets it, or drops an article without a word. One walk
finds them all, so ``fazhi check``, the build and the nightly view leave them out by
the same rule and name them as problems; what lies under a faulty folder is never read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

from fazhi.article import COLUMNS
from fazhi.errors import ConfigError, Problem
from fazhi.filetypes import STORED_EXTENSIONS

# Names that are files by what they say: Markdown and every extension the archive stores.
FILE_SUFFIXES = STORED_EXTENSIONS | {".md"}
YEAR_RE = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class TreeFault:
    """One faulty entry: its real path (which may hold undecodable bytes), its printable path relative to the root, what is wrong."""

    path: str
    rel: str
    what: str

    @property
    def problem(self) -> Problem:
        return Problem(self.rel, 1, self.what)


def printable(name: str) -> str:
    """A path as text that can be printed and written as UTF-8: undecodable bytes shown as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def is_utf8(name: str) -> bool:
    return printable(name) == name


def tree_faults(root: Path) -> list[TreeFault]:
    """Every faulty entry under ``root`` (hidden ones skipped, as the build skips them), sorted by path."""
    faults: list[TreeFault] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(os.fspath(root), ())]
    while stack:
        folder, parts = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if not parts:
                raise ConfigError(f"{root}: the content directory cannot be read: {_reason(exc)}") from None
            faults.append(_fault(folder, parts, f"folder cannot be read: {_reason(exc)}; everything in it is left out of the site"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            here = (*parts, entry.name)
            if not is_utf8(entry.name):
                what = "it and everything in it are" if _is_dir(entry) else "it is"
                faults.append(_fault(entry.path, here, f"name is not UTF-8{_as_gbk(entry.name)}; rename it: {what} left out of the site"))
            elif _is_dir(entry):
                if Path(entry.name).suffix.lower() in FILE_SUFFIXES:
                    faults.append(_fault(entry.path, here, f"a folder where a file belongs ({entry.name} names a file); "
                                                           "replace it with the file: it is left out of the site"))
                else:
                    stack.append((entry.path, here))
            elif _folder_place(here):
                faults.append(_fault(entry.path, here, "a file where a folder belongs (a column, year or article folder); "
                                                       "move it away: it is left out of the site"))
            else:
                unreadable = _unreadable(entry.path)
                if unreadable:
                    faults.append(_fault(entry.path, here, f"file cannot be read: {unreadable}; it is left out of the site"))
    return sorted(faults, key=lambda f: f.rel)


def _fault(path: str, parts: tuple[str, ...], what: str) -> TreeFault:
    return TreeFault(path, printable("/".join(parts)), what)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _folder_place(parts: tuple[str, ...]) -> bool:
    """Whether a path is a column, a year of a column or an article folder (``<column>/<year>/<slug>``)."""
    if not parts or parts[0] not in COLUMNS:
        return False
    return len(parts) == 1 or (len(parts) == 2 and YEAR_RE.match(parts[1]) is not None) or (len(parts) == 3 and "." not in parts[2])


def _unreadable(path: str) -> str | None:
    """Why a file cannot be opened for reading, or None: opening is the only honest test (modes, ACLs, capabilities)."""
    try:
        with open(path, "rb"):
            return None
    except OSError as exc:
        return _reason(exc)


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _as_gbk(name: str) -> str:
    """What a name says read as GBK/GB18030, the usual encoding of such names (from Windows zips), when it reads so."""
    try:
        return f" (read as GBK: {os.fsencode(name).decode('gb18030')})"
    except UnicodeDecodeError:
        return ""


def within(path: Path, faulty: Set[str]) -> bool:
    """Whether ``path`` is one of the ``faulty`` paths (``TreeFault.path``) or lies under one."""
    return bool(faulty) and (os.fspath(path) in faulty or any(os.fspath(parent) in faulty for parent in path.parents))
