"""Held out of everything: 30 everyday questions of our own (tests/search/everyday_questions.jsonl) on the LawRefBook library.

Each question is asked as ``fazhi search --kind laws`` asks it (``search.query.search`` with ``kind=laws``) over
an index of the whole library's law documents, built as ``fazhi index`` builds them (``search.law_documents``).
A question counts as found when one of the laws that answer it is among the first 10 hits. The column
"right article in the card" stays "n/a" until search answers with statute articles: it is then the share of
questions whose answer card holds one of the listed articles. ``--write`` puts the table into bench/RESULTS.md.

    .venv/bin/python bench/everyday_questions.py --write [--index DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.results import machine, write_section
from bench.search_corpus import LAWS, git_revision, load_average
from fazhi.law.library import load_library
from search.indexer import current_generation, sync_articles
from search.law_documents import law_document_id, law_documents
from search.query import SearchRequest, search

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "search" / "everyday_questions.jsonl"
CUTOFF = 10


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    ap.add_argument("--index", type=Path, help="an index of the library's law documents to use (built there when absent)")
    args = ap.parse_args()
    load_start = load_average()
    questions = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    index = args.index or Path(tempfile.mkdtemp(prefix="fazhi-everyday-")) / "index"
    if current_generation(index) is None:
        began = time.perf_counter()
        sync_articles([], index, laws=law_documents(load_library(LAWS)))
        print(f"indexed the library in {time.perf_counter() - began:.0f} s -> {index}", file=sys.stderr)
    by_topic: dict[str, list[bool]] = defaultdict(list)
    missed = []
    for q in questions:
        wanted = {law_document_id(a["law"]) for a in q["answers"]}
        hits = search(index, SearchRequest(q=q["question"], kind="laws", per_page=CUTOFF), library=LAWS, budget=60).hits
        found = any(hit.url in wanted for hit in hits)
        by_topic[q["topic"]].append(found)
        if not found:
            missed.append(f"{q['question']} ({'、'.join(sorted({a['law'] for a in q['answers']}))})")
    rows = [(topic, sum(results), len(results)) for topic, results in by_topic.items()]
    total = sum(found for _, found, _ in rows)
    table = ["| topic | questions | right law in the top 10 | right article in the card |", "|---|---:|---:|---:|"]
    table += [f"| {topic} | {n} | {found} | n/a |" for topic, found, n in rows]
    table.append(f"| **all** | {len(questions)} | **{total}** ({total / len(questions):.0%}) | n/a |")
    section = "\n".join([
        "## Everyday questions (held out)", "",
        f"- Revision {git_revision()}, {machine()}; load average (`uptime`) {load_start} at the start, {load_average()} at the end.",
        "- `bench/everyday_questions.py`: the 30 questions of tests/search/everyday_questions.jsonl (ours, none from STARD, no",
        "  law names) through `kind=laws` over the whole LawRefBook library's law documents; found = a law that answers it in",
        "  the top 10. The answer-card column waits for the card.", "",
        *table, "",
        "Not found in the top 10: " + ("; ".join(missed) if missed else "none") + ".",
    ])
    print(section)
    if args.write:
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
