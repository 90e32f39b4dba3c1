"""A short soak: ten nights of the real `fazhi nightly` with upstream, staff and template changes, defacements and kills."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NIGHTS = 10
SEED = 2026  # with this seed the ten nights include kills (before, during and after the build), a sensitive word and a mass defacement


def test_ten_nights_with_kills_keep_every_invariant(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "soak.py"), "--nights", str(NIGHTS), "--seed", str(SEED),
                           "--workdir", str(tmp_path / "soak")], capture_output=True, text=True, timeout=1800, cwd=REPO)
    summary = re.search(r"^(\d+) nights, (\d+) killed, (\d+) invariant failure", done.stdout, re.M)
    assert summary, done.stdout + done.stderr
    assert int(summary.group(1)) == NIGHTS and int(summary.group(2)) >= 1, done.stdout
    assert done.returncode == 0 and summary.group(3) == "0", done.stdout + done.stderr[-3000:]
