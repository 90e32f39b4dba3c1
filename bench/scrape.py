"""Scraper throughput against the sample mirror, and what a no-change re-run costs.

Starts a mirror on 127.0.0.1 (its fictional data, optionally grown with ``--extra``
articles per site), scrapes every source with delays off (robots.txt, retries,
conditional requests and the raw page store all on), then scrapes again without any
upstream change. Reports articles/s of the first run and the requests, 304 answers
and files written by the re-run; writes them into the "## Scrape" section of
bench/RESULTS.md (``--no-write`` only prints).

    .venv/bin/python bench/scrape.py [--extra 100] [--concurrency 2] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.results import machine, write_section  # noqa: E402
from fazhi.config import Settings, default_paths  # noqa: E402
from scraper.mirror import SITES, Mirror  # noqa: E402
from scraper.run import scrape  # noqa: E402


def grow(mirror: Mirror, extra: int) -> None:
    """Add ``extra`` articles to every site by copying existing ones under new ids and dates."""
    for site in SITES:
        base = [a for a in mirror.articles(site) if not a["flags"]]
        for i in range(extra):
            model = base[i % len(base)]
            when = dt.datetime(2015, 1, 1) + dt.timedelta(hours=37 * i + 11)
            mirror.add_article(site, f"{model['title']}（续{i + 1}）", model["body"], date=when.strftime("%Y-%m-%d %H:%M"),
                               office=model["office"], files=model["files"], images=model["images"])


def files_in(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def run(extra: int, concurrency: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as tmp, Mirror(Path(tmp) / "mirror") as mirror:
        grow(mirror, extra)
        settings = mirror.settings(Settings(paths=default_paths(Path(tmp))))
        settings = replace(settings, fetch=replace(settings.fetch, concurrency=concurrency),
                           sources=tuple(replace(s, max_pages=1000) for s in settings.sources))  # grown lists are longer
        started = time.perf_counter()
        first = scrape(settings)
        first_seconds = time.perf_counter() - started
        written = files_in(settings.paths.content)
        mirror.clear_log()
        started = time.perf_counter()
        second = scrape(settings)
        second_seconds = time.perf_counter() - started
        after = files_in(settings.paths.content)
        articles = sum(s.new for s in first.sources)
        return {
            "sources": len(first.sources),
            "articles": articles,
            "first_seconds": first_seconds,
            "articles_per_second": articles / first_seconds,
            "first_requests": sum(s.requests for s in first.sources),
            "rerun_seconds": second_seconds,
            "rerun_requests": sum(s.requests for s in second.sources),
            "rerun_304": sum(s.not_modified for s in second.sources),
            "rerun_posts": len(mirror.requests(method="POST")),
            "rerun_unchanged": sum(s.unchanged for s in second.sources),
            "rerun_files_written": sum(1 for p, m in after.items() if written.get(p) != m),
            "status": sorted({s.status for s in first.sources} | {s.status for s in second.sources}),
        }


def section(results: list[tuple[int, dict[str, object]]], command: str, concurrency: int) -> str:
    lines = [
        "## Scrape",
        "",
        f"- Date: {dt.date.today().isoformat()}",
        f"- Machine: {machine()} (shared with other work while measuring)",
        f"- Command: `{command}`",
        f"- Setup: sample mirror on 127.0.0.1, all {results[0][1]['sources']} sources, fetch.delay 0, concurrency {concurrency}, "
        "robots.txt, retries, raw page store and conditional requests on.",
        "",
        "| articles | first run (s) | articles/s | requests | re-run (s) | re-run requests | of which 304 | re-run POSTs "
        "| files written by re-run |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _, r in results:
        lines.append(f"| {r['articles']} | {r['first_seconds']:.1f} | {r['articles_per_second']:.1f} | {r['first_requests']} | "
                     f"{r['rerun_seconds']:.1f} | {r['rerun_requests']} | {r['rerun_304']} | {r['rerun_posts']} | "
                     f"{r['rerun_files_written']} |")
    lines += [
        "",
        "A re-run with no upstream change asks every list and article page conditionally (304 from the mirror), "
        "re-posts the list queries (queryList, dataproxy.jsp: POST answers carry no validators), fetches robots.txt "
        "once per host, downloads no attachment again and writes no file. Requests above the 304s are those POSTs, "
        "the robots.txt fetches and one image the mirror deliberately lacks (retried each run, reported).",
        "",
        "Sources on different hosts run at once (per-host delay and concurrency limits unchanged); an article whose "
        "list entry, page bytes, source settings and extraction code are those of the file it last wrote, with the "
        "file and its assets untouched, is not parsed again (scraper/run.py); the state database commits once per "
        "source in WAL mode with synchronous=NORMAL.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extra", type=int, nargs="*", default=[0, 100], help="extra articles per site (one run per value)")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    results = []
    for extra in args.extra:
        result = run(extra, args.concurrency)
        print(f"extra={extra}: {result}")
        if result["rerun_files_written"] or result["status"] != ["ok"]:
            raise SystemExit(f"unexpected: {result}")
        results.append((extra, result))
    command = "python bench/scrape.py " + " ".join(sys.argv[1:])
    text = section(results, command.strip(), args.concurrency)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
