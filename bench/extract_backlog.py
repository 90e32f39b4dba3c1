"""First night after an upgrade: the nightly ``extract`` step over an archive whose files were never read; and the
peak memory of the child process that reads a hostile file.

A content tree of N articles, each with a DOCX and an XLSX of its own text and every fifth with an infographic
(every file unique, so the cache, keyed by content hash, reads each once) goes through ``extract_tree`` with no
budget; the step's time / files × 1,000 is the first night's cost per 1,000 files of backlog. Then hostile files
(a zip-bomb DOCX, an XLSX past the unpacked cap, a PDF of 2,000 pages, an image whose header claims absurd
dimensions) are each read by ``extract.extract_file`` while a watcher samples the peak resident memory (VmHWM)
of every process below this one. Writes the "## Extraction backlog" section of bench/RESULTS.md.

    python bench/extract_backlog.py [--articles 100] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import struct
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.extract import BACKGROUNDS, LINES, PARAGRAPHS
from bench.results import machine, write_section
from extract import Limits, extract_file
from extract.ocr import ocr_missing
from fazhi.config import load_settings
from fazhi.filetypes import identify
from fazhi_app.extraction import extract_tree
from tests.extract import files

REPO = Path(__file__).resolve().parents[1]


def archive(root: Path, articles: int) -> int:
    """Write ``articles`` articles with their files under ``root``; the number of files."""
    count = 0
    for i in range(articles):
        folder = root / "cases" / str(2016 + i % 10) / f"backlog-{i:05d}"
        folder.mkdir(parents=True)
        (folder / "index.md").write_text(f"---\ntitle: 积压文件第{i}篇\n---\n\n正文见附件。\n", "utf-8")
        own = [f"第{i}号 {p}" for p in PARAGRAPHS]
        (folder / "decision.docx").write_bytes(files.docx(own))
        (folder / "cases.xlsx").write_bytes(files.xlsx([[p] for p in own]))
        count += 2
        if i % 5 == 0:
            background, colour, stripes = BACKGROUNDS[i // 5 % len(BACKGROUNDS)]
            lines = [f"{LINES[i % len(LINES)]}{i}", LINES[(i + 1) % len(LINES)]]
            files.image(lines, size=32, background=background, colour=colour, stripes=stripes).save(folder / "info.png")
            count += 1
    return count


def hostile(folder: Path) -> list[tuple[str, Path]]:
    """Hostile files as tests/extract/test_hostile.py builds them, at a larger scale where that costs nothing."""
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    row = b"\x00" + b"\x00" * 3 * 60000
    huge = zlib.compress(row * 8, 9)
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0))
    png = b"\x89PNG\r\n\x1a\n" + header + _chunk(b"IDAT", huge) + _chunk(b"IEND", b"")
    made = [("DOCX zip bomb (300 MB inflated)", "bomb.docx", bomb.getvalue()),
            ("XLSX of 20,000 rows", "big.xlsx", files.xlsx([[f"第{i}行 案件{i}"] for i in range(20000)])),
            ("PDF of 2,000 pages", "long.pdf", files.blank_pdf(2000)),
            ("PNG claiming 60,000 × 60,000 px", "huge.png", png)]
    out = []
    for label, name, data in made:
        (folder / name).write_bytes(data)
        out.append((label, folder / name))
    return out


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class PeakWatcher(threading.Thread):
    """Samples VmHWM of every process below this one every 10 ms; ``peak_mb`` is the largest seen."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            for pid in _descendants(os.getpid()):
                try:
                    hwm = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                               if line.startswith("VmHWM"))
                except (OSError, StopIteration, ValueError):
                    continue
                self.peak_mb = max(self.peak_mb, hwm / 1024)


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    below, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - below
        below |= frontier
    return below


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=100, help="articles in the backlog (default 100)")
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args()
    start_load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-backlog-") as tmp:
        base = Path(tmp)
        count = archive(base / "content", args.articles)
        settings = load_settings(REPO / "fazhi.yml")
        settings = replace(settings, paths=replace(settings.paths, content=base / "content", state=base / "state"))
        warnings: list[str] = []
        section = extract_tree(settings, time.monotonic() + 86400, warnings.append)
        per_thousand = section.extract_seconds / max(section.extract_read, 1) * 1000
        rows = []
        for label, path in hostile(base):
            watcher = PeakWatcher()
            watcher.start()
            done = extract_file(path, identify(path.read_bytes()), Limits())
            watcher.done.set()
            watcher.join()
            rows.append(f"| {label} | {done.status} | {done.reason or '—'} | {watcher.peak_mb:.0f} MB | {done.seconds:.1f} s |")
    load = os.getloadavg()
    ocr = "" if not ocr_missing() else f" OCR unavailable here ({ocr_missing()}): images were counted, not read."
    text = f"""## Extraction backlog

- Date: {dt.date.today().isoformat()}
- Machine: {machine()}; load average {start_load[0]:.2f} {start_load[1]:.2f} {start_load[2]:.2f} at the start,
  {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end (the machine is shared with other work: times are upper bounds)
- Command: `python bench/extract_backlog.py --articles {args.articles}`

First night after an upgrade: {args.articles} articles (scaled down to keep the run short on a shared machine), each
with a DOCX and an XLSX of its own text and every fifth with a 32 px infographic: {count} files, every one unique.
The nightly `extract` step (`extract_tree`, no budget, default caps) read {section.extract_read} of {section.extract_seen}
in {section.extract_seconds:.1f} s ({section.extract_unavailable} unavailable, {len(section.extract_unread)} unread):
**{per_thousand:.0f} s per 1,000 files of backlog** ({per_thousand / 60:.1f} min), one file at a time, each in its own
child process; with the default `extract.night_seconds` of 1,800 s a night works off about
{1800 / per_thousand * 1000:,.0f} files of this mix.{ocr}

Hostile files, each read by `extract.extract_file` with the default caps (`memory_mb` 1,024); peak resident memory
of the processes below the bench (the reading child included) sampled every 10 ms from `/proc/<pid>/status` VmHWM:

| file | status | reason | peak memory | time |
|---|---|---|---:|---:|
{chr(10).join(rows)}
"""
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
