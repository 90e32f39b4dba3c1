"""Judging the files beside articles by their bytes: what it costs a build, first time and cached.

Writes a content tree of N articles, each with a mix of real-typed files (PNG, PDF,
OLE2 Word and Excel, OOXML, CSV; the PDF padded to about 1 MiB by default), then times
``fazhi.content_files.refused_files`` three ways: with no cache (what `fazhi check`
would pay every time without one), filling the cache, and with the cache warm (what a
nightly build pays when nothing changed). Writes the "## Content files" section of
bench/RESULTS.md.

    python bench/content_files.py [--articles N] [--kib KIB] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import machine, write_section
from fazhi.content_files import content_files, refused_files
from scraper.mirror import samples


def make_tree(root: Path, articles: int, kib: int) -> int:
    """``articles`` article folders with six files each; returns the total bytes written."""
    padding = os.urandom(kib * 1024)
    total = 0
    for n in range(articles):
        folder = root / "cases" / str(2000 + n % 25) / f"case-{n}"
        folder.mkdir(parents=True)
        files = {
            "photo.png": samples.png(n.to_bytes(3, "big")),
            "decision.pdf": samples.pdf(str(n).encode()) + padding,
            "form.doc": samples.word(str(n).encode()),
            "table.xls": samples.excel(str(n).encode()),
            "notice.docx": samples.docx(f"第{n}号"),
            "list.csv": f"序号,名称\n{n},示例\n".encode(),
        }
        for name, data in files.items():
            (folder / name).write_bytes(data)
            total += len(data)
    return total


def timed(call: object) -> float:
    start = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--kib", type=int, default=1024, help="approximate KiB of files per article")
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-files-") as tmp:
        root, cache = Path(tmp) / "docs", Path(tmp) / "state" / "content-files.json"
        size = make_tree(root, args.articles, args.kib)
        files = len(content_files(root))
        uncached = timed(lambda: refused_files(root))
        filling = timed(lambda: refused_files(root, cache))
        warm = timed(lambda: refused_files(root, cache))
        assert not refused_files(root, cache), "every sample file is of an allowed type"
    load = os.getloadavg()
    text = f"""## Content files

- Date: {dt.date.today().isoformat()}
- Machine: {machine()} (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} while measuring, shared with other work)
- Command: `python bench/content_files.py --articles {args.articles} --kib {args.kib}`
- Setup: {args.articles} article folders, {files} files (PNG, PDF, OLE2 Word and Excel, OOXML, CSV), {size / 2**20:.0f} MiB in all;
  `fazhi.content_files.refused_files`, which `fazhi check` and every site build call.

| files | MiB | no cache (s) | filling the cache (s) | cache warm (s) |
|---:|---:|---:|---:|---:|
| {files} | {size / 2**20:.0f} | {uncached:.2f} | {filling:.2f} | {warm:.2f} |

Images, PDF, RAR and 7z are judged by their first 4 KiB; Office containers and text are read whole. The files
were just written, so they came from the page cache: from a cold disk the uncached case adds that reading.
With the cache (path, size and mtime per file, under the state folder) a build that follows an unchanged
content tree reads no file's bytes; only new or changed files are judged again.
"""
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
