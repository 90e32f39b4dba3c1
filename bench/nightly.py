"""Benchmark of ``fazhi nightly`` against the sample mirror grown to N articles (default 500).

Three runs of the real command (``fazhi nightly`` as a subprocess, so Python
start-up counts, as it does under cron), each timed wall-clock and in CPU seconds
(user + system of the command and its children: on a shared machine the wall time
follows the load, the CPU time much less), with the load average before it and the
HTTP requests the mirror answered:

1. first run: scrape everything, read the files' text (the ``extract`` step),
   build, index, publish;
2. no-change run: the scrape finds nothing new, no file is read again, the
   fingerprint matches, nothing is rebuilt (target: 5 s or less for 500 articles);
3. a run after 10 new articles appear upstream, each with a DOCX of its own.

Then, on the content of run 3, a full index rebuild is timed against the
incremental update run 3 did (copy of the published index + update), which is
why the nightly job copies and updates; the published index's size is recorded. The results replace the "## Nightly"
section of bench/RESULTS.md. Everything runs in a temporary folder on 127.0.0.1.

    .venv/bin/python bench/nightly.py [--articles 500] [--new 10] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.results import RESULTS, machine, write_section  # noqa: E402
from bench.search_corpus import load_average  # noqa: E402
from fazhi.config import load_settings  # noqa: E402
from scraper.mirror import SITES, Mirror  # noqa: E402
from scraper.mirror import generator as g  # noqa: E402
from search.indexer import rebuild_index  # noqa: E402

HEADING = "## Nightly"
MAX_PAGES = 200


def grow(mirror: Mirror, total: int, seed: int) -> int:
    """Add generated articles, spread over the four sites, until the mirror holds ``total``; returns the count."""
    have = sum(len(mirror.articles(site)) for site in SITES)
    missing = max(total - have, 0)
    r = random.Random(seed)
    sites = list(SITES)
    for i, site in enumerate(sites):
        count = missing // len(sites) + (1 if i < missing % len(sites) else 0)
        for a in g.make_articles(site, count, seed + i, dt.datetime(2015, 1, 1), dt.datetime(2025, 6, 30)):
            body = g.body_html(r, [(h, list(ps)) for h, ps in a["sections"]], "plain", table=a["seq"] % 4 == 2)
            mirror.add_article(site, a["title"], body, date=a["date"], office=a["office"])
    return sum(len(mirror.articles(site)) for site in SITES)


def attachment(i: int) -> dict[str, str]:
    """A DOCX of its own for the i-th new article: the mirror serves a Word document with text unique to its path."""
    return {"name": f"行政处罚决定书{i + 1}.docx", "path": f"/doc/ucap/bench/{i + 1}/decision-{i + 1}.docx"}


def nightly_command(mirror: Mirror, base: Path, concurrency: int) -> list[str]:
    """The real ``fazhi nightly`` over the grown mirror, with content, state, releases, site and index under ``base`` and its
    fazhi.yml written there."""
    defaults = load_settings(REPO / "fazhi.yml")
    # The real column pages are short; the grown mirror needs more list pages than fazhi.yml allows.
    defaults = replace(defaults, sources=tuple(replace(s, max_pages=MAX_PAGES) for s in defaults.sources),
                       fetch=replace(defaults.fetch, concurrency=concurrency))
    config = mirror.write_config(base / "fazhi.yml", content=base / "content", state=base / "state", settings=defaults)
    return [str(Path(sys.executable).with_name("fazhi")), "nightly", "--no-progress", "--config", str(config), "--mkdocs-config",
            str(REPO / "mkdocs.yml"), "--releases", str(base / "releases"), "--site", str(base / "site"), "--index", str(base / "index")]


def run(command: list[str], mirror: Mirror, latest: Path) -> dict[str, Any]:
    """Run the nightly command once; wall time, mirror requests, exit code and the run report."""
    mirror.clear_log()
    load = load_average()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 3):
        sys.exit(f"nightly failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    report = json.loads(latest.read_text("utf-8"))
    print(proc.stdout, flush=True)
    answered = mirror.requests()
    not_modified = sum(1 for r in answered if r.status == 304)
    return {"seconds": seconds, "cpu": cpu, "load": load, "requests": len(answered), "not_modified": not_modified, "exit": proc.returncode,
            "report": report}


def section(results: list[tuple[str, dict[str, Any]]], total: int, staff: int, rebuild: float, index_mb: float, concurrency: int,
            command: str) -> str:
    steps = ("scrape", "guard", "validate", "extract", "verify", "fingerprint", "build", "index", "publish")
    lines = [
        HEADING,
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()} (a machine shared with other work, so times vary).",
        f"Command: `{command}`",
        "",
        f"The sample mirror grown to {total} articles over its four platforms (fetch delay 0, concurrency {concurrency}, max_pages",
        f"raised to {MAX_PAGES}), plus {staff} staff articles from docs/. Each run is the real `fazhi nightly` command",
        "(Python start-up included); requests are those the mirror answered during the run; step times come from the",
        "run report. The mirror's file-only articles and every new article's DOCX put text read from files in the index.",
        "",
        "| run | wall time | CPU time | load average before | requests (of which 304) | outcome | " + " | ".join(steps) + " |",
        "|---|---:|---:|---|---:|---|" + "---:|" * len(steps),
    ]
    for label, r in results:
        timings = r["report"]["timings"]
        cells = " | ".join(f"{timings[s]:.2f} s" if s in timings else "—" for s in steps)
        requests = f"{r['requests']} ({r['not_modified']})"
        lines.append(f"| {label} | {r['seconds']:.2f} s | {r['cpu']:.2f} s | {r['load']} | {requests} | {r['report']['status']} "
                     f"(exit {r['exit']}) | {cells} |")
    incremental = results[-1][1]["report"]["timings"].get("index")
    quiet = results[1][1]
    seen = quiet["report"]  # the record's sections are top-level keys
    lines += [
        "",
        f"No-change run: {quiet['report']['timings']['scrape']:.2f} s of the {quiet['seconds']:.2f} s are the scrape (one conditional"
        " request per archived article); the rest is start-up, validation and the fingerprint.",
        f"Its extract step saw {seen['extract_seen']} files and read {seen['extract_read']} ({seen['extract_from_cache']} already read).",
        f"Index after 10 new articles: copy of the published index + incremental update {incremental:.2f} s,"
        f" full rebuild of the same {total + staff + 10} articles {rebuild:.2f} s; the published index {index_mb:.1f} MB.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="articles on the mirror (default 500)")
    parser.add_argument("--new", type=int, default=10, help="articles added before the third run (default 10)")
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight per host (default 2, as in fazhi.yml)")
    parser.add_argument("--no-write", action="store_true", help="print the results instead of updating bench/RESULTS.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fazhi-bench-nightly-") as tmp:
        base = Path(tmp)
        shutil.copytree(REPO / "docs", base / "content")
        with Mirror(base / "mirror") as mirror:
            total = grow(mirror, args.articles, seed=4242)
            command = nightly_command(mirror, base, args.concurrency)
            latest = base / "state" / "reports" / "latest.json"
            results = []
            for label in ("first run", "no-change run"):
                results.append((label, run(command, mirror, latest)))
                print(f"{label}: {results[-1][1]['seconds']:.2f} s, {results[-1][1]['requests']} requests", flush=True)
            for i in range(args.new):
                site = list(SITES)[i % len(SITES)]
                body = f"<p>基准测试新增的第{i + 1}篇文章正文：某县生态环境局依法查处一起违法排放污水案件，责令改正并处罚款。</p>"
                mirror.add_article(site, f"夜间基准新增文章第{i + 1}篇：生态环境执法通报", body,
                                   date=f"2025-11-{1 + i % 28:02d} 09:{i % 60:02d}", files=[attachment(i)])
            results.append((f"{args.new} new articles", run(command, mirror, latest)))
            print(f"{results[-1][0]}: {results[-1][1]['seconds']:.2f} s, {results[-1][1]['requests']} requests", flush=True)
        published = base / "releases" / "current" / "index"
        index_mb = sum(f.stat().st_size for f in published.rglob("*") if f.is_file()) / 1024 / 1024
        staff = results[0][1]["report"]["articles"] - total
        start = time.perf_counter()
        rebuild_index(base / "content", base / "rebuilt-index")
        rebuild = time.perf_counter() - start
    shown = f".venv/bin/python bench/nightly.py --articles {args.articles} --new {args.new} --concurrency {args.concurrency}"
    text = section(results, total, staff, rebuild, index_mb, args.concurrency, shown)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"updated {RESULTS}")


if __name__ == "__main__":
    main()
