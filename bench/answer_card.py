"""The answer card on STARD: coverage (share of questions with a card) and precision (share of cards holding a judged article).

The units are the product's own (kind ``provisions``, ``search.law_documents.provision_units``)
of the whole LawRefBook library, written by the product's indexer. A STARD judgement
(qrels.lawrefbook-article.tsv: a library file and 第N条) maps to the unit of that law and
number in the version in force; a judgement with no such unit is unreachable. Each question
is ranked once (``search.answers.ranked_units``, as the search API runs it); the confidence
rule (``search.answers.Confidence``) is chosen on the **tuning half** only — the most covering
rule whose precision there is at least ``PRECISION_GOAL`` — and reported on the other half.

    .venv/bin/python bench/search_quality.py --answers /tmp/units-index --write
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from bench.results import machine, write_section
from bench.search_corpus import LAWS, STARD, git_revision, load_average, questions, tuning_half
from fazhi.law.library import load_library
from fazhi.law.numerals import ArticleNo, to_int
from search.answers import CARD_ARTICLES, CONFIDENCE, Confidence, chosen, ranked_units
from search.deadline import Deadline
from search.indexer import current_generation, sync_articles
from search.law_documents import provision_units, unit_id
from search.query import parse_query
from search.ranking import UNIT_RANKING
from search.searchers import open_view

PRECISION_GOAL = 0.6  # the target the reporting half is held to
# Floors stay low: a score's scale grows with the library (a term's weight with the log of the unit count), so a floor
# tuned on 140,000 units would hide every card of a small library; above 20 it only trades coverage for precision here,
# as a larger margin does. The margin compares scores with each other and holds at any size.
MIN_SCORES = (1.0, 2.0, 4.0)
MARGINS = tuple(round(1.0 + step / 100, 2) for step in range(0, 51))
_ARTICLE = re.compile(r"^第(.+?)条(?:之(.+))?$")
Ranked = dict[str, list[tuple[str, float]]]


def judged_units() -> tuple[dict[str, set[str]], int, int]:
    """Query id -> judged unit ids in the versions in force; and (judgements, unreachable judgements)."""
    library = load_library(LAWS)
    law_of = {file: law.name for law in library.laws.values() for version in law.versions for file in version.files}
    judged: dict[str, set[str]] = {}
    total = unreachable = 0
    for line in (STARD / "qrels.lawrefbook-article.tsv").read_text("utf-8").splitlines():
        qid, _, target, rel = line.split("\t")
        if int(rel) <= 0:
            continue
        total += 1
        path, _, label = target.partition("#")
        match = _ARTICLE.match(label)
        name = law_of.get(path)
        number = to_int(match.group(1)) if match else None
        no = ArticleNo(number or 0, (to_int(match.group(2)) or 0) if match and match.group(2) else 0)
        law = library.laws.get(name) if name else None
        if law is None or number is None or law.current().article(no) is None:
            unreachable += 1
            continue
        judged.setdefault(qid, set()).add(unit_id(name, no))  # type: ignore[arg-type]
    return judged, total, unreachable


def build_units(index: Path) -> None:
    """Every article of the library's versions in force as units, into ``index`` (kept: tuning reruns reuse it)."""
    if current_generation(index) is None:
        sync_articles([], index, rebuild=True, laws=provision_units(load_library(LAWS)))


def rank_all(index: Path, asked: list[tuple[str, str]]) -> tuple[Ranked, float]:
    """Per question, the best ``CARD_ARTICLES + 1`` unit ids with scores; and the mean seconds per question."""
    view = open_view(index)
    slugs = view.reader.column_reader("slug")
    ranked: Ranked = {}
    started = time.perf_counter()
    for qid, question in asked:
        parsed = parse_query(question)
        found = ranked_units(view, parsed, UNIT_RANKING, Deadline(UNIT_RANKING.budget, 30.0), CARD_ARTICLES + 1) if parsed.words else []
        ranked[qid] = [(slugs[docnum], value) for docnum, value in found]
    return ranked, (time.perf_counter() - started) / max(1, len(asked))


