"""Search speed among the statute article units, one search at a time: wall and CPU time per query, and where it goes.

Over an index of the laws and their article units (``bench/search_quality.py --articles --keep``), the first
``--questions`` STARD questions of the tuning half are searched one at a time through ``search.query.search``,
as ``fazhi search`` runs it, in two ways: among the units (``kind=provisions``) and as the first page of a
search of everything, which also ranks the units for the answer card; and the card's ranking of the units alone
(``search.answers.ranked_units``). The index is opened and one search run
before timing, so the figures are the queries' own. Per way: p50, p95 and mean of wall-clock and CPU
milliseconds (CPU time is what a loaded machine changes least), and how many clauses the questions make.
``--profile`` prints the functions taking the most time under cProfile. ``--warm`` first decodes the index's longest
posting lists, as a search worker of ``fazhi serve`` does while idle (``IndexView.warm``), and prints what that
took.

    .venv/bin/python bench/unit_speed.py --index /tmp/units --questions 200 [--warm] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search_corpus import load_average, questions, tuning_half
from search.answers import CARD_ARTICLES, ranked_units
from search.deadline import Deadline
from search.engine import Run
from search.query import SearchRequest, parse_query, search
from search.ranking import UNIT_RANKING
from search.searchers import open_view

WAYS = {"provisions": dict(kind="provisions"), "page": {}, "card": {}}


def timed(index: Path, texts: list[str], way: str) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each search (``card``: of the answer card's ranking of the units alone)."""
    walls, cpus = [], []
    for text in texts:
        wall, cpu = time.perf_counter(), time.process_time()
        if way == "card":
            ranked_units(open_view(index), parse_query(text), UNIT_RANKING, Deadline(60, 60), CARD_ARTICLES + 1)
        else:
            search(index, SearchRequest(q=text, **WAYS[way]), budget=60)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {statistics.median(ordered):6.1f}  p95 {p95:6.1f}  mean {statistics.fmean(ordered):6.1f}  max {ordered[-1]:6.0f}"


def clause_counts(index: Path, texts: list[str]) -> str:
    """Median clauses per question among the units: words, bigrams, related and learned terms."""
    view = open_view(index)
    counts: dict[str, list[int]] = {"words": [], "bigrams": [], "related": [], "learned": [], "all": []}
    for text in texts:
        parsed = parse_query(text)
        counts["words"].append(len(parsed.words))
        counts["bigrams"].append(len(parsed.bigrams))
        counts["related"].append(len(parsed.related))
        counts["learned"].append(len(parsed.learned))
        counts["all"].append(len(Run(view, SearchRequest(q=text, kind="provisions"), parsed, UNIT_RANKING, Deadline(60, 60)).clauses()))
    return ", ".join(f"{name} {statistics.median(values):.0f} (max {max(values)})" for name, values in counts.items())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="an index of the laws and their units")
    ap.add_argument("--questions", type=int, default=200, help="how many tuning-half questions (default 200)")
    ap.add_argument("--way", choices=(*WAYS, "all"), default="all",
                    help="among the units, the first page with its card, the card's ranking alone, or all three")
    ap.add_argument("--profile", action="store_true", help="print the 25 functions with the most own time under cProfile")
    ap.add_argument("--warm", action="store_true", help="decode the longest posting lists first, as a search worker does")
    args = ap.parse_args()
    texts = [q for qid, q in questions() if tuning_half(qid)][:args.questions]
    ways = list(WAYS) if args.way == "all" else [args.way]
    opened = time.perf_counter()
    open_view(args.index)
    print(f"index opened in {(time.perf_counter() - opened) * 1000:.0f} ms; {len(texts)} questions; load average {load_average()}")
    if args.warm:
        before, wall, cpu = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter(), time.process_time()
        open_view(args.index).warm()
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(f"warmed in {time.process_time() - cpu:.1f} s CPU, {time.perf_counter() - wall:.1f} s; resident {grown:+.0f} MiB")
    print(f"clauses per question: {clause_counts(args.index, texts)}")
    for way in ways:
        timed(args.index, texts[:1], way)
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(timed, args.index, texts, way)
            print(f"--- {way}: own time")
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            continue
        walls, cpus = timed(args.index, texts, way)
        print(f"{way:>10} wall ms: {spread(walls)}")
        print(f"{way:>10}  CPU ms: {spread(cpus)}  (load average {load_average()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
