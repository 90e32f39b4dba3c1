"""The nightly lock: one run at a time per state directory.

An ``flock`` on ``<state>/nightly.lock`` rather than a pid file: the kernel
drops the lock when the holder dies, even by ``kill -9``, so a crashed run never
blocks the next one and no stale-lock cleanup is needed. The file keeps the
holder's pid and start time only to make the refusal message useful.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fazhi.errors import LockHeld

POLL_SECONDS = 0.2


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    """What the lock file says about its holder, for the message."""
    try:
        text = path.read_text("utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def hold_lock(path: Path, wait: float = 0.0, what: str = "nightly run") -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` for the ``with`` block.

    Raises LockHeld at once when another process holds it, or after ``wait``
    seconds of polling when ``wait`` is positive.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                waited = f" after waiting {wait:g} s" if wait > 0 else ""
                raise LockHeld(f"another run holds the lock {path}{_holder(path)}{waited}; try again later")
            time.sleep(POLL_SECONDS)
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {what} started {started}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
