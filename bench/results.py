"""What every benchmark shares: naming the machine, and writing its section of bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """One line naming the machine a result was measured on: CPU, cores, memory, Python, kernel."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def write_section(text: str) -> None:
    """Replace the section ``text`` starts with (its ``## heading`` line) in RESULTS.md, or append it.

    The other sections are left as they are, so each benchmark rewrites only its own numbers.
    """
    heading = text.lstrip().split("\n", 1)[0]
    if not heading.startswith("## "):
        raise ValueError("a results section starts with a '## heading' line")
    section = text.strip() + "\n\n"
    current = RESULTS.read_text("utf-8") if RESULTS.is_file() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    updated = pattern.sub(lambda _: section, current, count=1) if pattern.search(current) else current.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(updated.rstrip("\n") + "\n", "utf-8")
