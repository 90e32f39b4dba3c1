"""Search under load: N concurrent clients against a real `fazhi serve` on 127.0.0.1, with the STARD questions.

For each corpus (the 3,475 LawRefBook documents as law documents at their levels,
as bench/search_quality.py scores them, and the 64,666-article national split as
articles; bench/search_corpus.py builds both) the index is written with the
product's schema and writer, a tiny static site is put beside it, and `fazhi serve
--port 0` is started as its own process (worker pool, result cache and all).
Each scenario starts a fresh server, so no answer comes from an earlier
scenario's cache, waits ``--settle`` seconds (its search workers decode the
index's longest posting lists while idle, as a server that has been up a while
has done), and hands out every STARD question at most once:

- one client alone: the first ``--single`` questions, one after the other;
- ``--clients`` clients (default 20) in a closed loop sharing the 1,543 questions;
- the same while ``--heavy`` extra clients (default 8) keep over-budget searches
  in flight the whole time: eight quoted phrases each that cut across word
  boundaries, so every phrase is checked in the stored text of thousands of
  documents. Their answers (503 past the budget) are counted apart.

Clients talk to 127.0.0.1 only, are bounded in number (at most MAX_CLIENTS) and
each has one request in flight. Reported: throughput, p50/p95/max latency and
the answers by status, with the load average before and after.

With ``--file-text N`` the split's articles carry text read from files, as the
nightly job indexes it (``files``, ``files_bigram``, ``file_parts``): every Nth
article has an attachment, ``汇编.pdf``, whose pages are the texts of the next
``PAGES`` articles, so at N = 10 the index holds about as much file text as
article text. The index is also built without that text, for its size only; the
results go to a section of their own.

    .venv/bin/python bench/search_load.py --write
    .venv/bin/python bench/search_load.py --only split --file-text 10 --write
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.results import machine, write_section
from bench.search_corpus import dir_size, git_revision, law_documents, load_average, questions, split_articles, write_law_index
from fazhi.article import Article, article_path
from fazhi.config import Settings, default_paths
from fazhi.file_text import FileText
from search.indexer import sync_articles
from tests.fixtures.served import serve_process

MAX_CLIENTS = 64
# Pages of the compilation an article carries with ``--file-text``: the texts of the articles that follow it.
PAGES = 10
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
    """One closed-loop client on one kept-alive connection: take the next question, ask (of ``kind`` only, when given),
    record, until the questions or the time run out.

    The standard library's client: the clients share the server's two cores, and httpx took about 3.2 ms of CPU per
    request there, twice uvicorn's own handling of it; this one takes 0.4 ms, so the cores go to the server.
    """
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=60)
    try:
        while not stop.is_set():
            try:
                text = texts[next(next_index)]
            except (StopIteration, IndexError):
                return
            started = time.perf_counter()
            try:
                connection.request("GET", "/api/search?" + urlencode({"q": text, **({"kind": kind} if kind else {})}))
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()  # the next request opens a new connection
                status = 0
            tally.add((time.perf_counter() - started) * 1000, status)
    finally:
        connection.close()


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


def with_file_texts(articles: list[Article], every: int) -> tuple[list[Article], dict[str, list[FileText]]]:
    """The articles with their paths, and every ``every``-th one's attachment: the next ``PAGES`` articles' texts, a page each."""
    placed = [replace(a, path=article_path(a.column, a.date, a.slug)) for a in articles]
    files = {
        article.path.as_posix(): [FileText("汇编.pdf", "attachment", page, later.body, "ok")
                                  for page, later in enumerate(placed[n + 1: n + 1 + PAGES], 1)]
        for n, article in enumerate(placed) if n % every == 0 and article.path is not None
    }
    return placed, files


def measure(name: str, index: Path, work: Path, texts: list[str], args: argparse.Namespace) -> list[str]:
    rows = []
    runs = [("1 client", texts[: args.single], 1, 0), (f"{args.clients} clients", texts, args.clients, 0),
            (f"{args.clients} clients + {args.heavy} over-budget in flight", texts, args.clients, args.heavy)]
    for label, chosen, clients, heavy in runs:
        before = load_average()
        with server(index, work) as url:
            time.sleep(args.settle)
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
    ap.add_argument("--file-text", type=int, metavar="N", help="every Nth article of the split carries text read from an attachment")
    ap.add_argument("--kind", help="ask every question of this kind only (provisions: the article units of an index holding them)")
    ap.add_argument("--settle", type=float, default=0.0,
                    help="seconds a fresh server idles before the clients start, its workers warming the index (default 0)")
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    args = ap.parse_args()
    texts = [q for _, q in questions()][: args.questions]
    rows: list[str] = []
    sizes = ""
    command = "".join(f" --{k.replace('_', '-')} {v}" for k, v in vars(args).items() if v not in (None, False) and k in
                      ("only", "file_text", "split_limit", "questions", "settle")) + " --write"
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
            count = args.split_limit or 64_666
            name = f"{count:,} articles"
            if args.file_text:
                articles, files = with_file_texts(list(split_articles(args.split_limit)), args.file_text)
                sync_articles(articles, work / "plain-index")
                plain_mb = dir_size(work / "plain-index") / 2**20
                shutil.rmtree(work / "plain-index", ignore_errors=True)
                sync_articles(articles, index, files=files)
                pages = sum(len(texts) for texts in files.values())
                file_chars, body_chars = sum(len(t.text) for ts in files.values() for t in ts), sum(len(a.body) for a in articles)
                name += " + file text"
                sizes = (f"\nIndex size: {dir_size(index) / 2**20:.0f} MB with the text read from files, {plain_mb:.0f} MB without it "
                         f"(the same articles). {len(files):,} articles carry an attachment of {PAGES} pages ({pages:,} pages, "
                         f"{file_chars / 1e6:.1f} M characters of file text beside {body_chars / 1e6:.1f} M of article text).\n")
            else:
                sync_articles(split_articles(args.split_limit), index)
            rows += measure(name, index, work, texts, args)
            shutil.rmtree(index, ignore_errors=True)
    if args.write:
        table = "\n".join(rows)
        corpus = {"laws": ": 3,475 documents", "split": ": national split"}.get(args.only or "", "")
        corpus += ", with text read from files" if args.file_text else ""
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
{sizes}
Command: `.venv/bin/python bench/search_load.py{command}`
""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
