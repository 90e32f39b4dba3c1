"""Search quality on STARD: 1,543 layperson legal questions against 3,475 LawRefBook documents.

Three systems are scored in the same run, on the same documents and questions:

- ours: the product's query code (``search.query.search``), exactly as ``fazhi
  search`` runs it, over an index of the files as law documents (kind ``laws``,
  their level in the hierarchy of norms; ``bench.search_corpus.write_law_index``,
  the product's schema and writer). Each file is its own document, old versions of
  a law included, because STARD judges files;
- bigram BM25: one Whoosh field of character bigrams (title + body), the
  question's bigrams OR-ed, Whoosh's BM25F defaults, no segmenter;
- jieba + Whoosh: jieba's ``ChineseAnalyzer`` on title and body and Whoosh's
  default ``QueryParser`` (AND of every token), as most projects set it up.

Metrics at cutoff 10 with binary relevance (qrels.lawrefbook-doc.tsv): nDCG,
Recall and MRR. The questions are split in two halves by a fixed hash of the
query id (``bench.search_corpus.tuning_half``: first byte of SHA-256 of the id
even = tuning half). Whatever is tuned or mined from STARD uses the tuning half
only; the table reports the other, the **reporting half**, and the whole set for
continuity with earlier results. ``--write`` puts the table into bench/RESULTS.md.
``--answers UNITS_INDEX`` measures the answer card instead (``bench.answer_card``).

    .venv/bin/python bench/search_quality.py --write
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from bench import answer_card
from bench.results import RESULTS, machine, write_section
from bench.search_corpus import git_revision, law_articles, law_documents, load_average, qrels, questions, tuning_half, write_law_index
from fazhi.errors import SearchQueryError
from search.query import SearchRequest, search

CUTOFF = 10
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


def score(ranked: dict[str, list[str]], judged: dict[str, set[str]]) -> dict[str, float]:
    """Mean nDCG@10, Recall@10 and MRR@10 over every judged query (a missing ranking scores 0)."""
    ndcg = recall = mrr = 0.0
    for qid, relevant in judged.items():
        docs = ranked.get(qid, [])[:CUTOFF]
        gains = [1.0 if d in relevant else 0.0 for d in docs]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), CUTOFF)))
        ndcg += dcg / ideal
        recall += len(set(docs) & relevant) / len(relevant)
        mrr += next((1.0 / (i + 1) for i, g in enumerate(gains) if g), 0.0)
    n = len(judged)
    return {"ndcg": ndcg / n, "recall": recall / n, "mrr": mrr / n}


Docs = list[tuple[str, str, str]]
Queries = list[tuple[str, str]]
Run = tuple[dict[str, list[str]], float, float]


def run_ours(docs: Docs, queries: Queries, workdir: Path, index_dir: Path | None) -> Run:
    paths = law_articles(docs)[1]
    started = time.perf_counter()
    if index_dir is None:
        index_dir = workdir / "ours"
        write_law_index(docs, index_dir)
    built = time.perf_counter() - started
    ranked: dict[str, list[str]] = {}
    started = time.perf_counter()
    for qid, question in queries:
        try:
            response = search(index_dir, SearchRequest(q=question, per_page=CUTOFF))
        except SearchQueryError:
            continue
        ranked[qid] = [paths[hit.url.rstrip("/").rsplit("/", 1)[1]] for hit in response.hits]
    return ranked, built, time.perf_counter() - started


class _Bigrams(Tokenizer):
    """Plain character bigrams of Chinese runs, letters/digits as words: the baseline's only analysis."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,  # type: ignore[override]
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in _CJK_RUN.finditer(value):
            run = match.group().lower()
            pieces = [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 and not run.isascii() else [run]
            for piece in pieces:
                t.text, t.boost = piece, 1.0
                if positions:
                    t.pos = pos
                pos += 1
                yield t


def _whoosh_baseline(
    docs: Docs, queries: Queries, directory: Path, schema: Schema,
    document: Callable[[str, str, str], dict[str, str]], make_query: Callable[[str], wq.Query],
) -> Run:
    directory.mkdir(parents=True)
    ix = whoosh_index.create_in(str(directory), schema)
    started = time.perf_counter()
    writer = ix.writer(limitmb=512)
    for rel, title, body in docs:
        writer.add_document(**document(rel, title, body))
    writer.commit()
    built = time.perf_counter() - started
    ranked: dict[str, list[str]] = {}
    started = time.perf_counter()
    with ix.searcher() as searcher:
        for qid, question in queries:
            ranked[qid] = [hit["id"] for hit in searcher.search(make_query(question), limit=CUTOFF)]
    return ranked, built, time.perf_counter() - started


def run_bigram(docs: Docs, queries: Queries, workdir: Path) -> Run:
    tokenizer = _Bigrams()
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=tokenizer, phrase=False))

    def make_query(question: str) -> wq.Query:
        return wq.Or([wq.Term("text", t.text) for t in tokenizer(question)])

    def document(rel: str, title: str, body: str) -> dict[str, str]:
        return {"id": rel, "text": title + "\n" + body}

    return _whoosh_baseline(docs, queries, workdir / "bigram", schema, document, make_query)


