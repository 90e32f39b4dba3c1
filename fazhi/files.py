"""Writing files so that a reader or a crash never sees half of one."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

# ``.<name>.<pid>.<thread>.tmp``: the temporary file of ``write_atomic``, named after its writer.
TEMP_RE = re.compile(r"^\..+\.(\d+)\.(\d+)\.tmp$")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write through a temporary file beside ``path`` and a rename (text is UTF-8).

    The temporary name carries the process and thread, so concurrent writers never share one; a write that
    fails (a folder where the file belongs, a full disk) removes it, so no temporary is left beside the target.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any, indent: int = 2) -> None:
    """``data`` as readable UTF-8 JSON, written atomically.

    A file name that is not UTF-8 (kept by Python as surrogates) is written as its ``\\udcNN`` escape, so a report
    naming one is still written and reads back the same.
    """
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=indent) + "\n").encode("utf-8", "backslashreplace"))


def link_or_copy(source: str, target: str) -> None:
    """A hard link to ``source`` at ``target`` (no bytes copied), or a copy across file systems.

    Safe to keep as a snapshot of a file only because every writer of the tree replaces
    files by rename (``write_atomic``), leaving the linked inode as it was.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def remove_stale_temp_files(root: Path) -> list[Path]:
    """Remove the temporary files ``write_atomic`` left under ``root`` when its process was killed.

    A file whose writer process still runs (another command writing now) is left alone.
    """
    removed: list[Path] = []
    if not Path(root).is_dir():
        return removed
    for path in Path(root).rglob(".*.tmp"):
        match = TEMP_RE.match(path.name)
        if match and path.is_file() and not _running(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return sorted(removed)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
