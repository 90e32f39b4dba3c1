"""The answer card: the statute articles that answer a question, each with the archive's articles citing it.

A question in a person's own words (被邻居家的狗咬了谁来赔) is answered by one or two
articles of a law, which the hit list of whole documents dilutes. The card runs the
same question among the article units (kind ``provisions``, their own fields and
``UNIT_RANKING``) and shows the best ones only when the ranking is confident
(``Confidence``). The card ends at the first of the first three units that stands
clear of the next by ``margin`` (all three when none does: units that sit close
answer together); whether it is shown weighs five pieces of evidence (the gap alone
misjudged too many questions): how high the top unit scores against what the
question's clauses weigh (``Reach``), how much of that weight the top unit holds,
how clearly the card's last unit stands above the next, how clearly the second
stands above the third, and whether the search of whole documents found the top
unit's law at all (a unit of a law no hit belongs to is a stray match). Their
weighted sum (a logistic model fitted on STARD's tuning half by
bench/search_quality.py, its threshold in ``bias``) must reach 0. A vague question
ranks many units alike and gets no card rather than a wrong one; a card whose last
unit ties the next is not shown at all. The top score is
read against the question's weight, not on its own: a BM25 score grows with the
number of a question's clauses, so a short question matched in full scores low, and
the public's questions are often short. The weight of a clause is its own weight
times its idf over the units, so a rare word a unit lacks counts more than a common
one, and a small library's smaller idfs scale the question's weight with its scores.

Under each article, the archive's articles citing it: every article document holds
the statute articles it cites, resolved as the site build links them
(``search.documents.cites``), so this is one term lookup per card article, newest
first. A question naming a law's article (环境保护法第二十五条) gets that article in
the law block, as before, and no card.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from whoosh import query as wq

from search.deadline import Deadline
from search.documents import cited_key
from search.engine import NO_DATE, Run
from search.law_documents import UNIT_KIND
from search.ranking import IndexView, Ranking, clause_frequency, idf
from search.request import Answer, Citing, SearchRequest
from search.syntax import ParsedQuery

# The most articles on a card, and the most citing articles listed under each.
CARD_ARTICLES = 3
CITING_ARTICLES = 3


@dataclass(frozen=True)
class Confidence:
    """When a unit ranking answers (module docstring): the card ends at the first of the first ``CARD_ARTICLES`` units
    scoring at least ``margin`` times the next one, and is shown when its evidence (``evidence``) weighed by
    ``relative_score``, ``held``, ``end_gap``, ``second_gap`` and ``law_missing``, plus ``bias``, is at least 0. Fitted on
    STARD's tuning half over the scores of ``UNIT_RANKING``, the threshold the most covering one whose precision there is
    at least 0.70, a margin above the target of 0.6 for the other half (bench/RESULTS.md, "Answer card")."""

    margin: float = 1.41
    relative_score: float = 0.47
    held: float = 1.59
    end_gap: float = 1.55
    second_gap: float = 1.01
    law_missing: float = -1.21
    bias: float = 0.19

    @property
    def weights(self) -> tuple[float, float, float, float, float]:
        """The weights in the order of ``evidence``."""
        return self.relative_score, self.held, self.end_gap, self.second_gap, self.law_missing


@dataclass(frozen=True)
class Reach:
    """What the question's clauses weigh (``whole``: each clause's weight times its idf among the units) and how much of
    it the top unit holds (``held``): what the top score is read against, whatever the question's length."""

    held: float
    whole: float


CONFIDENCE = Confidence()
# Added to scores before their ratios are taken: a unit no other follows stands clear of the next (a score of 0).
_TINY = 1e-3


def card_size(values: Sequence[float], margin: float) -> int:
    """How many of the best units (their scores, best first) the card holds: up to the first that scores at least
    ``margin`` times the next, all ``CARD_ARTICLES`` (or as many as matched) when none does."""
    padded = [*values[:CARD_ARTICLES + 1], 0.0]
    for size in range(1, min(CARD_ARTICLES, len(values)) + 1):
        if padded[size - 1] >= margin * padded[size]:
            return size
    return min(CARD_ARTICLES, len(values))


def tied(values: Sequence[float], size: int) -> bool:
    """Whether the card's last unit scores no more than the next: the ranking cannot tell which of them answer (a question
    of words every unit holds ranks them alike), so no card."""
    return len(values) > size and values[size - 1] <= values[size]


def evidence(values: Sequence[float], size: int, reach: Reach, law_found: bool) -> tuple[float, float, float, float, float]:
    """What the rule weighs for a card of ``size`` units: the log of the top score over the question's weight, the share
    of that weight the top unit holds, the log ratio of the card's last score to the next, of the second score to the
    third, and 1 when the search of whole documents has no hit of the top unit's law."""
    padded = [*values[:CARD_ARTICLES + 1], 0.0, 0.0, 0.0]
    whole = max(reach.whole, _TINY)
    relative = math.log(padded[0] / whole + _TINY)
    end = math.log((padded[size - 1] + _TINY) / (padded[size] + _TINY))
    second = math.log((padded[1] + _TINY) / (padded[2] + _TINY))
    return relative, reach.held / whole, end, second, 0.0 if law_found else 1.0


