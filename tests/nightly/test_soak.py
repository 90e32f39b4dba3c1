"""A short soak: ten nights of the real `fazhi nightly` with upstream, staff and template changes, defacements, faults and kills."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NIGHTS = 10
# With this seed the ten nights include a kill before the build, an extraction cache overwritten with garbage and one
# cut short, the guard baseline emptied (twice) and one source's gone, an emptied list, a dangling current and a file
# name that is not UTF-8.
SEED = 32


def test_ten_nights_with_faults_and_kills_keep_every_invariant(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "bench" / "soak.py"), "--nights", str(NIGHTS), "--seed", str(SEED),
                           "--workdir", str(tmp_path / "soak")], capture_output=True, text=True, timeout=1800, cwd=REPO)
    summary = re.search(r"^(\d+) nights, (\d+) killed, (\d+) invariant failure", done.stdout, re.M)
    faults = re.search(r"^faults and repairs: (.+)$", done.stdout, re.M)
    assert summary and faults, done.stdout + done.stderr
    assert int(summary.group(1)) == NIGHTS and int(summary.group(2)) >= 1 and faults.group(1) != "none", done.stdout
    assert done.returncode == 0 and summary.group(3) == "0", done.stdout + done.stderr[-3000:]
