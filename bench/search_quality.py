"""Search quality on STARD: 1,543 layperson legal questions against 3,475 LawRefBook documents.

Three systems are scored in the same run, on the same documents and questions:

- ours: the product's query code (``search.query.search``), exactly as ``fazhi
  search`` runs it, over an index of the files as law documents (kind ``laws``,
  their level in the hierarchy of norms; ``bench.search_corpus.write_law_index``,
  the product's schema and writer). Each file is its own document, old versions of
  a law included, because STARD judges files. Its row is given without and with the
  learned lay word -> legal term associations (``search.associations``; ``--associations``
  picks one or both: ``Ranking.learned_weight`` 0 turns them off);
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

    .venv/bin/python bench/search_quality.py --write

``--articles`` measures at the level of statute articles instead, over the
product's own units (kind ``provisions``, ``search.law_documents.provision_units``)
of the whole LawRefBook library read as the law library (the version in force
of each law): the STARD judgements (qrels.lawrefbook-article.tsv, ids
``<md path>#第X条``) map to units by the law that file belongs to and the article
number; a judgement whose law or number has no unit in the version in force is
unreachable, and the section gives that ceiling. Rows: textbook BM25 (``run_bm25``,
k1=1.2, b=0.75, character bigrams of the same units); the units searched with the
documents' ``Ranking`` (today's); with ``UNIT_RANKING`` and no learned data
(``learned_weight`` 0); with ``UNIT_RANKING`` as shipped (the learned associations; ``--associations`` on or off
keeps only that one of the two unit rows and drops today's);
with ``--questions FILE`` (JSONL ``{"question", "law", "article"}``, the format of
``fazhi laws questions import``: the tuning half's questions and their judged
articles) also with those questions joined to their units, on an index built with
them (``--asked-index`` reuses one; ``--tuning-questions FILE`` writes that file). Metrics Recall@10, Recall@100, nDCG@10, MRR@10,
and each target on the reporting half met or not; the index holds the laws and the
units, and its full build is timed (target ≤ 5 minutes) unless ``--index`` reuses one.

    .venv/bin/python bench/search_quality.py --articles --questions Q.jsonl --write

For tuning the unit ranking, ``--unit-ranking K=V,...`` (repeatable) replaces the unit rows with one row per setting,
``UNIT_RANKING`` with those knobs replaced (``admit=0.1,coordination=0.25``; ``admit=0.05`` for the shipped one), all
in one process, and ``--half tuning`` asks and scores the tuning half alone (never written):

    .venv/bin/python bench/search_quality.py --articles --index /tmp/units --only-ours --half tuning \
        --unit-ranking admit=0.05 --unit-ranking admit=0.1,coordination=0.25

``--answers`` measures the answer card over the same units: each question is ranked
once among them (``search.answers.ranked_units``, as the search API does), the
confidence rule (``search.answers.Confidence``) is fitted on the tuning half only —
a logistic model over the rule's evidence, then the most covering threshold whose
precision there is at least ``TUNING_PRECISION`` — and the
section gives coverage (share of questions with a card) and precision (share of
cards holding a judged article) on both halves. ``--index`` reuses a units index.

    .venv/bin/python bench/search_quality.py --answers --index /tmp/units --write

``--laws-by-articles`` asks the questions with ``kind=laws`` over such an index of
laws and units (``--index``), the law documents ranked with their best article
units (``Ranking.best_unit``): the document-level judgements map to law documents
by the law each judged file belongs to, a weight of ``BEST_UNITS`` is chosen by
nDCG@10 on the tuning half alone, and the reporting half is run once, for the weight 0 and the chosen one.

    .venv/bin/python bench/search_quality.py --laws-by-articles --index /tmp/units --write
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import json
import math
import re
import shutil
import sys
import tempfile
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from bench.results import RESULTS, machine, write_section
from bench.search_corpus import (
    LAWS,
    STARD,
    git_revision,
    law_articles,
    law_documents,
    load_average,
    qrels,
    questions,
    tuning_half,
    write_law_index,
)
from fazhi.errors import SearchQueryError
from fazhi.law.library import ARTICLE_RE, Library, load_library
from fazhi.law.numerals import ArticleNo, to_int
from search.answers import CARD_ARTICLES, CONFIDENCE, Confidence, Reach, card_size, chosen, evidence, ranked_units, reach, tied
from search.deadline import Deadline
from search.indexer import sync_articles
from search.law_documents import NO_QUESTIONS, UNIT_KIND, ProvisionUnit, Questions, law_document_id, provision_units, unit_id
from search.law_documents import law_documents as library_law_documents
from search.query import SearchRequest, parse_query, search
from search.ranking import DEFAULT_RANKING, UNIT_RANKING, Ranking
from search.searchers import open_view

CUTOFF = 10
DEEP = 100  # Recall@100 at article level
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")


def score(ranked: dict[str, list[str]], judged: dict[str, set[str]]) -> dict[str, float]:
    """Mean nDCG@10, Recall@10, Recall@100 and MRR@10 over every judged query (a missing ranking scores 0)."""
    ndcg = recall = deep = mrr = 0.0
    for qid, relevant in judged.items():
        deep += len(set(ranked.get(qid, [])[:DEEP]) & relevant) / len(relevant)
        docs = ranked.get(qid, [])[:CUTOFF]
        gains = [1.0 if d in relevant else 0.0 for d in docs]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), CUTOFF)))
        ndcg += dcg / ideal
        recall += len(set(docs) & relevant) / len(relevant)
        mrr += next((1.0 / (i + 1) for i, g in enumerate(gains) if g), 0.0)
    n = len(judged)
    return {"ndcg": ndcg / n, "recall": recall / n, "recall100": deep / n, "mrr": mrr / n}


Docs = list[tuple[str, str, str]]
Queries = list[tuple[str, str]]
Run = tuple[dict[str, list[str]], float, float]


def run_ours(docs: Docs, queries: Queries, index_dir: Path, built: float, ranking: Ranking = DEFAULT_RANKING) -> Run:
    """Our rankings from the index in ``index_dir`` (built in ``built`` seconds, 0 when reused)."""
    paths = law_articles(docs)[1]
    ranked: dict[str, list[str]] = {}
    started = time.perf_counter()
    for qid, question in queries:
        try:
            response = search(index_dir, SearchRequest(q=question, per_page=CUTOFF), ranking)
        except SearchQueryError:
            continue
        ranked[qid] = [paths[hit.url.rstrip("/").rsplit("/", 1)[1]] for hit in response.hits]
    return ranked, built, time.perf_counter() - started


def bigrams(value: str) -> list[str]:
    """Plain character bigrams of Chinese runs, letters/digits as words: the baselines' only analysis."""
    pieces: list[str] = []
    for match in _CJK_RUN.finditer(value):
        run = match.group().lower()
        pieces += [run[i:i + 2] for i in range(len(run) - 1)] if len(run) > 1 and not run.isascii() else [run]
    return pieces


