"""Whole-scrape memory with hostile files on the mirror: the peak resident memory of the whole ``fazhi nightly`` process tree.

The sample mirror grown to N articles (default 500, as bench/nightly.py) serves, beside its own articles, UCAP articles
whose files are hostile: a zip-bomb DOCX, a DOCX whose XML unpacks to just under the caps, a PDF of 2,000 pages (the
page cap: read), one of 5,000 (skipped), a PNG whose header claims 60,000 × 60,000 px, a large poster that keeps
Tesseract busy past the time cap, and truncated files. One real ``fazhi nightly`` (a subprocess, as under cron) scrapes
all of it, reads every file (each in its own child), builds, indexes and publishes, while a watcher samples every 10 ms
each process below this one (the command, the reading children's server, the children, Tesseract): the largest sum of
their resident memory (VmRSS) at one instant, and the largest sum of each one's own peak (VmHWM, which a short spike
between samples does not escape) over the processes alive together — an upper bound. Target: under 1.5 GB.

    .venv/bin/python bench/extract_memory.py [--articles 500] [--file-seconds 20] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.extract_backlog import _chunk, _descendants, hostile  # noqa: E402
from bench.nightly import grow, nightly_command  # noqa: E402
from bench.results import machine, write_section  # noqa: E402
from bench.search_corpus import load_average  # noqa: E402
from scraper.mirror import Mirror, filed  # noqa: E402
from tests.extract import files  # noqa: E402

HEADING = "## Whole-scrape memory with hostile files"
MB = 1024 * 1024
TARGET_MB = 1536
# A real paragraph: the change guard holds a new article whose page says next to nothing, and held files are not read.
BODY = "<p>第{}篇测试文章正文：某县生态环境局依法查处一起违法排放污水案件，责令改正并处罚款，附件为处罚决定及相关材料。</p>"


def hostile_files(folder: Path) -> dict[str, tuple[str, bytes]]:
    """{file name on the mirror: (what it is, its bytes)}: bench/extract_backlog.py's hostile files and more."""
    made = {f"hostile-{path.name}": (label, path.read_bytes()) for label, path in hostile(folder)}
    # Just under the caps: 190 MB of XML (max_unpacked_mb 200) at a ratio under max_ratio (200), so it is parsed.
    paragraph = "<w:p><w:r><w:t>第{}条 某县生态环境局依法查处违法排污案件{}</w:t></w:r></w:p>"
    count = 190 * MB // len(paragraph.format(1_000_000, 10_000).encode())
    xml = "".join(paragraph.format(i, i * 7919 % 100003) for i in range(count))
    body = f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{xml}</w:body></w:document>'
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body.encode())
    made["hostile-at-caps.docx"] = (f"DOCX whose XML unpacks to 190 MB ({len(package.getvalue()) / MB:.1f} MB packed)", package.getvalue())
    made["hostile-over-cap.pdf"] = ("PDF of 5,000 pages", files.blank_pdf(5000))
    poster = io.BytesIO()
    files.image(["生态环境损害赔偿制度改革方案解读"] * 160, size=30).save(poster, "PNG")
    made["hostile-poster.png"] = ("poster of 160 lines of text (a long OCR)", poster.getvalue())
    made["hostile-cut.pdf"] = ("PDF cut short", files.blank_pdf(3)[:400])
    made["hostile-cut.docx"] = ("DOCX cut short", files.docx(["截断的文件"])[:300])
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", b"\x00" * 13)
    made["hostile-empty.png"] = ("PNG of zero pixels", png)
    return made