def chosen(ranked: Sequence[tuple[int, float]], reach: Reach, rule: Confidence = CONFIDENCE, law_found: bool = True) -> list[int]:
    """The units of a ranking (best first, with their scores, one more than a card holds) the card shows; none when the
    rule is not met. ``reach``: the question's weight and the top unit's share of it; ``law_found``: the search of whole
    documents has a hit of the top unit's law."""
    if not ranked:
        return []
    values = [value for _, value in ranked]
    size = card_size(values, rule.margin)
    if tied(values, size):
        return []
    weighed = sum(w * x for w, x in zip(rule.weights, evidence(values, size, reach, law_found), strict=True))
    return [docnum for docnum, _ in ranked[:size]] if weighed + rule.bias >= 0 else []


def ranked_units(view: IndexView, parsed: ParsedQuery, ranking: Ranking, deadline: Deadline, count: int) -> list[tuple[int, float]]:
    """The ``count`` best units for the question, with their scores; none when scoring was cut short."""
    matched, scores, partial = _unit_run(view, parsed, ranking, deadline).matched()
    if scores is None or partial:
        return []
    # a match without a score (a phrase's only) would rank last; scored only for the first page, the others cannot rank
    return [(docnum, scores[docnum]) for docnum in heapq.nlargest(count, scores.keys() & matched, key=scores.__getitem__)]


def reach(view: IndexView, parsed: ParsedQuery, ranking: Ranking, deadline: Deadline, docnum: int) -> Reach:
    """The weight of the question's clauses among the units, and of those unit ``docnum`` holds in any of its fields (a
    common clause the scorer skipped included: what the unit holds, not how its score was summed)."""
    held = whole = 0.0
    docs = np.array([docnum])
    for clause in _unit_run(view, parsed, ranking, deadline).clauses():
        weight = clause.weight * idf(view.unit_count, clause_frequency(view, clause))
        whole += weight
        terms = ((field, alt) for alt in clause.alternatives for field in clause.fields)
        if any(len(view.contributions_among(field, alt, ranking, clause.weight, docs)[0]) for field, alt in terms):
            held += weight
    return Reach(held, whole)


def _unit_run(view: IndexView, parsed: ParsedQuery, ranking: Ranking, deadline: Deadline) -> Run:
    """The card's search among the units, by their own text: no ``law_prior``, which lifts the first laws' units alike and
    narrows the gaps the rule reads; whether the search found the top unit's law is evidence of its own (``law_found``)."""
    return Run(view, SearchRequest(q=parsed.display(), kind=UNIT_KIND), parsed, replace(ranking, law_prior=0.0), deadline)


def answer_card(
    view: IndexView, request: SearchRequest, parsed: ParsedQuery, ranking: Ranking, deadline: Deadline, rule: Confidence = CONFIDENCE,
    laws: Sequence[str] = (),
) -> list[Answer]:
    """The card of a free-text question on the first page of a search of everything: empty when it does not apply, when
    the index holds no units or when no article answers with confidence. ``laws``: the urls of the law documents among
    the search's hits, best first."""
    if request.kind is not None or request.page != 1 or not view.units or not parsed.words or deadline.soft_passed():
        return []
    ranked = ranked_units(view, parsed, ranking, deadline, CARD_ARTICLES + 1)
    if not ranked:
        return []
    picked = chosen(ranked, reach(view, parsed, ranking, deadline, ranked[0][0]), rule, unit_law(view, ranked[0][0]) in laws)
    return [_answer(view, docnum) for docnum in picked]


def unit_law(view: IndexView, docnum: int) -> str:
    """The url of the law document unit ``docnum`` belongs to (``laws/<slug>/``), as a hit of that law has it."""
    return str(view.searcher.stored_fields(docnum)["slug"]).split("#", 1)[0]


def _answer(view: IndexView, docnum: int) -> Answer:
    stored = view.searcher.stored_fields(docnum)
    unit, slug = stored["unit"], stored["slug"]
    law_url = slug.split("#", 1)[0]
    return Answer(
        law=unit["law"], law_url=f"/{law_url}", label=unit["label"], anchor=unit["anchor"], url=f"/{slug}", text=unit["text"],
        version=unit["version"], repealed=bool(unit["repealed"]), citing=_citing(view, slug, unit["version"]),
    )


def _citing(view: IndexView, slug: str, version: str) -> list[Citing]:
    """The archive's articles citing the unit ``slug`` in ``version``, newest first."""
    docs = set(view.searcher.docs_for_query(wq.Term("cites", cited_key(slug, version)))) & view.live
    dates = view.dates
    newest = heapq.nlargest(CITING_ARTICLES, docs, key=lambda d: (0 if dates[d] == NO_DATE else dates[d], -d))
    out = []
    for docnum in newest:
        stored = view.searcher.stored_fields(docnum)
        out.append(Citing(title=stored["title"], url=stored["url"], date=stored["date_text"]))
    return out