class _Bigrams(Tokenizer):
    """``bigrams`` as a Whoosh tokenizer."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,  # type: ignore[override]
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, piece in enumerate(bigrams(value), start_pos):
            t.text, t.boost = piece, 1.0
            if positions:
                t.pos = pos
            yield t


def run_bm25(docs: Docs, queries: Queries, limit: int = DEEP, k1: float = 1.2, b: float = 0.75) -> Run:
    """Textbook BM25 over one bag of character bigrams per document (title and body), each distinct bigram of the
    question once, idf ``ln(1 + (N - df + 0.5) / (df + 0.5))``. Postings hold each pair's final weight in arrays, so a
    question is a few array walks: Whoosh's matchers took seconds a question over 140,000 units."""
    started = time.perf_counter()
    lengths, frequency = array("i"), Counter[str]()
    for _, title, body in docs:  # two passes, so that 140,000 counters are never held at once
        terms = bigrams(f"{title}\n{body}")
        lengths.append(len(terms))
        frequency.update(set(terms))
    average = sum(lengths) / max(1, len(lengths))
    idf = {term: math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}
    postings: dict[str, tuple[array, array]] = {}
    for n, (_, title, body) in enumerate(docs):
        norm = k1 * (1 - b + b * lengths[n] / average)
        for term, tf in Counter(bigrams(f"{title}\n{body}")).items():
            ids, weights = postings.setdefault(term, (array("i"), array("f")))
            ids.append(n)
            weights.append(idf[term] * tf * (k1 + 1) / (tf + norm))
    built = time.perf_counter() - started
    ranked: dict[str, list[str]] = {}
    started = time.perf_counter()
    for qid, question in queries:
        scores: dict[int, float] = defaultdict(float)
        for term in set(bigrams(question)):
            ids, weights = postings.get(term, ((), ()))
            for n, weight in zip(ids, weights, strict=True):
                scores[n] += weight
        ranked[qid] = [docs[n][0] for n in heapq.nlargest(limit, scores, key=scores.__getitem__)]
    return ranked, built, time.perf_counter() - started


def _whoosh_baseline(
    docs: Docs, queries: Queries, directory: Path, schema: Schema,
    document: Callable[[str, str, str], dict[str, str]], make_query: Callable[[str], wq.Query], limit: int = CUTOFF,
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
            ranked[qid] = [hit["id"] for hit in searcher.search(make_query(question), limit=limit)]
    return ranked, built, time.perf_counter() - started


def run_bigram(docs: Docs, queries: Queries, workdir: Path, limit: int = CUTOFF) -> Run:
    """Whoosh's BM25F (its defaults: k1=1.2, b=0.75) over one field of character bigrams of title and body."""
    tokenizer = _Bigrams()
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=tokenizer, phrase=False))

    def make_query(question: str) -> wq.Query:
        return wq.Or([wq.Term("text", t.text) for t in tokenizer(question)])

    def document(rel: str, title: str, body: str) -> dict[str, str]:
        return {"id": rel, "text": title + "\n" + body}

    return _whoosh_baseline(docs, queries, workdir / "bigram", schema, document, make_query, limit)


