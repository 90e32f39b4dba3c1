"""Learn lay word -> legal term associations from question -> statute article pairs; writes search/associations.tsv.

Input: STARD's ``queries.json`` (each question with the text of its relevant articles), of which only the
**tuning half** is read (``bench.search_corpus.tuning_half``), so the reporting half that
bench/search_quality.py scores stays unseen. Both sides are cut by the product's own analyzer
(``search.analysis.query_words``: stop and question words dropped, one list of alternatives per position).

For every question, its words Q and the words T of its articles' text that the question does not itself
use (what the statute says instead); over all questions, with N questions, c(q) the questions using q,
c(t) the questions whose articles hold t and c(q, t) the questions with both (t not in the question):

    npmi(q, t) = log(c(q, t) N / (c(q) c(t))) / -log(c(q, t) / N)

A pair is kept when c(q, t) >= MIN_COUNT, npmi >= MIN_NPMI, q and t are different words of Chinese
characters of at least two characters (one-character words are mostly particles) and neither contains the other; each lay word keeps its
PER_WORD best terms. The weight column is the npmi (0..1); the search scores a term at
``Ranking.learned_weight`` times it (search.associations). The output is sorted and has no date in it,
so the same input gives the same bytes.

    .venv/bin/python bench/learn_associations.py            # STARD under $FAZHI_SHARED, writes search/associations.tsv
    .venv/bin/python bench/learn_associations.py --queries FILE --out FILE --all
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search_corpus import STARD, tuning_half
from search.analysis import is_cjk, query_words
from search.associations import TABLE

MIN_COUNT = 4
MIN_NPMI = 0.25
PER_WORD = 3
HEADER = (
    "# Lay word -> legal term associations learned from question -> statute article pairs (bench/learn_associations.py).\n"
    "# Columns: lay word, legal term, questions with both, weight (normalised PMI, 0..1). See associations.ATTRIBUTION.md.\n"
    f"# min_count {MIN_COUNT}, min_npmi {MIN_NPMI}, per_word {PER_WORD}\n"
)


def words(text: str) -> set[str]:
    """The analyzer's words of ``text`` made of Chinese characters, every alternative of every position."""
    return {w for group in query_words(text) for w in group if all(is_cjk(c) for c in w)}


def pairs(queries: Path, everything: bool = False) -> list[tuple[set[str], set[str]]]:
    """(question words, article words not in the question) per question of the tuning half (of all with ``everything``)."""
    out = []
    for item in json.loads(queries.read_text("utf-8")):
        if not everything and not tuning_half(str(item["query_id"])):
            continue
        asked = words(item["问题"])
        statute = {w for w in words("\n".join(item["相关法规"].values())) if len(w) > 1} - asked
        out.append((asked, statute))
    return out


def learn(examples: list[tuple[set[str], set[str]]]) -> list[tuple[str, str, int, float]]:
    """(lay word, legal term, count, weight) rows, sorted by lay word then weight (highest first) then term."""
    n = len(examples)
    lay: Counter[str] = Counter()
    legal: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    for asked, statute in examples:
        lay.update(asked)
        legal.update(statute)
        both.update((q, t) for q in asked for t in statute)
    kept: dict[str, list[tuple[float, str, int]]] = {}
    for (q, t), count in both.items():
        if count < MIN_COUNT or len(q) < 2 or q in t or t in q or count == n:
            continue
        npmi = math.log(count * n / (lay[q] * legal[t])) / -math.log(count / n)
        if npmi >= MIN_NPMI:
            kept.setdefault(q, []).append((round(npmi, 3), t, count))
    rows = []
    for q in sorted(kept):
        for weight, t, count in sorted(kept[q], key=lambda row: (-row[0], row[1]))[:PER_WORD]:
            rows.append((q, t, count, weight))
    return rows


def render(rows: list[tuple[str, str, int, float]]) -> str:
    return HEADER + "".join(f"{q}\t{t}\t{count}\t{weight:.3f}\n" for q, t, count, weight in rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=Path, default=STARD / "queries.json", help="STARD's queries.json (default: under $FAZHI_SHARED)")
    ap.add_argument("--out", type=Path, default=TABLE, help=f"where to write the table (default: {TABLE})")
    ap.add_argument("--all", action="store_true", help="read every question, not only the tuning half (for small test inputs)")
    args = ap.parse_args()
    if not args.queries.is_file():
        print(f"learn_associations: {args.queries}: not found (set FAZHI_SHARED or pass --queries)", file=sys.stderr)
        return 2
    rows = learn(pairs(args.queries, args.all))
    args.out.write_text(render(rows), "utf-8")
    print(f"{len(rows)} associations of {len({q for q, *_ in rows})} lay words written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
