"""The answer card: the statute articles that answer a question, each with the archive's articles citing it.

A question in a person's own words (被邻居家的狗咬了谁来赔) is answered by one or two
articles of a law, which the hit list of whole documents dilutes. The card runs the
same question among the article units (kind ``provisions``, their own fields and
``UNIT_RANKING``) and shows the best ones only when the ranking is confident
(``Confidence``): the top unit scores at least ``min_score`` and one of the first
three stands clear of the next by ``margin`` (the card is the units above that
gap). When the search of whole documents ranks the top unit's law among its first
``agreeing_laws`` laws, two rankings point at the same law and the smaller
``agreeing_margin`` is enough: at the same coverage more cards are right. A vague
question ranks many units alike and gets no card rather than a wrong one. The rule
compares scores with each other rather than with a fixed scale, which changes with
the size of the library; bench/search_quality.py tunes it on STARD's tuning half
and reports coverage and precision on the other half.

Under each article, the archive's articles citing it: every article document holds
the statute articles it cites, resolved as the site build links them
(``search.documents.cites``), so this is one term lookup per card article, newest
first. A question naming a law's article (环境保护法第二十五条) gets that article in
the law block, as before, and no card.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from search.deadline import Deadline
from search.documents import cited_key
from search.engine import NO_DATE, Run
from search.law_documents import UNIT_KIND
from search.ranking import IndexView, Ranking
from search.request import Answer, Citing, SearchRequest
from search.syntax import ParsedQuery

# The most articles on a card, and the most citing articles listed under each.
CARD_ARTICLES = 3
CITING_ARTICLES = 3


@dataclass(frozen=True)
class Confidence:
    """When a unit ranking answers: its top score at least ``min_score``, and a unit among the first ``CARD_ARTICLES``
    scoring at least ``margin`` times the next one (the card ends there); ``agreeing_margin`` instead when the top unit's
    law is among the first ``agreeing_laws`` laws of the search's hits. Tuned on STARD's tuning half over the scores of
    ``UNIT_RANKING``: the most precise rule of the bench's grid covering at least 0.55 of the tuning half's questions
    (bench/RESULTS.md, "Answer card")."""

    min_score: float = 1.0
    margin: float = 1.41
    agreeing_margin: float = 1.24
    agreeing_laws: int = 1


CONFIDENCE = Confidence()


def chosen(ranked: Sequence[tuple[int, float]], rule: Confidence = CONFIDENCE, agrees: bool = False) -> list[int]:
    """The units of a ranking (best first, with their scores, one more than a card holds) the card shows; none when the
    rule is not met. ``agrees``: the search of whole documents ranks the top unit's law among its first laws."""
    if not ranked or ranked[0][1] < rule.min_score:
        return []
    margin = min(rule.margin, rule.agreeing_margin) if agrees else rule.margin
    values = [value for _, value in ranked[:CARD_ARTICLES + 1]] + [0.0]
    for size in range(1, min(CARD_ARTICLES, len(ranked)) + 1):
        if values[size - 1] >= margin * values[size]:
            return [docnum for docnum, _ in ranked[:size]]
    return []


def ranked_units(
    view: IndexView, parsed: ParsedQuery, ranking: Ranking, deadline: Deadline, count: int, law_scores: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """The ``count`` best units for the question, with their scores; none when scoring was cut short. ``law_scores``: the law
    documents' scores a search of everything gave (``search.engine.Run.law_scores``), else they are scored here."""
    request = SearchRequest(q=parsed.display(), kind=UNIT_KIND)
    matched, scores, partial = Run(view, request, parsed, ranking, deadline, law_scores=law_scores).matched()
    if scores is None or partial:
        return []
    # a match without a score (a phrase's only) would rank last; scored only for the first page, the others cannot rank
    return [(docnum, scores[docnum]) for docnum in heapq.nlargest(count, scores.keys() & matched, key=scores.__getitem__)]


def answer_card(
    view: IndexView, request: SearchRequest, parsed: ParsedQuery, ranking: Ranking, deadline: Deadline, rule: Confidence = CONFIDENCE,
    laws: Sequence[str] = (), law_scores: np.ndarray | None = None,
) -> list[Answer]:
    """The card of a free-text question on the first page of a search of everything: empty when it does not apply, when
    the index holds no units or when no article answers with confidence. ``laws``: the urls of the law documents among
    the search's hits, best first; ``law_scores``: their scores as that search gave them (``ranked_units``)."""
    if request.kind is not None or request.page != 1 or not view.units or not parsed.words or deadline.soft_passed():
        return []
    ranked = ranked_units(view, parsed, ranking, deadline, CARD_ARTICLES + 1, law_scores)
    picked = chosen(ranked, rule, bool(ranked) and unit_law(view, ranked[0][0]) in laws[:rule.agreeing_laws])
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
