"""Lay words -> legal terms learned from question -> statute article pairs, read from ``associations.tsv``.

The table is learned by ``bench/learn_associations.py`` from the tuning half of STARD (attribution in
``associations.ATTRIBUTION.md``) and versioned with the code. ``learned_terms`` looks up the words of a
query (the analyzer's tokens, exact matches only: the pairs were counted on tokens) and returns their
terms with the pair's weight (0..1); the engine scores them at ``Ranking.learned_weight`` times that,
below the everyday-word table's terms (``Ranking.related_weight``) and the user's own words.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("associations.tsv")
# Learned terms added to one query at most, the best weighted first: each is one more clause to score.
MAX_LEARNED = 12


@lru_cache(maxsize=4)
def association_table(path: Path = TABLE) -> dict[str, tuple[tuple[str, float], ...]]:
    """Lay word -> ((legal term, weight), ...) in the file's order; ``#`` lines are comments."""
    table: dict[str, list[tuple[str, float]]] = {}
    for line in path.read_text("utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 4 and not fields[0].startswith("#"):
            table.setdefault(fields[0], []).append((fields[1], float(fields[3])))
    return {word: tuple(terms) for word, terms in table.items()}


def learned_terms(words: Iterable[str], skip: Iterable[str] = ()) -> list[tuple[str, float]]:
    """(term, weight) for the query's ``words``, best weight first, each term once, none of ``skip``; at most MAX_LEARNED."""
    table, seen = association_table(), set(skip)
    best: dict[str, float] = {}
    for word in words:
        for term, weight in table.get(word, ()):
            if term not in seen and weight > best.get(term, 0.0):
                best[term] = weight
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:MAX_LEARNED]
