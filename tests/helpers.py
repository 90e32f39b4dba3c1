"""Small helpers the test areas share (fixtures live in tests/fixtures/)."""

from __future__ import annotations

import socket
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (the state first); empty once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def process_state(pid: int) -> str:
    """A process's state letter (``Z`` for a zombie), or ``gone``."""
    fields = _stat(pid)
    return fields[0] if fields else "gone"


def process_group(pgid: int) -> list[int]:
    """The live (not zombie) processes of a process group: a command started as a terminal does, and all it started."""
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return [pid for pid in pids if (fields := _stat(pid)) and fields[2] == str(pgid) and fields[0] != "Z"]