def card_rate(ranked: Ranked, judged: dict[str, set[str]], qids: list[str], rule: Confidence) -> tuple[float, float, int]:
    """(coverage, precision, cards) of ``rule`` over ``qids``."""
    cards = hits = 0
    for qid in qids:
        items = ranked.get(qid, [])
        picked = chosen([(n, value) for n, (_, value) in enumerate(items)], rule)
        if picked:
            cards += 1
            hits += any(items[n][0] in judged.get(qid, set()) for n in picked)
    return cards / max(1, len(qids)), hits / max(1, cards), cards


def tune(ranked: Ranked, judged: dict[str, set[str]], qids: list[str]) -> Confidence:
    """The most covering rule of the grid whose precision on ``qids`` reaches PRECISION_GOAL (the default when none does)."""
    best, best_coverage = CONFIDENCE, -1.0
    for min_score in MIN_SCORES:
        for margin in MARGINS:
            rule = Confidence(min_score=min_score, margin=margin)
            coverage, precision, _ = card_rate(ranked, judged, qids, rule)
            if precision >= PRECISION_GOAL and coverage > best_coverage:
                best, best_coverage = rule, coverage
    return best


def answer_card_section(index: Path) -> str:
    """Build (or reuse) the units, rank every judged question, tune on the tuning half and report: the RESULTS.md section."""
    started = time.perf_counter()
    build_units(index)
    built = time.perf_counter() - started
    how_built = f"built in {built:.0f} s" if built >= 1 else "reused from an earlier run of this script"
    judged, total, unreachable = judged_units()
    asked = [(qid, q) for qid, q in questions() if qid in judged]
    ranked, per_question = rank_all(index, asked)
    tuning = [qid for qid, _ in asked if tuning_half(qid)]
    reporting = [qid for qid, _ in asked if not tuning_half(qid)]
    tuned = tune(ranked, judged, tuning)
    rows = []
    for name, rule in (("shipped rule (`search.answers.CONFIDENCE`)", CONFIDENCE), ("rule tuned on the tuning half", tuned)):
        cells = []
        for qids in (tuning, reporting, tuning + reporting):
            coverage, precision, cards = card_rate(ranked, judged, qids, rule)
            cells.append(f"{coverage:.3f} / {precision:.3f} ({cards})")
        rows.append(f"| {name}: min_score {rule.min_score}, margin {rule.margin} | " + " | ".join(cells) + " |")
    any_top = sum(any(slug in judged[qid] for slug, _ in ranked[qid][:CARD_ARTICLES]) for qid in reporting) / max(1, len(reporting))
    return "\n".join([
        "## Answer card (STARD, article units of the whole LawRefBook library)",
        "",
        f"{dt.date.today()} · revision {git_revision()} · {machine()} · load average before the run {load_average()}",
        "",
        f"Units: every article of the versions in force of the LawRefBook library (`provision_units`), "
        f"{how_built}. Judgements: {total:,}, of which {unreachable:,} have no unit in the version in force (unreachable). "
        f"Judged questions with a reachable article: {len(asked):,} ({len(tuning):,} tuning, {len(reporting):,} reporting); "
        f"{per_question * 1000:.0f} ms per question for the unit ranking. Cells: coverage / precision (cards). "
        f"Target on the reporting half: coverage ≥ 0.5 with precision ≥ 0.6; the tuning picks the most covering rule of a "
        f"grid (floors {' · '.join(map(str, MIN_SCORES))} × margins {MARGINS[0]}–{MARGINS[-1]} by 0.01) with precision ≥ "
        f"{PRECISION_GOAL} on the tuning half.",
        "",
        "| rule | tuning half | reporting half | all |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Ceiling: on the reporting half a judged article is among the first {CARD_ARTICLES} units for {any_top:.3f} of the "
        "questions, whatever the rule.",
    ])


def run(index: Path, write: bool) -> int:
    section = answer_card_section(index)
    print(section)
    if write:
        write_section(section)
    return 0
