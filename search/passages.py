"""Best-passage evidence for reranking the top of a result list.

A long document (a law of 300 articles, a yearly report) matches a question's
words all over; what answers the question is one passage that holds many of
them together. For the best-ranked documents, ``best_passages`` reads the
stored text and scores each paragraph (a line: a law's article, a report's
paragraph) by the idf of the distinct query bigrams it holds; a document's
evidence is its best paragraph's share of the query's whole idf, from 0 to 1.
All matching is one regular expression pass per document (overlapping matches
through a lookahead), so a few dozen documents cost a few milliseconds.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right

from search.analysis import normalize
from search.deadline import Deadline
from search.ranking import IndexView

_LINE = re.compile("\n")


def best_passages(view: IndexView, docnums: list[int], bigrams: list[str], deadline: Deadline) -> dict[int, float]:
    """Per document, the share of the query bigrams' idf that its best paragraph holds (0 when none)."""
    grams = [b for b in dict.fromkeys(bigrams) if len(b) == 2]
    if not grams:
        return dict.fromkeys(docnums, 0.0)
    weights = {}
    for gram in grams:
        df = view.doc_frequency("body_bigram", gram)
        weights[gram] = math.log(1 + (view.count - df + 0.5) / (df + 0.5))
    whole = sum(weights.values()) or 1.0
    pattern = re.compile("(?=(" + "|".join(re.escape(g) for g in grams) + "))")
    out: dict[int, float] = {}
    for docnum in docnums:
        deadline.check()
        text = normalize(view.searcher.stored_fields(docnum).get("body") or "").lower()
        starts = [0] + [m.end() for m in _LINE.finditer(text)]
        held: dict[int, set[str]] = {}
        for match in pattern.finditer(text):
            held.setdefault(bisect_right(starts, match.start()), set()).add(match.group(1))
        out[docnum] = max((sum(weights[g] for g in found) for found in held.values()), default=0.0) / whole
    return out