def run_jieba(docs: Docs, queries: Queries, workdir: Path) -> Run:
    from jieba.analyse import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    schema = Schema(id=ID(stored=True), title=TEXT(analyzer=analyzer), content=TEXT(analyzer=analyzer))
    parser = QueryParser("content", schema)
    return _whoosh_baseline(
        docs, queries, workdir / "jieba", schema, lambda rel, title, body: {"id": rel, "title": title, "content": body}, parser.parse,
    )


def law_of_files(library: Library) -> dict[str, str]:
    """LawRefBook file (path relative to the library, as STARD names it) -> the name of the law it is a version or part of."""
    return {file: name for name, law in library.laws.items() for version in law.versions for file in version.files}


def unit_qrels(library: Library, units: list[ProvisionUnit]) -> tuple[dict[str, set[str]], int, int]:
    """Query id -> relevant unit ids (an unreachable judgement kept as its own id, which no unit has), and how many
    judgements there are and how many of them map to a unit of the version in force."""
    law_of = law_of_files(library)
    have = {unit.slug for unit in units}
    judged: dict[str, set[str]] = {}
    total = reachable = 0
    for line in (STARD / "qrels.lawrefbook-article.tsv").read_text("utf-8").splitlines():
        qid, _, article, rel = line.split("\t")
        if int(rel) <= 0:
            continue
        path, _, label = article.partition("#")
        match = ARTICLE_RE.match(label.split("~")[0])
        name = law_of.get(path)
        target = article
        if match and name is not None:
            candidate = unit_id(name, ArticleNo(to_int(match["n"]) or 0, to_int(match["s"]) if match["s"] else 0))
            target = candidate if candidate in have else article
        if target not in judged.get(qid, set()):
            total += 1
            reachable += target in have
        judged.setdefault(qid, set()).add(target)
    return judged, total, reachable


def read_questions(path: Path) -> Questions:
    """Questions per (law name, article number) from a JSONL file of ``{"question", "law", "article"}`` lines."""
    asked: dict[tuple[str, ArticleNo], list[str]] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            number = item["article"]
            match = ARTICLE_RE.match(str(number)) if not isinstance(number, int) else None
            no = ArticleNo(number) if match is None else ArticleNo(to_int(match["n"]) or 0, to_int(match["s"]) if match["s"] else 0)
            asked.setdefault((item["law"], no), []).append(item["question"])
    return asked


def write_tuning_questions(path: Path) -> int:
    """Write the tuning half's STARD questions with their judged articles (reachable ones) as a ``--questions`` file; the
    number of lines. Only the tuning half: the reporting half's questions must not reach the index they are scored on."""
    library = load_library(LAWS)
    units = provision_units(library)
    judged = unit_qrels(library, units)[0]
    by_slug = {unit.slug: unit for unit in units}
    lines = [
        json.dumps({"question": question, "law": by_slug[slug].law.name, "article": by_slug[slug].label}, ensure_ascii=False)
        for qid, question in questions() if tuning_half(qid)
        for slug in sorted(judged.get(qid, ())) if slug in by_slug
    ]
    path.write_text("".join(line + "\n" for line in lines), "utf-8")
    return len(lines)


def run_units(index_dir: Path, queries: Queries, ranking: Ranking, kind: str = UNIT_KIND) -> Run:
    """The urls of the top 100 hits of ``kind`` for each question, through ``search.query.search``: ``ranking`` scores the
    units (kind ``provisions``; their laws' relevance, ``Ranking.law_prior``, with the documents' ranking, without learned
    terms when the units go without), or the law documents (kind ``laws``, the units with ``UNIT_RANKING``)."""
    laws = DEFAULT_RANKING if ranking.learned_weight else replace(DEFAULT_RANKING, learned_weight=0.0)
    rankings = {"unit_ranking": ranking, "ranking": laws} if kind == UNIT_KIND else {"ranking": ranking}
    ranked: dict[str, list[str]] = {}
    started = time.perf_counter()
    for qid, question in queries:
        try:
            response = search(index_dir, SearchRequest(q=question, kind=kind, per_page=DEEP), budget=60, **rankings)
        except SearchQueryError:
            continue
        ranked[qid] = [hit.url for hit in response.hits]
    return ranked, 0.0, time.perf_counter() - started


def write_unit_index(library: Library, index_dir: Path, asked: Questions = NO_QUESTIONS) -> tuple[list[ProvisionUnit], float]:
    """The laws and their article units as the product indexes them, written from scratch; (units, seconds)."""
    started = time.perf_counter()
    units = provision_units(library, questions=asked)
    sync_articles([], index_dir, rebuild=True, laws=[*library_law_documents(library), *units])
    return units, time.perf_counter() - started


# Article-level targets on the reporting half: (row, Recall@100, nDCG@10); the row with no learned data is held to BM25's.
BM25_ROW = "textbook BM25 (k1=1.2, b=0.75, character bigrams of the same units)"
NO_LEARNED_ROW = "unit ranking (`UNIT_RANKING`), no learned data (`learned_weight` 0)"
SHIPPED_ROW = "unit ranking (`UNIT_RANKING`) with the shipped learned associations (the default)"
ASKED_ROW = "unit ranking with the associations and the tuning half's questions imported"
ARTICLE_TARGETS = ((ASKED_ROW, 0.85, 0.50), (SHIPPED_ROW, 0.72, 0.40))


