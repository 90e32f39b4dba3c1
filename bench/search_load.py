"""Search under load: N concurrent clients against a real `fazhi serve` on 127.0.0.1, with the STARD questions.

For each corpus (the 3,475 LawRefBook documents as law documents at their levels,
as bench/search_quality.py scores them, and the 64,666-article national split as
articles; bench/search_corpus.py builds both) the index is written with the
product's schema and writer, a tiny static site is put beside it, and `fazhi serve
--port 0` is started as its own process (worker pool, result cache and all).
Each scenario starts a fresh server, so no answer comes from an earlier
scenario's cache, and hands out every STARD question at most once:

- one client alone: the first ``--single`` questions, one after the other;
- ``--clients`` clients (default 20) in a closed loop sharing the 1,543 questions;
- the same while ``--heavy`` extra clients (default 8) keep over-budget searches
  in flight the whole time: eight quoted phrases each that cut across word
  boundaries, so every phrase is checked in the stored text of thousands of
  documents. Their answers (503 past the budget) are counted apart.

Clients talk to 127.0.0.1 only, are bounded in number (at most MAX_CLIENTS) and
each has one request in flight. Reported: throughput, p50/p95/max latency and
the answers by status, with the load average before and after.

    .venv/bin/python bench/search_load.py --write
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.results import machine, write_section
from bench.search_corpus import git_revision, law_documents, load_average, questions, split_articles, write_law_index
from fazhi.config import Settings, default_paths
from search.indexer import sync_articles
from tests.fixtures.served import serve_process

MAX_CLIENTS = 64
HEAVY = [
    '"民法院依" "政府应当" "位应当" "关规定的" "门依法" "上人民" "国家规" "本法规"',
    '"的规定" "人应当" "院规定" "部门应" "法律规" "关部门" "有关规" "当依法"',
    '"法规定" "政部门" "府有关" "民政府" "应当依" "依照本" "由国务" "条规定"',
    '"务院规" "上地方" "法律责" "任追究" "构应当" "位和个" "人不得" "国家鼓"',
]


@dataclass
class Tally:
    """Latencies (ms) and statuses of one group of clients."""

    times: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, status: int) -> None:
        with self.lock:
            self.times.append(ms)
            self.statuses[status] += 1

    def summary(self, seconds: float) -> dict[str, float | str]:
        ordered = sorted(self.times) or [0.0]
        return {
            "queries": len(self.times), "qps": len(self.times) / seconds if seconds else 0.0,
            "p50": statistics.median(ordered), "p95": ordered[int(0.95 * (len(ordered) - 1))], "max": ordered[-1],
            "statuses": ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())),
        }


@contextlib.contextmanager
def server(index: Path, work: Path) -> Iterator[str]:
    """A fresh `fazhi serve --port 0` over ``index`` and a one-page site (tests/fixtures/served.py starts it); yields its URL."""
    settings = Settings(paths=default_paths(work)).with_paths(index=index, site=work / "site")
    settings.paths.site.mkdir(exist_ok=True)
    (settings.paths.site / "index.html").write_text("<!doctype html><title>fazhi</title>\n", "utf-8")
    with serve_process(settings, work / "serve.log") as running:
        yield running.url.rstrip("/")


def client(url: str, texts: list[str], next_index: Iterator[int], tally: Tally, stop: threading.Event, kind: str | None = None) -> None:
    """One closed-loop client: take the next question, ask (of ``kind`` only, when given), record, until the questions or
    the time run out."""
    with httpx.Client(base_url=url, timeout=60) as http:
        while not stop.is_set():
            try:
                text = texts[next(next_index)]
            except (StopIteration, IndexError):
                return
            started = time.perf_counter()
            try:
                status = http.get("/api/search", params={"q": text, **({"kind": kind} if kind else {})}).status_code
            except httpx.HTTPError:
                status = 0
            tally.add((time.perf_counter() - started) * 1000, status)


def scenario(
    url: str, texts: list[str], clients: int, heavy: int, kind: str | None = None,
) -> tuple[dict[str, float | str], dict[str, float | str] | None]:
    """Run ``clients`` clients over ``texts`` (each question once) with ``heavy`` over-budget clients alongside."""
    assert clients + heavy <= MAX_CLIENTS
    counter = iter(range(len(texts)))
    lock = threading.Lock()

    def shared() -> Iterator[int]:
        while True:
            with lock:
                value = next(counter, None)
            if value is None:
                return
            yield value

    tally, slow, stop = Tally(), Tally(), threading.Event()
    heavy_texts = HEAVY * 10_000
    workers = [threading.Thread(target=client, args=(url, texts, shared(), tally, stop, kind)) for _ in range(clients)]
    hogs = [threading.Thread(target=client, args=(url, heavy_texts, iter(range(n, len(heavy_texts), heavy)), slow, stop))
            for n in range(heavy)]
    for thread in hogs:
        thread.start()
    if hogs:
        time.sleep(1.0)  # the over-budget searches are in flight before the measured clients start
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    seconds = time.perf_counter() - started
    stop.set()
    for thread in hogs:
        thread.join()
    return tally.summary(seconds), slow.summary(seconds) if hogs else None


def measure(name: str, index: Path, work: Path, texts: list[str], args: argparse.Namespace) -> list[str]:
    rows = []
    runs = [("1 client", texts[: args.single], 1, 0), (f"{args.clients} clients", texts, args.clients, 0),
            (f"{args.clients} clients + {args.heavy} over-budget in flight", texts, args.clients, args.heavy)]
    for label, chosen, clients, heavy in runs:
        before = load_average()
        with server(index, work) as url:
            result, slow = scenario(url, chosen, clients, heavy, args.kind)
        after = load_average()
        line = (f"| {name} | {label} | {result['queries']} | {result['qps']:.1f} | {result['p50']:.0f} | {result['p95']:.0f} |"
                f" {result['max']:.0f} | {result['statuses']} | {before} → {after} |")
        if slow:
            line += f" over-budget: {slow['queries']} answered ({slow['statuses']}), p50 {slow['p50']:.0f} ms |"
        else:
            line += " |"
        print(line, flush=True)
        rows.append(line)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--heavy", type=int, default=8)
    ap.add_argument("--single", type=int, default=400, help="questions asked by the lone client")
    ap.add_argument("--questions", type=int, help="use only the first N STARD questions (quick runs)")
    ap.add_argument("--split-limit", type=int, help="index only the first N articles of the 64,666 split")
    ap.add_argument("--only", choices=["laws", "split"], help="one corpus only")
    ap.add_argument("--index", type=Path, help="reuse this index of the 3,475 documents instead of building one")
    ap.add_argument("--kind", help="ask every question of this kind only (provisions: the article units of an index holding them)")
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    args = ap.parse_args()
    texts = [q for _, q in questions()][: args.questions]
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fazhi-load-") as tmp:
        work = Path(tmp)
        if args.only != "split":
            index = args.index
            if index is None:
                index = work / "laws-index"
                write_law_index(law_documents(), index)
            rows += measure("3,475 documents", index, work, texts, args)
        if args.only != "laws":
            index = work / "split-index"
            sync_articles(split_articles(args.split_limit), index)
            count = args.split_limit or 64_666
            rows += measure(f"{count:,} articles", index, work, texts, args)
            shutil.rmtree(index, ignore_errors=True)
    if args.write:
        table = "\n".join(rows)
        corpus = {"laws": ": 3,475 documents", "split": ": national split"}.get(args.only or "", "")
        write_section(f"""## Search under load{corpus}

Measured {dt.date.today().isoformat()} at revision {git_revision()} on: {machine()}
({os.cpu_count()} cores, shared with other work: the load average before → after each scenario is in the table).
A real `fazhi serve --port 0` on 127.0.0.1 (one uvicorn process, searches in one worker process per core
plus a slow lane at nice 19, results cached per index generation), restarted for every scenario so no
answer comes from an earlier scenario's cache. Clients are threads in the benchmark process, each with one
request in flight, sharing the 1,543 STARD questions (each asked once; the lone client asks the first
{args.single}). The over-budget clients repeat four queries of eight quoted phrases that cut across word
boundaries (every phrase checked in the stored text of thousands of documents).

| corpus | scenario | queries | queries/s | p50 ms | p95 ms | max ms | answers | load average | over-budget clients |
|---|---|---|---|---|---|---|---|---|---|
{table}

Targets at 3,475 documents: one client p95 ≤ 60 ms; 20 clients ≥ 60 queries/s, p95 ≤ 600 ms, no error;
with 8 over-budget searches in flight, p95 within 1.3× of the 20-client p95.

Command: `.venv/bin/python bench/search_load.py --write`
""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
