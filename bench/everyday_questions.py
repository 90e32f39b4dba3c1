"""Held out of everything: 30 everyday questions of our own (tests/search/everyday_questions.jsonl) on the LawRefBook library.

Each question is asked as ``fazhi search --kind laws`` asks it (``search.query.search`` with ``kind=laws``) over
an index of the whole library's law documents and article units, built as ``fazhi index`` builds them
(``search.law_documents.library_documents``). A question counts as found when one of the laws that answer it is
among the first 10 hits. It is then asked as a search of everything (no kind), as the site's search page asks it:
"right article in the card" counts the questions whose answer card (``search.answers``) holds one of the listed
articles. ``--write`` puts the table into bench/RESULTS.md.

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
from fazhi.law.numerals import ArticleNo
from search.indexer import current_generation, sync_articles
from search.law_documents import law_document_id, library_documents, unit_id
from search.query import SearchRequest, search
from search.ranking import DEFAULT_RANKING

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "search" / "everyday_questions.jsonl"
CUTOFF = 10


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    ap.add_argument("--index", type=Path, help="an index of the library's laws and article units to use (built there when absent)")
    args = ap.parse_args()
    load_start = load_average()
    questions = [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]
    index = args.index or Path(tempfile.mkdtemp(prefix="fazhi-everyday-")) / "index"
    if current_generation(index) is None:
        began = time.perf_counter()
        sync_articles([], index, laws=library_documents(LAWS))
        print(f"indexed the library in {time.perf_counter() - began:.0f} s -> {index}", file=sys.stderr)
    by_topic: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    missed, cards = [], 0
    for q in questions:
        wanted = {law_document_id(a["law"]) for a in q["answers"]}
        articles = {f"/{unit_id(a['law'], ArticleNo(a['article']))}" for a in q["answers"]}
        hits = search(index, SearchRequest(q=q["question"], kind="laws", per_page=CUTOFF), library=LAWS, budget=60).hits
        card = search(index, SearchRequest(q=q["question"], per_page=CUTOFF), library=LAWS, budget=60).answers
        found, answered = any(hit.url in wanted for hit in hits), any(answer.url in articles for answer in card)
        by_topic[q["topic"]].append((found, answered))
        cards += bool(card)
        if not found:
            missed.append(f"{q['question']} ({'、'.join(sorted({a['law'] for a in q['answers']}))})")
    rows = [(topic, sum(f for f, _ in results), sum(a for _, a in results), len(results)) for topic, results in by_topic.items()]
    total, right = sum(row[1] for row in rows), sum(row[2] for row in rows)
    table = ["| topic | questions | right law in the top 10 | right article in the card |", "|---|---:|---:|---:|"]
    table += [f"| {topic} | {n} | {found} | {answered} |" for topic, found, answered, n in rows]
    table.append(f"| **all** | {len(questions)} | **{total}** ({total / len(questions):.0%})"
                 f" | **{right}** ({right / len(questions):.0%}) |")
    section = "\n".join([
        "## Everyday questions (held out)", "",
        f"- Revision {git_revision()}, {machine()}; load average (`uptime`) {load_start} at the start, {load_average()} at the end.",
        "- `bench/everyday_questions.py`: the 30 questions of tests/search/everyday_questions.jsonl (ours, none from STARD, no",
        "  law names) through `kind=laws` over an index of the whole LawRefBook library's law documents and article units;",
        "  found = a law that answers it in the top 10. Card: the same question as a search of everything; right = the answer",
        f"  card holds one of the question's listed articles. {cards} of the {len(questions)} questions got a card.",
        f"- `kind=laws` adds `Ranking.best_unit` {DEFAULT_RANKING.best_unit} of a law's best article's score to the law's"
        + " (\"Search quality: laws ranked by their best articles\").", "",
        *table, "",
        "Not found in the top 10: " + ("; ".join(missed) if missed else "none") + ".",
    ])
    print(section)
    if args.write:
        write_section(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