def run_jieba(docs: Docs, queries: Queries, workdir: Path) -> Run:
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    schema = Schema(id=ID(stored=True), title=TEXT(analyzer=analyzer), content=TEXT(analyzer=analyzer))
    parser = QueryParser("content", schema)
    return _whoosh_baseline(
        docs, queries, workdir / "jieba", schema, lambda rel, title, body: {"id": rel, "title": title, "content": body}, parser.parse,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    ap.add_argument("--only-ours", action="store_true", help="skip the two baselines (for tuning)")
    ap.add_argument("--index", type=Path, help="reuse an index of ours built earlier (for tuning query-side knobs)")
    ap.add_argument("--keep", type=Path, help="build our index here and keep it")
    ap.add_argument("--answers", type=Path, metavar="UNITS_INDEX",
                    help="only the answer card: coverage and precision over the library's article units, built here or reused")
    args = ap.parse_args()
    if args.answers:
        return answer_card.run(args.answers, args.write)

    docs, queries, judged = law_documents(), questions(), qrels()
    queries = [(qid, q) for qid, q in queries if qid in judged]
    print(f"{len(docs)} documents, {len(queries)} judged questions", flush=True)
    reporting = {qid: docs for qid, docs in judged.items() if not tuning_half(qid)}
    tuning = {qid: docs for qid, docs in judged.items() if tuning_half(qid)}
    load = load_average()
    # name, metrics on the reporting half, on the tuning half, on the whole set, index seconds, query seconds
    rows: list[tuple[str, dict[str, float], dict[str, float], dict[str, float], float, float]] = []
    with tempfile.TemporaryDirectory(prefix="fazhi-quality-") as tmp:
        workdir = Path(tmp)
        index_dir = args.index
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            write_law_index(docs, args.keep)
            index_dir = args.keep
        systems: list[tuple[str, Callable[[], Run]]] = [
            ("ours (rjieba words + bigrams, OR + coordination, level prior)", lambda: run_ours(docs, queries, workdir, index_dir)),
        ]
        if not args.only_ours:
            systems += [
                ("baseline: character-bigram BM25 (Whoosh)", lambda: run_bigram(docs, queries, workdir)),
                ("baseline: jieba ChineseAnalyzer + default QueryParser (AND)", lambda: run_jieba(docs, queries, workdir)),
            ]
        for name, run in systems:
            ranked, built, queried = run()
            halves = score(ranked, reporting), score(ranked, tuning), score(ranked, judged)
            rows.append((name, *halves, built, queried))
            print(f"{name}  (index {built:.1f} s, {len(queries)} queries {queried:.1f} s)", flush=True)
            for label, m in zip(("reporting half", "tuning half", "whole set"), halves, strict=True):
                print(f"  {label}: nDCG@10 {m['ndcg']:.3f}  R@10 {m['recall']:.3f}  MRR@10 {m['mrr']:.3f}", flush=True)
    if args.write:
        table = "\n".join(
            f"| {name} | {label} | {m['ndcg']:.3f} | {m['recall']:.3f} | {m['mrr']:.3f} | {built:.0f} s | {queried:.0f} s |"
            for name, half, _, whole, built, queried in rows
            for label, m in (("reporting half", half), ("whole set", whole))
        )
        carried = ""
        if args.only_ours:
            baselines, revision = _baseline_rows()
            table = "\n".join([table, *baselines])
            carried = (
                f" The baselines' rows are carried over from the run at revision {revision} (`--only-ours`; they do not"
                " depend on our code)."
            )
        command = " ".join([".venv/bin/python bench/search_quality.py", *sys.argv[1:]])
        write_section(f"""## Search quality

STARD: {len(queries)} layperson legal questions scored against the {len(docs):,} LawRefBook documents
(qrels.lawrefbook-doc.tsv, binary relevance, cutoff 10). All three systems run in the same process on
the same documents; ours indexes each file as a law document at its level in the hierarchy of norms
(`bench.search_corpus.write_law_index`; old versions of a law are files of their own, as STARD judges
files). Measured {dt.date.today().isoformat()} at revision {git_revision()} on: {machine()};
load average {load} at the start, {load_average()} at the end.{carried}

The questions are split by a fixed hash of the query id: a question is in the **tuning half** when the
first byte of SHA-256 of its id is even ({len(tuning)} questions), else in the **reporting half**
({len(reporting)} questions; `bench.search_corpus.tuning_half`). Everything tuned or mined from STARD
(ranking knobs, the colloquial table) used the tuning half only; the rows below are the reporting half
(target: nDCG@10 ≥ 0.66, Recall@10 ≥ 0.80) and, for continuity with earlier results, the whole set.

| system | questions | nDCG@10 | Recall@10 | MRR@10 | index build | all queries |
|---|---|---|---|---|---|---|
{table}

Reference measured elsewhere for the bigram baseline (pure-Python BM25): nDCG@10 0.506, Recall@10 0.687, MRR@10 0.470.

Command: `FAZHI_SHARED=<shared> {command}`
""")
    return 0


def _baseline_rows() -> tuple[list[str], str]:
    """The baselines' table rows of the Search quality section now in RESULTS.md, and the revision they were measured at."""
    text = RESULTS.read_text("utf-8") if RESULTS.is_file() else ""
    section = text.split("## Search quality", 1)[1].split("\n## ", 1)[0] if "## Search quality" in text else ""
    found = re.search(r"carried over from the run at revision (\w+)", section) or re.search(r"at revision (\w+)", section)
    return [line for line in section.splitlines() if line.startswith("| baseline:")], found.group(1) if found else "unknown"


if __name__ == "__main__":
    sys.exit(main())
