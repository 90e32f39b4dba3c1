"""Writing files so that a reader or a crash never sees half of one."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write through a temporary file beside ``path`` and a rename (text is UTF-8).

    The temporary name carries the process and thread, so concurrent writers never share one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def write_json(path: Path, data: Any, indent: int = 2) -> None:
    """``data`` as readable UTF-8 JSON, written atomically."""
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=indent) + "\n")


def link_or_copy(source: str, target: str) -> None:
    """A hard link to ``source`` at ``target`` (no bytes copied), or a copy across file systems.

    Safe to keep as a snapshot of a file only because every writer of the tree replaces
    files by rename (``write_atomic``), leaving the linked inode as it was.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