def article_verdicts(rows: dict[str, dict[str, float]]) -> list[str]:
    """One line per target of the article-level section, met or not, from the reporting-half metrics of the rows measured."""
    lines = []
    for name, recall, ndcg in ARTICLE_TARGETS:
        if name in rows:
            m = rows[name]
            met = m["recall100"] >= recall and m["ndcg"] >= ndcg
            lines.append(f"- {name}: Recall@100 {m['recall100']:.3f} (target ≥ {recall}), nDCG@10 {m['ndcg']:.3f} (target ≥ {ndcg}): "
                         + ("**met**." if met else "**not met**."))
    if NO_LEARNED_ROW in rows and BM25_ROW in rows:
        ours, bm25 = rows[NO_LEARNED_ROW], rows[BM25_ROW]
        met = all(ours[key] >= bm25[key] for key in ("recall", "recall100", "ndcg", "mrr"))
        lines.append(f"- no learned data at least textbook BM25 on all four measures: {'**met**' if met else '**not met**'} "
                     f"(nDCG@10 {ours['ndcg']:.3f} against {bm25['ndcg']:.3f}, "
                     f"Recall@100 {ours['recall100']:.3f} against {bm25['recall100']:.3f}).")
    return lines


def articles_main(args: argparse.Namespace) -> int:
    """The article-level section (see the module docstring)."""
    load = load_average()
    library = load_library(LAWS)
    queries = questions()
    rows: list[tuple[str, dict[str, float], dict[str, float], float, str]] = []
    with tempfile.TemporaryDirectory(prefix="fazhi-articles-") as tmp:
        workdir = Path(tmp)
        index_dir = args.index or workdir / "units"
        built = 0.0
        if args.index is None:
            units, built = write_unit_index(library, index_dir)
            print(f"laws and units indexed in {built:.0f} s (load average {load_average()})", flush=True)
        else:
            units = provision_units(library)
        judged, total, reachable = unit_qrels(library, units)
        tuning = args.half == "tuning"
        queries = [(qid, q) for qid, q in queries if qid in judged and (not tuning or tuning_half(qid))]
        reporting = {qid: docs for qid, docs in judged.items() if tuning_half(qid) == tuning}
        ceiling = score({qid: sorted(docs) for qid, docs in judged.items()}, reporting)["recall100"]
        print(f"{len(library.laws):,} laws, {len(units):,} units; {reachable} of {total} judgements reachable; "
              f"{args.half} half Recall ceiling {ceiling:.3f}", flush=True)
        systems: list[tuple[str, Callable[[], Run]]] = []
        if not args.only_ours:
            texts = [(unit.slug, f"{unit.title} {unit.heading}", f"{unit.label} {unit.text}") for unit in units]
            systems.append((BM25_ROW, lambda: run_bm25(texts, queries)))
        shipped = not args.unit_ranking
        if args.associations == "both" and shipped:
            today = "today's ranking (units searched with the documents' `Ranking`)"
            systems.append((today, lambda: run_units(index_dir, queries, DEFAULT_RANKING)))
        if args.associations != "on" and shipped:
            systems.append((NO_LEARNED_ROW, lambda: run_units(index_dir, queries, replace(UNIT_RANKING, learned_weight=0.0))))
        if args.associations != "off" and shipped:
            systems.append((SHIPPED_ROW, lambda: run_units(index_dir, queries, UNIT_RANKING)))
        if args.questions:
            asked_dir = args.asked_index or workdir / "asked"
            if args.asked_index is None:
                write_unit_index(library, asked_dir, read_questions(args.questions))
            systems.append((ASKED_ROW, lambda: run_units(asked_dir, queries, UNIT_RANKING)))
        for knobs, ranking in args.unit_ranking or ():
            systems.append((f"unit ranking with {knobs}", lambda ranking=ranking: run_units(index_dir, queries, ranking)))
        for name, run in systems:
            ranked, _, queried = run()
            halves = score(ranked, reporting), score(ranked, judged)
            rows.append((name, *halves, queried, load_average()))
            print(name, flush=True)
            labels = ("tuning half",) if tuning else ("reporting half", "whole set")
            for label, m in zip(labels, halves[:len(labels)], strict=True):
                print(f"  {label}: R@10 {m['recall']:.3f}  R@100 {m['recall100']:.3f}  nDCG@10 {m['ndcg']:.3f}  MRR@10 {m['mrr']:.3f}"
                      f"  ({queried:.0f} s, load average {rows[-1][4]})", flush=True)
    verdicts = article_verdicts({name: half for name, half, _, _, _ in rows})
    if args.half == "reporting":
        print("\n".join(verdicts))
    if args.write:
        table = "\n".join(
            f"| {name} | {label} | {m['recall']:.3f} | {m['recall100']:.3f} | {m['ndcg']:.3f} | {m['mrr']:.3f} | {queried:.0f} s"
            f" | {after} |"
            for name, half, whole, queried, after in rows
            for label, m in (("reporting half", half), ("whole set", whole))
        )
        built_text = f"{built:.0f} s" if built else "not measured in this run (`--index`; see below)"
        command = " ".join([".venv/bin/python bench/search_quality.py", *sys.argv[1:]])
        write_section(f"""## Search quality: statute articles

STARD at the level of statute articles: {len(queries)} questions against the product's own units of kind
`provisions` (`search.law_documents.provision_units`), one per article of the version in force of each of
the {len(library.laws):,} laws read from the whole LawRefBook library: {len(units):,} units. The judgements
(qrels.lawrefbook-article.tsv) map to units by the law their file belongs to and the article number:
{reachable:,} of {total:,} distinct judgements have a unit in the version in force, the rest are unreachable
(the article was renumbered or dropped by a later version, or the law is not read as a law). Ceiling:
Recall@100 {ceiling:.3f} on the reporting half ({len(reporting)} questions; tuning half by
`bench.search_corpus.tuning_half`, which alone was used for tuning, for learning the associations and for the
imported questions). Full index build of the laws and units: {built_text}. Measured {dt.date.today().isoformat()}
at revision {git_revision()} on: {machine()}; load average {load} at the start; query times are wall-clock on a
shared machine, the load average in each row is taken when the row finished.

| system | questions | Recall@10 | Recall@100 | nDCG@10 | MRR@10 | all queries | load average |
|---|---|---|---|---|---|---|---|
{table}

Targets on the reporting half:

{chr(10).join(verdicts)}

Command: `FAZHI_SHARED=<shared> {command}`
""")
    return 0

