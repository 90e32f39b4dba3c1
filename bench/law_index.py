"""The law library in the search index: how long the real 3,475-file LawRefBook library takes to index.

Steps, each timed (wall and CPU, with the load average, as the machine may be shared):

1. ``fazhi.law.library.load_library`` reads the library (``$FAZHI_SHARED``/corpora/lawrefbook/data);
2. ``search.law_documents.law_documents`` makes one index document per law (the version in force today);
3. ``sync_articles`` writes them into a new index (``fazhi index --rebuild`` with an empty content tree:
   the law documents alone), then the same call again with nothing changed (what every ``fazhi index``
   and nightly pays for the library), then after one law's file changed;
4. ``search.verify.verify_articles`` compares the index with the library (``fazhi index --verify``);
5. a query naming an article (民法典第一千二百六十条): the first search of a process reads the
   library, later ones do not.

    FAZHI_SHARED=/work/shared .venv/bin/python bench/law_index.py [--write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.results import machine, write_section
from bench.search_corpus import LAWS, dir_size, git_revision, load_average
from fazhi.law.library import load_library
from search.indexer import sync_articles
from search.law_documents import law_documents
from search.query import SearchRequest, search
from search.verify import verify_articles

T = TypeVar("T")
QUERY = "民法典第一千二百六十条"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(step: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds of this process and its writer processes)."""
    cpu, kids, started = time.process_time(), children_cpu(), time.perf_counter()
    result = step()
    return result, time.perf_counter() - started, time.process_time() - cpu + children_cpu() - kids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    args = ap.parse_args()
    if not LAWS.is_dir():
        raise SystemExit(f"the LawRefBook library is not at {LAWS} (set FAZHI_SHARED)")
    rows: list[tuple[str, str]] = []

    def row(what: str, wall: float, cpu: float, extra: str = "") -> None:
        rows.append((what, f"{wall:.2f} s wall, {cpu:.2f} s CPU{extra}"))
        print(f"{what}: {rows[-1][1]}", flush=True)

    start_load = load_average()
    library, wall, cpu = timed(lambda: load_library(LAWS))
    row(f"read the library: {library.files:,} files, {len(library.laws):,} laws (`load_library`)", wall, cpu)
    docs, wall, cpu = timed(lambda: law_documents(library))
    chars = sum(len(doc.text) for doc in docs)
    row(f"make the {len(docs):,} law documents ({chars / 1e6:.1f} million characters; `law_documents`)", wall, cpu)
    with tempfile.TemporaryDirectory(prefix="fazhi-laws-") as tmp:
        index = Path(tmp) / "index"
        stats, wall, cpu = timed(lambda: sync_articles([], index, rebuild=True, laws=docs))
        row(f"write them into a new index (`sync_articles`, {stats.documents:,} documents)", wall, cpu,
            f"; {dir_size(Path(stats.directory)) / 2**20:.0f} MB")
        stats, wall, cpu = timed(lambda: sync_articles([], index, laws=docs))
        assert stats.unchanged == len(docs), stats
        row("update with nothing changed (fingerprints compared)", wall, cpu)
        edited = load_library(LAWS)
        target = edited.laws["民法典"].current()
        target.articles[-1] = type(target.articles[-1])(target.articles[-1].no, (*target.articles[-1].paragraphs, "（修改说明）"))
        changed = law_documents(edited)
        stats, wall, cpu = timed(lambda: sync_articles([], index, laws=changed))
        assert (stats.updated, stats.added, stats.removed) == (1, 0, 0), stats
        row("update after one law (民法典, 1,260 articles) changed", wall, cpu)
        verification, wall, cpu = timed(lambda: verify_articles([], index, changed))
        assert verification.ok, verification.summary
        row("verify the index against the library (`verify_articles`)", wall, cpu)
        first, wall, cpu = timed(lambda: search(index, SearchRequest(q=QUERY), library=LAWS, budget=60))
        assert first.law is not None and first.law.article is not None and first.law.article.anchor == "a1260", first.law
        row(f"first search naming an article ({QUERY}: reads the library once per process)", wall, cpu)
        _, wall, cpu = timed(lambda: search(index, SearchRequest(q=QUERY, page=2), library=LAWS))
        row("the next such search", wall, cpu)
    end_load = load_average()
    print(f"load average {start_load} -> {end_load}")
    if args.write:
        table = "\n".join(f"| {what} | {result} |" for what, result in rows)
        write_section(f"""## Law documents in the search index

Measured {dt.date.today().isoformat()} at revision {git_revision()} on: {machine()}.
The machine is shared: load average {start_load} at the start, {end_load} at the end (`uptime`); with
other work on the cores the wall times are longer than on an idle machine, the CPU times are not.

The real LawRefBook library (`../shared/corpora/lawrefbook/data`), each law's version in force today as one
document of kind `laws` (issue 11, item 5). The index here holds the law documents alone; `fazhi index`
adds them to the archive's articles in the same run. Writing every law document is the cost of a
rebuild only (`fazhi index --rebuild`, a schema change, a repair): the documents are long (18 million
characters), so it costs about the CPU time of the index build of the same laws as articles (see "Index build").
An ordinary night compares fingerprints and writes only the laws whose text or version in force changed.

| step | time |
|---|---|
{table}

Command: `FAZHI_SHARED=/work/shared .venv/bin/python bench/law_index.py --write`
""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
