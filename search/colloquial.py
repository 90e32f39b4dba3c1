"""Everyday words to the legal terms laws use for them (欠钱 -> 债务), read from ``colloquial.txt``.

The table is data, versioned with the code; ``legal_terms`` finds the everyday
words in a query (as substrings: 欠钱 is often cut into 欠 and 钱) and returns
their terms, which the engine scores with a lower weight than the user's own
words (``search.ranking.Ranking.related_weight``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("colloquial.txt")


@lru_cache(maxsize=1)
def colloquial_table() -> dict[str, tuple[str, ...]]:
    """Everyday word -> legal terms; ``#`` lines are comments."""
    table: dict[str, tuple[str, ...]] = {}
    for line in TABLE.read_text("utf-8").splitlines():
        fields = line.split()
        if fields and not fields[0].startswith("#") and len(fields) > 1:
            table[fields[0]] = tuple(dict.fromkeys((*table.get(fields[0], ()), *fields[1:])))
    return table


def legal_terms(text: str) -> list[str]:
    """The legal terms of every everyday word found in ``text``, in table order, each once."""
    terms: dict[str, None] = {}
    for word, related in colloquial_table().items():
        if word in text:
            terms.update(dict.fromkeys(t for t in related if t not in text))
    return list(terms)