# Laws ranked by their best articles: the grid of ``Ranking.best_unit`` tuned on the tuning half.
BEST_UNITS = (0.0, 0.25, 0.5, 1.0, 2.0)


def law_qrels(library: Library) -> tuple[dict[str, set[str]], int, int]:
    """Query id -> relevant law document ids: each judged file (qrels.lawrefbook-doc.tsv) -> the law it belongs to -> that
    law's document; a file of no law kept as its own id, which no document has. And how many distinct judgements there are
    after that mapping and how many of them reach a law document."""
    law_of = law_of_files(library)
    have = {doc.slug for doc in library_law_documents(library)}
    judged: dict[str, set[str]] = {}
    for qid, files in qrels().items():
        for file in files:
            name = law_of.get(file)
            target = law_document_id(name) if name is not None and law_document_id(name) in have else file
            judged.setdefault(qid, set()).add(target)
    total = sum(len(docs) for docs in judged.values())
    reachable = sum(len(docs & have) for docs in judged.values())
    return judged, total, reachable


def laws_main(args: argparse.Namespace) -> int:
    """The section on laws ranked by their best articles (see the module docstring)."""
    if args.index is None:
        print("--laws-by-articles needs --index: an index of the library's laws and units (see --articles --keep)", file=sys.stderr)
        return 2
    load = load_average()
    library = load_library(LAWS)
    judged, total, reachable = law_qrels(library)
    queries = [(qid, q) for qid, q in questions() if qid in judged]
    tuning_queries = [(qid, q) for qid, q in queries if tuning_half(qid)]
    reporting_queries = [(qid, q) for qid, q in queries if not tuning_half(qid)]
    tuning = {qid: judged[qid] for qid, _ in tuning_queries}
    reporting = {qid: judged[qid] for qid, _ in reporting_queries}
    ceiling = score({qid: sorted(docs) for qid, docs in judged.items()}, reporting)["recall100"]
    print(f"{len(library.laws):,} laws; {reachable} of {total} judgements reach a law document; "
          f"reporting half Recall ceiling {ceiling:.3f}", flush=True)

    def ranking(weight: float) -> Ranking:
        return replace(DEFAULT_RANKING, best_unit=weight)

    # tuning half only: every weight of the grid
    tuned: dict[float, tuple[dict[str, float], float, Run]] = {}
    for weight in BEST_UNITS:
        found = run_units(args.index, tuning_queries, ranking(weight), "laws")
        tuned[weight] = score(found[0], tuning), found[2] / len(tuning_queries), found
        m = tuned[weight][0]
        print(f"  tuning half, best_unit {weight}: nDCG@10 {m['ndcg']:.3f}  R@10 {m['recall']:.3f}"
              f"  R@100 {m['recall100']:.3f}  MRR@10 {m['mrr']:.3f}  ({tuned[weight][1] * 1000:.0f} ms a query)", flush=True)
    # the best nDCG@10; on a tie the smaller weight
    chosen_key = max(tuned, key=lambda key: (round(tuned[key][0]["ndcg"], 3), -key))
    rows = []
    for key in dict.fromkeys([0.0, chosen_key]):
        found = run_units(args.index, reporting_queries, ranking(key), "laws")
        whole = score({**tuned[key][2][0], **found[0]}, judged)
        rows.append((key, score(found[0], reporting), whole, found[2] / len(reporting_queries), load_average()))
        print(f"  reporting half, best_unit {key}: nDCG@10 {rows[-1][1]['ndcg']:.3f}", flush=True)
    grid = "; ".join(f"{weight}: {m['ndcg']:.3f} ({seconds * 1000:.0f} ms)" for weight, (m, seconds, _) in tuned.items())

    def name(weight: float) -> str:
        if weight == 0:
            return "`best_unit` 0 (a law by its own text alone, as before)"
        return f"`best_unit` {weight}, every unit scored (chosen on the tuning half)"

    table = "\n".join(
        f"| {name(key)} | {label} | {m['recall']:.3f} | {m['recall100']:.3f} | {m['ndcg']:.3f} | {m['mrr']:.3f} | {seconds * 1000:.0f} ms"
        f" | {after} |"
        for key, half, whole, seconds, after in rows
        for label, m in (("reporting half", half), ("whole set", whole))
    )
    command = " ".join([".venv/bin/python bench/search_quality.py", *sys.argv[1:]])
    section = f"""## Search quality: laws ranked by their best articles

STARD through `search.query.search` with `kind=laws`, as `fazhi search --kind laws` asks it: {len(queries)} questions
against an index of the product's law documents, one per law of the whole LawRefBook library ({len(library.laws):,}
laws), and their article units (`provision_units`), no imported questions. A law's score adds `Ranking.best_unit` times
the score of its best-matching article unit (scored among the units with `UNIT_RANKING`; `search.engine`). The
judgements are the document-level ones (qrels.lawrefbook-doc.tsv, which name LawRefBook files) mapped to law
documents by the law each file belongs to (as the article-level section maps its judgements): {reachable:,} of
{total:,} distinct judgements reach a law document, the rest name files not read as a law. Ceiling: Recall@100
{ceiling:.3f} on the reporting half ({len(reporting)} questions).

Tuned on the tuning half alone ({len(tuning)} questions; `bench.search_corpus.tuning_half`), nDCG@10 (mean time a
question): {grid}. Chosen by the tuning half's nDCG@10 (a tie goes to the smaller weight): `best_unit`
{chosen_key}; the reporting half was run once,
for the rows below. Measured {dt.date.today().isoformat()} at revision {git_revision()} on: {machine()}; load average
{load} at the start; times are wall-clock per question on a shared machine (the reporting half's), the load average in
each row is taken when the row finished. Index: reused (`--index`).

| ranking of `kind=laws` | questions | Recall@10 | Recall@100 | nDCG@10 | MRR@10 | per question | load average |
|---|---|---|---|---|---|---|---|
{table}

Command: `FAZHI_SHARED=<shared> nice -n 5 {command}`
"""
    print(section)
    if args.write:
        write_section(section)
    return 0