class TreeWatcher(threading.Thread):
    """Samples every 10 ms the processes below this one: the largest VmRSS sum, and the largest VmHWM sum of those alive."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.rss_mb = 0.0
        self.hwm_mb = 0.0
        self.largest: dict[int, tuple[float, str]] = {}  # pid -> (its own peak MB, its command)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            rss = hwm = 0.0
            for pid in _descendants(os.getpid()):
                status = _status(pid)
                if status is None:
                    continue
                rss += status.get("VmRSS", 0) / 1024
                own = status.get("VmHWM", 0) / 1024
                hwm += own
                if own > self.largest.get(pid, (0.0, ""))[0]:
                    self.largest[pid] = (own, _command(pid))
            self.rss_mb, self.hwm_mb = max(self.rss_mb, rss), max(self.hwm_mb, hwm)


def _status(pid: int) -> dict[str, int] | None:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    return {line.split(":")[0]: int(line.split()[1]) for line in lines if line.startswith(("VmRSS", "VmHWM"))}


def _command(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    shown = " ".join(Path(w.decode(errors="replace")).name if i == 0 else w.decode(errors="replace") for i, w in enumerate(words[:3]))
    return shown[:60]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="articles on the mirror (default 500)")
    parser.add_argument("--file-seconds", type=float, default=20.0, help="extract.file_seconds for the run (default 20; the "
                        "setting's default is 60): the poster is killed at it")
    parser.add_argument("--no-write", action="store_true", help="print the results instead of updating bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-memory-") as tmp:
        base = Path(tmp)
        shutil.copytree(REPO / "docs", base / "content")
        (base / "made").mkdir()
        made = hostile_files(base / "made")
        filed.FILES.update({name: data for name, (_label, data) in made.items()})  # the mirror serves them by name
        with Mirror(base / "mirror") as mirror:
            total = grow(mirror, args.articles, seed=4242)
            documents = [{"name": name, "path": f"{filed.UCAP_DOCS}/20251120/{name}"} for name in made if not name.endswith(".png")]
            for i, attachment in enumerate(documents):
                mirror.add_article("ucap", f"恶意文件测试第{i + 1}篇：执法通报附件", BODY.format(i + 1),
                                   date=f"2025-11-{20 + i % 8:02d} 10:00", files=[attachment])
            for i, name in enumerate(n for n in made if n.endswith(".png")):
                record = mirror.add_article("ucap", f"恶意图片测试第{i + 1}篇：一图读懂", BODY.format(i + 11),
                                            date=f"2025-11-{20 + i % 8:02d} 11:00")
                mirror.edit_article("ucap", record["id"], images=[f"/jxssthjt/col42150/{record['id']}/{name}"])
            command = nightly_command(mirror, base, concurrency=2)
            config = base / "fazhi.yml"
            config.write_text(config.read_text("utf-8") + f"extract:\n  file_seconds: {args.file_seconds:g}\n", "utf-8")
            load = load_average()
            watcher = TreeWatcher()
            watcher.start()
            start = time.perf_counter()
            proc = subprocess.run(command, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            watcher.done.set()
            watcher.join()
            end_load = load_average()
        print(proc.stdout)
        if proc.returncode not in (0, 3):
            sys.exit(f"nightly failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        record = json.loads((base / "state" / "reports" / "latest.json").read_text("utf-8"))
        archived = {path.name for path in (base / "content").rglob("hostile-*")}
    unread = {Path(row["file"]).name: row for row in record["extract_unread"]}
    rows = []
    for name, (label, data) in made.items():
        row = unread.get(name)
        outcome = f"{row['status']}: {row['reason']}" if row else "read" if name in archived else "not archived (refused when fetched)"
        rows.append(f"| {label} | {len(data) / MB:.2f} MB | {outcome} |")
    largest = sorted(watcher.largest.values(), reverse=True)[:4]
    text = "\n".join([
        HEADING,
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}; load average {load} before, {end_load} after (a machine",
        "shared with other work: the memory figures do not depend on it, the times do).",
        f"Command: `.venv/bin/python bench/extract_memory.py --articles {args.articles} --file-seconds {args.file_seconds:g}`",
        "",
        f"One real `fazhi nightly` over the sample mirror grown to {total} articles plus {len(made)} UCAP articles whose files are",
        f"hostile (below), `extract.file_seconds` {args.file_seconds:g} s and the other caps at their defaults: {record['status']} "
        f"(exit {proc.returncode}) in {seconds:.1f} s; the extract step saw {record['extract_seen']} files and read "
        f"{record['extract_read']} ({len(record['extract_unread'])} without text).",
        "",
        f"**Peak memory of the whole process tree: {watcher.rss_mb:.0f} MB** (sum of VmRSS of every process below the bench,",
        f"sampled every 10 ms); upper bound {watcher.hwm_mb:.0f} MB (sum of each process's own peak, VmHWM, over the processes",
        f"alive together). Target: under {TARGET_MB / 1024:.1f} GB. The largest single processes (own peak):",
        "; ".join(f"`{command}` {mb:.0f} MB" for mb, command in largest) + ".",
        "",
        "| hostile file | size | outcome in the run record |",
        "|---|---:|---|",
        *rows,
        "",
    ])
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
