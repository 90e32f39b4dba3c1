"""The nightly lock across real processes: refusal, waiting, and release when the holder is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fazhi.errors import LockHeld
from fazhi_app.lock import hold_lock

HOLDER = """
import sys, time
from pathlib import Path
from fazhi_app.lock import hold_lock
with hold_lock(Path(sys.argv[1]), what="test holder"):
    Path(sys.argv[2]).write_text("held")
    time.sleep(float(sys.argv[3]))
"""


@contextmanager
def holder(lock: Path, tmp_path: Path, seconds: float) -> Iterator[subprocess.Popen[bytes]]:
    """Another process holding ``lock`` for ``seconds``; killed on leaving the block whatever happened."""
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), str(ready), str(seconds)], cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None, "lock holder exited early"
            assert time.monotonic() < deadline, "lock holder never took the lock"
            time.sleep(0.05)
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_second_holder_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    lock = tmp_path / "state" / "nightly.lock"
    with holder(lock, tmp_path, 60) as proc:
        with pytest.raises(LockHeld) as info, hold_lock(lock):
            pass
        assert f"pid {proc.pid}" in str(info.value)
        assert "test holder" in str(info.value)


def test_waiting_gets_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    with holder(lock, tmp_path, 1.0) as proc:
        with hold_lock(lock, wait=30):
            assert f"pid {os.getpid()}" in lock.read_text()
        assert proc.wait(timeout=30) == 0, "the holder should have finished its sleep and released normally"


def test_waiting_gives_up_after_the_deadline(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    with holder(lock, tmp_path, 60), pytest.raises(LockHeld, match=r"after waiting 0\.3 s"), hold_lock(lock, wait=0.3):
        pass


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    with holder(lock, tmp_path, 60) as proc:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with hold_lock(lock):
        assert lock.exists()


def test_the_lock_is_free_again_after_the_block(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    with hold_lock(lock):
        pass
    with hold_lock(lock):
        pass
    assert lock.read_text() == ""
