"""Search speed: index build, incremental update and query latency, on the product's own code.

1. The 3,475 LawRefBook documents are written as an article content tree in a
   temp dir and indexed with ``search.indexer.update_index`` (what ``fazhi
   index`` runs: load and validate the tree, fingerprint, write): time and size.
2. Ten of those articles get a changed body; ``update_index`` again: time.
3. Query latency of ``search.query.search`` (snippets and facets included) for
   every STARD question, one process, in order: p50, p95, max, and the first
   query after opening the index.
4. The same latency on the 64,666-article national split, indexed with
   ``search.indexer.sync_articles`` (no content tree for 64,666 folders).

    .venv/bin/python bench/search_speed.py --write
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.results import machine, write_section
from bench.search_corpus import (
    dir_size,
    git_revision,
    law_articles,
    law_documents,
    load_average,
    questions,
    split_articles,
)
from fazhi.errors import SearchQueryError
from search.indexer import sync_articles, update_index
from search.query import SearchRequest, search
from tests.fixtures.search import write_tree

CHANGED = 10


def latency(index: Path, texts: list[str]) -> dict[str, float]:
    """Milliseconds per search: the first (opens the index), then p50/p95/max over all of them."""
    times = []
    errors = 0
    for text in texts:
        started = time.perf_counter()
        try:
            search(index, SearchRequest(q=text))
        except SearchQueryError:
            errors += 1
        times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times)
    return {
        "first": times[0], "p50": statistics.median(ordered), "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "max": ordered[-1], "queries": len(times), "errors": errors,
    }


def spread(measured: dict[str, float]) -> str:
    return f"p50 {measured['p50']:.1f} ms, p95 {measured['p95']:.1f} ms, max {measured['max']:.0f} ms"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    ap.add_argument("--split-limit", type=int, help="index only the first N articles of the 64,666 split (quick runs)")
    args = ap.parse_args()

    texts = [q for _, q in questions()]
    rows: dict[str, str] = {"load": load_average()}
    with tempfile.TemporaryDirectory(prefix="fazhi-speed-") as tmp:
        work = Path(tmp)
        articles, _ = law_articles(law_documents())
        content, index = work / "content", work / "index"
        write_tree(content, articles)

        started = time.perf_counter()
        stats = update_index(content, index)
        build = time.perf_counter() - started
        size = dir_size(Path(stats.directory))
        print(f"laws: {stats.documents} articles indexed in {build:.1f} s, {size / 2**20:.0f} MB", flush=True)

        note = "\n\n（第{}次修订说明：本条内容已更新。）"
        changed = [dataclasses.replace(a, body=a.body + note.format(n)) for n, a in enumerate(articles[::347][:CHANGED])]
        write_tree(content, changed)
        started = time.perf_counter()
        incremental = update_index(content, index)
        update = time.perf_counter() - started
        assert (incremental.updated, incremental.added, incremental.removed) == (CHANGED, 0, 0), incremental
        print(f"laws: {CHANGED} changed articles updated in {update:.2f} s", flush=True)

        laws = latency(index, texts)
        print(f"laws: query {spread(laws)}, first {laws['first']:.0f} ms", flush=True)
        shutil.rmtree(content)
        shutil.rmtree(index)

        split_index = work / "split"
        split = list(split_articles(args.split_limit))
        started = time.perf_counter()
        split_stats = sync_articles(split, split_index)
        split_build = time.perf_counter() - started
        split_size = dir_size(Path(split_stats.directory))
        print(f"split: {split_stats.documents} articles indexed in {split_build:.1f} s, {split_size / 2**20:.0f} MB", flush=True)
        articles_latency = latency(split_index, texts)
        print(f"split: query {spread(articles_latency)}, first {articles_latency['first']:.0f} ms", flush=True)
    rows["end_load"] = load_average()
    if args.write:
        write_section(f"""## Search speed

Measured {dt.date.today().isoformat()} at revision {git_revision()} on: {machine()}.
The machine is shared: load average {rows['load']} at the start, {rows['end_load']} at the end.
Every number is the product's code path (`search.indexer`, `search.query.search` with snippets and
facets); times are wall-clock. The index is written by two processes (Whoosh's multi-segment writer).

| what | result | target |
|---|---|---|
| index build, 3,475 LawRefBook documents (20.1 M characters) as a content tree | {build:.1f} s, {size / 2**20:.0f} MB | ≤ 30 s |
| incremental update, {CHANGED} changed articles of 3,475 (load and validate the tree, fingerprint, write) | {update:.2f} s | ≤ 2 s |
| query latency, {laws['queries']} STARD questions, 3,475 documents | {spread(laws)} | |
| first query after opening that index | {laws['first']:.0f} ms | |
| index build, {split_stats.documents:,}-article national split (`sync_articles`) | {split_build:.1f} s, {split_size / 2**20:.0f} MB | |
| query latency, STARD questions, {split_stats.documents:,} articles | {spread(articles_latency)} | p95 ≤ 100 ms |
| first query after opening that index | {articles_latency['first']:.0f} ms | |

For comparison, Whoosh with jieba's ChineseAnalyzer (one text field, no bigrams) takes 109 to 114 s to index
the 3,475 documents on this machine (bench/search_quality.py times it in every run). Most of our remaining
build time is Whoosh's pure-Python posting writer: 1.4 million postings per 3.3 million characters, two
thirds of them from the bigram fields.

Command: `.venv/bin/python bench/search_speed.py --write`
""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