# The answer card: the targets, and how its rule is fitted. The rule picked is the most covering one whose precision on
# the tuning half is at least TUNING_PRECISION: rules tuned there lost 0.06 to 0.07 precision and about 0.08 coverage on
# the reporting half (the unit ranking's learned associations come from the tuning half's questions), and with
# TUNING_PRECISION 0.70 a five-fold cross-validation within the tuning half held 0.696 precision at 0.627 coverage.
PRECISION_GOAL = 0.6
COVERAGE_GOAL = 0.5
TUNING_PRECISION = 0.70
LEAST_CARDS = 20  # a threshold is not chosen on the precision of a handful of cards
NEWTON_STEPS = 30
RIDGE = 1.0  # keeps the weights finite when one piece of evidence separates the questions
EVIDENCE = ("relative_score", "held", "end_gap", "second_gap", "law_missing")
NO_REACH = Reach(0.0, 0.0)
# Per question: the best units (id, score), the law documents among the hits of a search of everything (best first) and
# the question's weight with the top unit's share of it.
Ranked = dict[str, tuple[list[tuple[str, float]], list[str], Reach]]


def rank_units(index_dir: Path, queries: Queries) -> tuple[Ranked, float]:
    """Per question, the best ``CARD_ARTICLES + 1`` unit ids with their scores, the urls of the laws among the first page
    of hits of a search of everything (``search.query.search`` as the site asks it) and the top unit's ``Reach``; the
    mean seconds per question."""
    view = open_view(index_dir)
    slugs = view.reader.column_reader("slug")
    ranked: Ranked = {}
    started = time.perf_counter()
    for qid, question in queries:
        parsed = parse_query(question)
        found = ranked_units(view, parsed, UNIT_RANKING, Deadline(UNIT_RANKING.budget, 60.0), CARD_ARTICLES + 1) if parsed.words else []
        held = reach(view, parsed, UNIT_RANKING, Deadline(UNIT_RANKING.budget, 60.0), found[0][0]) if found else NO_REACH
        try:
            hits = search(index_dir, SearchRequest(q=question, per_page=CUTOFF), budget=60).hits
        except SearchQueryError:
            hits = []
        ranked[qid] = [(slugs[docnum], value) for docnum, value in found], [hit.url for hit in hits if hit.kind == "laws"], held
    return ranked, (time.perf_counter() - started) / max(1, len(queries))


def card_rate(ranked: Ranked, judged: dict[str, set[str]], qids: list[str], rule: Confidence) -> tuple[float, float, int]:
    """(coverage, precision, cards) of ``rule`` over ``qids``."""
    cards = hits = 0
    for qid in qids:
        items, laws, held = ranked.get(qid, ([], [], NO_REACH))
        law_found = bool(items) and items[0][0].split("#", 1)[0] in laws
        picked = chosen([(n, value) for n, (_, value) in enumerate(items)], held, rule, law_found)
        if picked:
            cards += 1
            hits += any(items[n][0] in judged.get(qid, set()) for n in picked)
    return cards / max(1, len(qids)), hits / max(1, cards), cards


def fit_card(ranked: Ranked, judged: dict[str, set[str]], qids: list[str], weighed: tuple[str, ...] = EVIDENCE) -> Confidence:
    """The rule fitted on ``qids``: a logistic model of "the card holds a judged article" over the evidence named in
    ``weighed`` (the others weigh 0; Newton steps with a small ridge), its weights rounded to two places, then the
    lowest threshold at which the questions scoring above it have precision at least TUNING_PRECISION."""
    rows, right = [], []
    for qid in qids:
        items, laws, held = ranked.get(qid, ([], [], NO_REACH))
        values = [value for _, value in items]
        size = card_size(values, CONFIDENCE.margin)
        if not items or tied(values, size):
            continue  # no card whatever the weights
        found = evidence(values, size, held, items[0][0].split("#", 1)[0] in laws)
        rows.append([found[EVIDENCE.index(name)] for name in weighed] + [1.0])
        right.append(float(any(slug in judged.get(qid, set()) for slug, _ in items[:size])))
    x, y = np.array(rows), np.array(right)
    ridge = np.diag([RIDGE] * len(weighed) + [0.0])
    w = np.zeros(x.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        w -= np.linalg.solve(x.T @ (x * (p * (1 - p))[:, None]) + ridge, x.T @ (p - y) + ridge @ w)
    weights = {name: round(float(value), 2) for name, value in zip(weighed, w[:-1], strict=True)}
    z = x[:, :-1] @ np.array([weights[name] for name in weighed])
    best = math.inf
    for threshold in {math.floor(value * 100) / 100 for value in z}:  # the bias ships with two places too
        cards = z >= threshold
        if cards.sum() >= LEAST_CARDS and y[cards].mean() >= TUNING_PRECISION:
            best = min(best, threshold)
    return replace(CONFIDENCE, **{name: weights.get(name, 0.0) for name in EVIDENCE}, bias=-best)


def answers_main(args: argparse.Namespace) -> int:
    """The answer card section (see the module docstring)."""
    load = load_average()
    library = load_library(LAWS)
    units = provision_units(library)
    judged, total, reachable = unit_qrels(library, units)
    queries = [(qid, q) for qid, q in questions() if qid in judged]
    with tempfile.TemporaryDirectory(prefix="fazhi-answers-") as tmp:
        index_dir = args.index or Path(tmp) / "units"
        built = "reused" if args.index else f"built in {write_unit_index(library, index_dir)[1]:.0f} s"
        ranked, per_question = rank_units(index_dir, queries)
        asked = rank_units(args.asked_index, queries)[0] if args.asked_index else None
    tuning = [qid for qid, _ in queries if tuning_half(qid)]
    reporting = [qid for qid, _ in queries if not tuning_half(qid)]
    tuned = fit_card(ranked, judged, tuning)
    margin_only = fit_card(ranked, judged, tuning, ("end_gap",))
    rules = [("shipped rule (`search.answers.CONFIDENCE`)", CONFIDENCE, ranked),
             ("rule fitted on the tuning half", tuned, ranked),
             ("the card's last gap alone, fitted the same way", margin_only, ranked)]
    if asked is not None:
        rules.append(("shipped rule, the tuning half's questions imported (its tuning cells are not held out)", CONFIDENCE, asked))
    rows = []
    for name, rule, found in rules:
        rates = (card_rate(found, judged, qids, rule) for qids in (tuning, reporting, tuning + reporting))
        cells = [f"{coverage:.3f} / {precision:.3f} ({cards})" for coverage, precision, cards in rates]
        weights = ", ".join(f"{key} {getattr(rule, key)}" for key in EVIDENCE)
        rows.append(f"| {name}: margin {rule.margin}; weights {weights}; bias {rule.bias} | " + " | ".join(cells) + " |")
    ceiling = sum(any(slug in judged[qid] for slug, _ in ranked[qid][0][:CARD_ARTICLES]) for qid in reporting) / max(1, len(reporting))
    section = f"""## Answer card (STARD, article units of the whole LawRefBook library)

{dt.date.today()} · revision {git_revision()} · {machine()} · load average before the run {load}, after {load_average()}

Units: every article of the versions in force of the LawRefBook library ({len(units):,}, `provision_units`), with the
law documents, {built}. Judgements: {total:,}, {reachable:,} of them reachable (a unit in the version in force). Judged
questions: {len(queries):,} ({len(tuning):,} tuning, {len(reporting):,} reporting); {per_question * 1000:.0f} ms per
question for the unit ranking and the search of everything whose law hits the rule reads.
Cells: coverage / precision (cards). Target on the reporting half: coverage ≥ {COVERAGE_GOAL} with precision ≥
{PRECISION_GOAL}. The rule (`search.answers.Confidence`): the card ends at the first of the first {CARD_ARTICLES} units
scoring `margin` times the next (all {CARD_ARTICLES} when none does) and is shown when the weighted evidence plus `bias` is
at least 0: `relative_score` × log(top score / the question's weight), `held` × (the share of that weight the top unit
holds; a clause weighs its weight times its idf among the units), `end_gap` × log(the card's last score / the next),
`second_gap` × log(second score / third), `law_missing` × (1 when no hit of the search of everything is the top unit's
law). Fitting: a logistic model on the tuning half ({NEWTON_STEPS} Newton steps, ridge {RIDGE}), weights rounded to two
places, then the most covering threshold whose precision on the tuning half is at least {TUNING_PRECISION} (over at least
{LEAST_CARDS} cards).

| rule | tuning half | reporting half | all |
|---|---|---|---|
{chr(10).join(rows)}

Ceiling: on the reporting half a judged article is among the first {CARD_ARTICLES} units for {ceiling:.3f} of the
questions, whatever the rule.

Command: `FAZHI_SHARED=<shared> .venv/bin/python bench/search_quality.py --answers [--index UNITS] [--asked-index UNITS] --write`
"""
    print(section)
    if args.write:
        write_section(section)
    return 0


def unit_ranking(knobs: str) -> tuple[str, Ranking]:
    """``K=V,...`` as given and ``UNIT_RANKING`` with those numeric knobs replaced (``--unit-ranking``)."""
    values: dict[str, float] = {}
    for pair in knobs.split(","):
        name, _, value = pair.partition("=")
        if not isinstance(getattr(UNIT_RANKING, name.strip(), None), float):
            raise argparse.ArgumentTypeError(f"{name.strip()!r} is not a numeric knob of Ranking")
        values[name.strip()] = float(value)
    return knobs, replace(UNIT_RANKING, **values)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    ap.add_argument("--only-ours", action="store_true", help="skip the two baselines (for tuning)")
    ap.add_argument("--index", type=Path, help="reuse an index of ours built earlier (for tuning query-side knobs)")
    ap.add_argument("--keep", type=Path, help="build our index here and keep it")
    ap.add_argument("--associations", choices=("both", "on", "off"), default="both",
                    help="our rows with the learned associations (on), without them (off), or both (default)")
    ap.add_argument("--articles", action="store_true", help="the article-level section over the units of kind provisions")
    ap.add_argument("--questions", type=Path, help="with --articles: also a row with these questions imported (JSONL)")
    ap.add_argument("--asked-index", type=Path, help="with --questions or --answers: an index with the tuning half's questions joined")
    ap.add_argument("--answers", action="store_true", help="the answer card's coverage and precision over the units of kind provisions")
    ap.add_argument("--laws-by-articles", action="store_true",
                    help="kind=laws ranked with its laws' best articles (Ranking.best_unit), tuned on the tuning half; needs --index")
    ap.add_argument("--tuning-questions", type=Path, help="write the tuning half's questions as a --questions file there and stop")
    ap.add_argument("--unit-ranking", action="append", type=unit_ranking, metavar="K=V,...",
                    help="with --articles: instead of the unit rows, UNIT_RANKING with these knobs replaced (repeatable, a row each)")
    ap.add_argument("--half", choices=("reporting", "tuning"), default="reporting",
                    help="with --articles: the half asked and scored; tuning asks that half alone, for tuning (not with --write)")
    args = ap.parse_args()
    if args.half == "tuning" and args.write:
        ap.error("--half tuning is for tuning and is never written")
    if args.tuning_questions:
        print(f"{write_tuning_questions(args.tuning_questions)} questions -> {args.tuning_questions}")
        return 0
    if args.articles:
        return articles_main(args)
    if args.answers:
        return answers_main(args)
    if args.laws_by_articles:
        return laws_main(args)

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
        index_dir, built = args.index, 0.0
        if index_dir is None:
            index_dir = args.keep or workdir / "ours"
            shutil.rmtree(index_dir, ignore_errors=True)
            started = time.perf_counter()
            write_law_index(docs, index_dir)
            built = time.perf_counter() - started
        ours = "ours (rjieba words + bigrams, OR + coordination, level prior)"
        without = Ranking(learned_weight=0.0)
        systems: list[tuple[str, Callable[[], Run]]] = []
        if args.associations != "on":
            systems.append((ours, lambda: run_ours(docs, queries, index_dir, built, without)))
        if args.associations != "off":
            systems.append((f"{ours} with learned associations", lambda: run_ours(docs, queries, index_dir, built)))
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
