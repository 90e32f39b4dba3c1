"""BM25F over OR-ed clauses with a coordination bonus, scored straight from Whoosh's posting lists.

Whoosh's own matcher tree walks every document through a chain of Python
objects per clause; a question of twenty words plus their bigrams took
hundreds of milliseconds that way. Here each clause's postings are read once
(rarest first) and turned into per-document BM25 contributions (numpy arrays),
which are added to per-document totals over the whole index in one operation
per posting list, the same additions in the same order as posting by posting. A clause is one word position (its alternatives, in
title, body and the text of the article's files) or one character bigram (in the bigram fields); per field

    bm25 = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen))

with each field's own statistics (its document frequency for the idf, its own
average length), weighted per field and summed; of a clause's alternatives the
best one counts. Titles are short and few documents share a title word, so a
word of the title outweighs many mentions of it in a body. A document's score is the sum over clauses
times ``(matched clauses / clauses) ** coordination``, so documents matching
more of a question's words and bigrams rise, times the weight of the
document's level in the hierarchy of norms (``Ranking.levels``, the setting
``level_weights``; 1.0 for the archive's own articles, which have none): a
question from the public is answered by a national law before a city's
regulation that repeats its words. On a provincial site (``Ranking.jurisdiction``,
the setting ``jurisdiction``) the regulations and rules of its own province and
cities weigh as national law: they are the site's law too.
Lengths are character counts stored in the index (proportional to token counts for Chinese).

Two cuts keep long questions fast on large indexes, both by document
frequency: a clause in more than ``common`` of the documents is skipped when
the query has rarer ones, and a clause in more than ``admit`` of them (at least
ADMIT_FLOOR documents) only adds to documents a rarer clause found. So a
document holding nothing but the query's commonest words is not a match.
When only a page's first documents are wanted (``score`` with ``top``), those
common clauses are added only to the documents that can still reach the page
given the most each clause adds (MaxScore), looked up in their posting lists.

``IndexView`` caches what belongs to an index generation rather than to a
query: live documents, length arrays, levels, facet groups, dates, document
frequencies and the decoded postings and BM25 contributions of recent terms;
and, once warmed (``IndexView.warm``, which the search workers do while idle), the
decoded postings of the longest posting lists.
"""

from __future__ import annotations

import math
from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from fazhi.config import LevelWeights, Settings
from search.columns import column_values
from search.deadline import Deadline
from search.highlight import collapse
from search.law_documents import UNIT_KIND

# Index fields scored for a word clause and for a bigram clause, with the length column of each.
WORD_FIELDS = ("title", "body", "files")
BIGRAM_FIELDS = ("title_bigram", "body_bigram", "files_bigram")
# The fields of the text read from an article's files (attachments, images): scored below title and body.
FILE_FIELDS = ("files", "files_bigram")
# The same for statute article units (kind ``provisions``): law title and headings, the article, known questions.
UNIT_WORD_FIELDS = ("unit_title", "unit_text", "unit_questions")
UNIT_BIGRAM_FIELDS = ("unit_title_bigram", "unit_text_bigram", "unit_questions_bigram")
QUESTION_FIELDS = ("unit_questions", "unit_questions_bigram")
TITLE_FIELDS = ("title", "title_bigram", "unit_title", "unit_title_bigram")
LENGTH_COLUMN = {
    "title": "title_len", "body": "body_len", "files": "files_len", "title_bigram": "title_len", "body_bigram": "body_len",
    "files_bigram": "files_len", "unit_title": "unit_title_len", "unit_text": "unit_text_len", "unit_questions": "unit_questions_len",
    "unit_title_bigram": "unit_title_len", "unit_text_bigram": "unit_text_len", "unit_questions_bigram": "unit_questions_len",
}
UNIT_FIELDS = frozenset(UNIT_WORD_FIELDS + UNIT_BIGRAM_FIELDS)
UNIT_LENGTHS = frozenset(LENGTH_COLUMN[field] for field in UNIT_FIELDS)
# Decoded postings and contributions kept per index generation, counted in postings (8 to 12 bytes each). Four times as
# many gave 200 distinct questions among the 140,038 article units 1.05x less CPU (p50; the mean 1.04x): most of a
# question's terms are read for the first time.
CACHE_POSTINGS = 4_000_000
# Postings decoded ahead of searches (``IndexView.warm``), the longest posting lists of the scored fields first, kept for the
# index generation beside the cache: decoding Whoosh's blocks of a term read for the first time is most of a search's CPU.
# 200 questions among the 140,038 article units (kind=provisions), CPU mean 31.6 ms cold, 25.0 ms after warming 8,000,000
# postings, 19.3 ms after 16,000,000 and 16.0 ms after 24,000,000 (19 s of CPU and about 280 MiB per process; all of
# the library's 30 million would take 60 s).
WARM_POSTINGS = 24_000_000
# Terms of the index counted between two looks at whether a search waits: counting a field's terms for the warm-up takes
# seconds on a large index, and a search must not wait for it.
WARM_STEP = 1000
# Characters of stored text kept per index generation for the hits it makes (``IndexView.shown``): reading a law's
# stored fields (zlib, pickle) and collapsing its whitespace for a snippet took 4.4 ms of a search page's CPU, and the
# same laws answer many questions (the first page of 200 STARD questions: 2,506 hits of 563 documents, 76 % of them
# shown before by the last 256). A law is 29,000 characters on average, the longest about 10⁵: at most about 16 MB per process.
SHOWN_CHARS = 8_000_000
# The fields scored for documents and for article units: the postings warmed.
SCORED_FIELDS = WORD_FIELDS + BIGRAM_FIELDS + UNIT_WORD_FIELDS + UNIT_BIGRAM_FIELDS
ADMIT_FLOOR = 500
# Looking up one document in a posting list not yet read (``skip_to``) costs about as much as decoding and scoring this
# many postings of it: fewer documents than df / LOOKUP_COST are looked up, more read the whole list.
LOOKUP_COST = 24
# Weight of a law document by its level (fazhi.law.levels), highest level first, as the setting ``level_weights``
# declares its defaults; a level not listed weighs as "other".
LEVEL_WEIGHTS: tuple[tuple[str, float], ...] = tuple(asdict(LevelWeights()).items())
# The levels a province makes (地方性法规, 地方政府规章): on that province's own site they weigh as "law".
OWN_LEVELS = frozenset(("local", "rules"))


@dataclass(frozen=True)
class Ranking:
    """Scoring knobs, tuned on the tuning half of STARD (bench/search_quality.py); the defaults are what the product uses.

    Tuning half, nDCG@10: title_weight 0.5 (0.623) beats 1.0 (0.615) and 2.0 (0.604) with titles saturating
    (title_k1 1.2); related terms at 0.5 (0.623) beat none (0.616). Named laws, and documents asked for by
    their exact title, rank first whatever these weights (search.engine).

    Level weights (``levels``), on the 3,475 LawRefBook files indexed as law documents: every level at 1.0
    gives 0.627 (Recall@10 0.781, MRR@10 0.598); 法律 1.0, 行政法规 0.7, 司法解释 0.7, 规章 0.5, the rest 0.3
    gives 0.740; 司法解释 0.6 and 规章 0.4 give 0.749 (Recall@10 0.871, MRR@10 0.739). Local regulations at
    0.2 or 0.15 add less than 0.001, so they stay at 0.3; 行政法规 at 0.6 or 0.8 and 司法解释 at 0.5 lose
    0.002 to 0.003.

    ``kind=laws`` over laws and their article units (one document per law): a law adding its best article's score
    (``best_unit`` 1.0) gives 0.855 against 0.842 by the law's text alone.
    """

    # Weak saturation and almost no length normalisation: in long documents (a law, a yearly report)
    # a term that recurs is what the document is about.
    k1: float = 8.0
    b: float = 0.1
    # Titles saturate at once: a title is about its words whether it says them once or twice.
    title_k1: float = 1.2
    title_b: float = 0.5
    title_weight: float = 0.5
    bigram_weight: float = 1.0
    # Legal terms an everyday word of the query stands for (search.colloquial), relative to the user's own words.
    related_weight: float = 0.5
    # Legal terms learned for the query's words (search.associations), times each pair's weight (0..1): at most 0.4,
    # below related terms, as a learned pair is a co-occurrence, not a meaning someone wrote down. Tuning half,
    # nDCG@10: 0.1 0.762, 0.2 0.763, 0.3 0.766, 0.4 0.768 (none: 0.750). 0 turns them off.
    learned_weight: float = 0.4
    coordination: float = 0.5
    # The text read from an article's files counts below its title and body: the page is what the authority
    # published as the article, a file's words (often a table or a scan read by OCR) only support it.
    files_weight: float = 0.3
    # A clause found in more than this share of documents is skipped when the query has rarer ones:
    # it barely moves the ranking and its postings are the most expensive to read.
    common: float = 0.6
    # A clause found in more than this share of documents (and at least ADMIT_FLOOR) only adds to documents
    # that rarer clauses found: a document with nothing but the query's most common words is no match.
    admit: float = 0.05
    # CPU seconds after which scoring stops adding clauses and the response is flagged partial (the soft budget;
    # the hard one, past which a search is stopped with a 503, is the caller's: search.query.search's timeout).
    budget: float = 1.0
    # Multiplies the score of a law document by the weight of its level (LEVEL_WEIGHTS); documents without a
    # level (the archive's own articles) weigh 1.0. A pair per level, so the dataclass stays frozen and hashable.
    levels: tuple[tuple[str, float], ...] = LEVEL_WEIGHTS
    # The site's own province (fazhi.law.regions): its regulations and rules, and its cities', weigh as "law".
    jurisdiction: str = ""
    # Units only: questions known to be answered by an article count below its own text; an article of a repealed
    # law weighs this much of one in force.
    questions_weight: float = 0.5
    repealed_weight: float = 0.5
    # Documents only, for ``kind=laws`` on an index holding article units: a law's score adds this much of the score of
    # its best-matching article (scored with the units' own ranking), so a law whose one article answers a question rises.
    # Tuning half of STARD, kind=laws over the 3,207 laws and 140,038 units of LawRefBook (bench/search_quality.py
    # --laws-by-articles), nDCG@10: 0 0.842, 0.25 0.848, 0.5 0.852, 1.0 0.855 (MRR@10 0.829 -> 0.844), 2.0 0.855.
    # Every matching unit counts: counting only the first 100 by score gave 0.848 / 0.852 / 0.853 / 0.854 at the weights above.
    best_unit: float = 1.0
    # Units only (kind ``provisions``): each of the first ``law_depth`` units by its own score adds ``law_prior`` times the
    # top unit's score times its law's relevance, the score of the law's document (scored among the documents with the
    # documents' ranking, no best unit: the two never feed each other) divided by the best law document's. A unit's own
    # text is short: an article of an unrelated law whose words happen to match competes with the articles of the law
    # the question is about, and the law as a whole tells them apart. 0 turns it off (the documents' value).
    law_prior: float = 0.0
    law_depth: int = 300

    def level_weight(self, level: str, jurisdiction: str = "") -> float:
        """The weight of a document of ``level`` made in ``jurisdiction`` (a province, "" for national texts; "" level for an
        article: 1.0)."""
        if not level:
            return 1.0
        weights = dict(self.levels)
        if self.jurisdiction and jurisdiction == self.jurisdiction and level in OWN_LEVELS:
            level = "law"
        return weights.get(level, weights.get("other", 1.0))


DEFAULT_RANKING = Ranking()
# Statute article units (kind ``provisions``) are short and many: their own statistics and settings. Tuning half of
# STARD at article level, 140,038 units of LawRefBook (bench/search_quality.py --articles), nDCG@10 / Recall@100:
# the documents' Ranking (k1 8, b 0.1) 0.379 / 0.704; k1 1.2 with b 0.75 0.429 / 0.725, b 0.5 0.424 / 0.720,
# b 0.9 0.429 / 0.727 (Recall@10 0.519 against 0.521): a term repeated in a short article is saturated early and
# a long article is normalised down, as textbook BM25 does. Level weights and the rest as for documents.
# The other knobs, one at a time from the documents' values, with the shipped associations (same half and measures;
# the documents' values give 0.470 / 0.759): admit 0.1, 0.2 and 1.0 all 0.471 / 0.761, so 0.1, the one of them that
# reads the fewest postings (bench/unit_speed.py, provisions: CPU p50 48.5 / p95 132 ms against 45.8 / 130 at 0.05,
# on the same loaded machine; 42.4 / 101 with all four below); then with admit 0.1: coordination 0 0.441 / 0.754,
# 0.25 0.459 / 0.764, 1 0.473 / 0.764; bigram_weight 0.5 0.474 / 0.767; learned_weight 0.2 0.465 / 0.753, 0.6 0.475 /
# 0.770, 0.8 0.477 / 0.772; related_weight 0.25 0.469 / 0.758, 0.75 0.473 / 0.765; title_weight 0.25 0.468 / 0.758.
# Together, coordination 1 with learned_weight 0.8 0.478 / 0.770, and bigram_weight 0.5 besides 0.480 / 0.777: a unit
# is short, so matching more of the question's clauses says more than in a law, and a bigram, which repeats part of a
# word already scored, counts half. related_weight and title_weight stay (within 0.002); common stays (not measured).
# The law prior (``law_prior``), tuned offline on the tuning half over the first 300 units of this ranking with their scores
# and the law documents' scores for each question (nDCG@10 / Recall@100; none: 0.483 / 0.779): the prior relative to the
# top unit, law relative to the best law, 0.1 0.488 / 0.797, 0.2 0.494 / 0.806, 0.3 0.497 / 0.807, 0.5 0.495 / 0.806,
# 0.8 0.491 / 0.799; the laws ranked with their best units (best_unit 1.0) instead 0.496 / 0.806 at 0.3; by the law's
# rank, 1 / (rank + 3), 0.497 / 0.805 at 1.0 (1 / (rank + 1) 0.495 / 0.809 at 0.2); the law's share squared 0.494 /
# 0.805 at 0.2; only the first 3 or 10 laws 0.496 / 0.802 and 0.498 / 0.806; multiplying the unit's score by
# (1 + w x the law's share) 0.495 / 0.801 at w 1.0. The first 100 or 200 units reranked give Recall@100 0.779 and 0.798
# at 0.3 (300: 0.807); adding the other units of the first 1 or 3 laws beside the first 300 gains 0.004 to 0.005.
UNIT_RANKING = Ranking(
    k1=1.2, b=0.75, title_k1=1.2, title_b=0.5, title_weight=0.5, coordination=1.0, bigram_weight=0.5, learned_weight=0.8, admit=0.1,
    law_prior=0.3,
)


def site_ranking(settings: Settings) -> Ranking:
    """The ranking a deployment searches with: the defaults, with its level weights and its province."""
    return replace(DEFAULT_RANKING, levels=tuple(asdict(settings.level_weights).items()), jurisdiction=settings.jurisdiction)


@dataclass(frozen=True)
class Clause:
    """One scored unit of a query: alternatives for one position, searched in ``fields``."""

    alternatives: tuple[str, ...]
    fields: tuple[str, ...]
    weight: float = 1.0


class IndexView:
    """What one index generation needs for scoring and filtering, computed once per searcher."""

    def __init__(self, searcher: Searcher):
        self.searcher = searcher
        reader = self.reader = searcher.reader()
        self.size = reader.doc_count_all()
        everything = frozenset(reader.all_doc_ids())
        kinds = _column(reader, "kind", self.size, None)
        # Statute article units are searched only when asked for (kind ``provisions``), with statistics of their own:
        # ``live`` and ``count`` are the documents', ``units`` and ``unit_count`` the units'.
        self.units = frozenset(d for d in everything if kinds[d] == UNIT_KIND)
        self.live = everything - self.units if self.units else everything
        self.count = max(1, len(self.live))
        self.unit_count = max(1, len(self.units))
        self.lengths = {name: array("f", _column(reader, name, self.size, 0)) for name in set(LENGTH_COLUMN.values())}
        self.average = {}
        for name, lengths in self.lengths.items():
            scope, count = (self.units, self.unit_count) if name in UNIT_LENGTHS else (self.live, self.count)
            self.average[name] = max(1.0, sum(lengths[d] for d in scope) / count)
        self.repealed = _column(reader, "repealed", self.size, 0) if self.units else None
        self.dates = _column(reader, "date", self.size, 0, translate=False)
        # Each document's level and province as a small number (its place in ``level_names``), read once per generation.
        levels = list(zip(_column(reader, "level", self.size, ""), _column(reader, "jurisdiction", self.size, ""), strict=True))
        self.level_names = sorted(set(levels))
        codes = {name: n for n, name in enumerate(self.level_names)}
        self.level_codes = array("B" if len(codes) < 256 else "I", (codes[name] for name in levels))
        self._level_weights: dict[tuple[Any, ...], np.ndarray | None] = {}
        self.groups: dict[str, dict[Any, set[int]]] = {}
        # and per document the place of its value among ``facet_values``, to count many groups in one pass
        self.facet_values: dict[str, list[Any]] = {}
        self.facet_codes: dict[str, array] = {}
        for name in ("column", "year", "kind"):
            values = _column(reader, name, self.size, None)
            groups: dict[Any, set[int]] = {}
            for docnum in everything:
                groups.setdefault(values[docnum], set()).add(docnum)
            self.groups[name] = groups
            places = {value: n for n, value in enumerate(dict.fromkeys(values))}
            self.facet_values[name] = list(places)
            self.facet_codes[name] = array("I", (places[value] for value in values))
        # Whoosh keeps a deleted document's postings until its segment is merged: without deletions, every document a
        # posting list names is live.
        self.deletions = reader.has_deletions()
        # Titles as search.engine compares them with a query (search.syntax.title_key), filled as they are read.
        self.title_keys: dict[int, str] = {}
        self._unit_laws: tuple[np.ndarray, np.ndarray] | None = None
        self._facet_groups: dict[tuple[str, bool], dict[Any, frozenset[int]]] = {}
        self._frequencies: dict[tuple[str, str], int] = {}
        self._norms: dict[tuple[str, float, float], np.ndarray] = {}
        self._least_norms: dict[tuple[str, float, float], float] = {}
        self._max_tfs: dict[tuple[str, str], float] = {}
        self._max_level_weight: dict[tuple[Any, ...], float] = {}
        self._cache: OrderedDict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._warm: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._warming: Iterator[None] | None = None
        self._shown: OrderedDict[int, tuple[dict[str, Any], int]] = OrderedDict()
        self._shown_chars = 0

    def level_weights(self, ranking: Ranking) -> np.ndarray | None:
        """Per document the weight of its level (and province) under ``ranking`` (of a repealed law's unit, times
        ``repealed_weight``); None when every document weighs 1.0."""
        key = (ranking.levels, ranking.jurisdiction, ranking.repealed_weight)
        if key not in self._level_weights:
            by_code = [ranking.level_weight(level, place) for level, place in self.level_names]
            weights = None if all(w == 1.0 for w in by_code) else np.array(by_code)[np.asarray(self.level_codes)]
            # a document without the field reads Whoosh's numeric default (the largest int): only 1 is repealed
            if self.repealed is not None and ranking.repealed_weight != 1.0 and 1 in self.repealed:
                weights = weights if weights is not None else np.ones(self.size)
                weights[np.array(self.repealed) == 1] *= ranking.repealed_weight
            self._level_weights[key] = weights
        return self._level_weights[key]

    def max_level_weight(self, ranking: Ranking) -> float:
        """The largest of ``level_weights`` (1.0 when every document weighs 1.0)."""
        weights = self.level_weights(ranking)
        key = (ranking.levels, ranking.jurisdiction, ranking.repealed_weight)
        if key not in self._max_level_weight:
            self._max_level_weight[key] = 1.0 if weights is None or not len(weights) else float(weights.max())
        return self._max_level_weight[key]

    def facet_groups(self, name: str, units: bool) -> dict[Any, frozenset[int]]:
        """The groups of ``name`` within the units (``units``) or the documents, empty ones left out; a group holding the
        whole of that scope is the scope itself (``units`` or ``live``), so a count within it is the count of the set."""
        key = (name, units)
        found = self._facet_groups.get(key)
        if found is None:
            scope = self.units if units else self.live
            found = {}
            for value, group in self.groups[name].items():
                within = scope if scope <= group else frozenset(group & scope)
                if within:
                    found[value] = within
            self._facet_groups[key] = found
        return found

    def unit_laws(self) -> tuple[np.ndarray, np.ndarray]:
        """The law documents having article units (ascending), and per document the place of its law's among them (-1 for
        a document that is no unit or whose law is not indexed): read once per generation, when first asked, as arrays,
        so a ranking of the units reads its laws' scores in one operation."""
        if self._unit_laws is None:
            slugs = _column(self.reader, "slug", self.size, "")
            by_slug = {slugs[d]: d for d in self.live}
            parents = _column(self.reader, "law_id", self.size, "")
            owners = {d: by_slug[parents[d]] for d in self.units if parents[d] in by_slug}
            laws = np.array(sorted(set(owners.values())), dtype=np.intp)
            place = {law: n for n, law in enumerate(laws.tolist())}
            places = np.full(self.size, -1, dtype=np.intp)
            for unit, law in owners.items():
                places[unit] = place[law]
            self._unit_laws = laws, places
        return self._unit_laws

    def shown(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields as a hit shows them, its ``body`` with its whitespace collapsed for snippets
        (``search.highlight.collapse``); the documents shown last kept up to ``SHOWN_CHARS`` characters of text."""
        found = self._shown.get(docnum)
        if found is not None:
            self._shown.move_to_end(docnum)
            return found[0]
        stored = self.searcher.stored_fields(docnum)
        body = collapse(stored.get("body") or "")
        stored["body"] = body
        chars = len(body) + sum(len(text) for _, _, text in stored.get("file_parts") or ())
        self._shown[docnum] = stored, chars
        self._shown_chars += chars
        while self._shown_chars > SHOWN_CHARS and len(self._shown) > 1:
            _, (_, dropped) = self._shown.popitem(last=False)
            self._shown_chars -= dropped
        return stored

    def scope_count(self, field: str) -> int:
        """How many documents the statistics of ``field`` are over: the units' for a unit field, else the documents'."""
        return self.unit_count if field in UNIT_FIELDS else self.count

    def doc_frequency(self, field: str, text: str) -> int:
        key = (field, text)
        found = self._frequencies.get(key)
        if found is None:
            found = self._frequencies[key] = self.reader.doc_frequency(field, text)
        return found

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of one term, decoded block by block and cached; ascending document numbers."""
        hit = self._warm.get((field, text))
        if hit is not None:
            return hit
        key = ("postings", field, text)
        hit = self._recall(key)
        return hit if hit is not None else self._keep(key, self._decode(field, text))

    def _decode(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of one term, read from every segment holding it."""
        parts = [_read_matcher(matcher, offset) for matcher, offset, _ in self._matchers(field, text)]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        return np.concatenate([ids for ids, _ in parts]), np.concatenate([tfs for _, tfs in parts])

    def warm(self, postings: int = WARM_POSTINGS, stop: Callable[[], bool] | None = None) -> bool:
        """Read the units' laws (``unit_laws``), then decode and keep the longest posting lists of the scored fields, up to
        ``postings`` postings in all (the first call's), until ``stop()`` is true (asked every ``WARM_STEP`` terms counted
        and between two terms decoded; the next call goes on from there); True once all are kept.

        Every search among the units reads their laws for the law prior; read on the first such search instead, on the
        whole library it took 0.5 s of CPU, past the fast lane's budget, and the search went to the slow lane."""
        if self._warming is None:
            self._warming = self._warm_steps(postings)
        return all(stop is None or not stop() for _ in self._warming)

    def _warm_steps(self, postings: int) -> Iterator[None]:
        """The warm-up in steps, yielding before each: the units' laws, count every term's postings, then decode the
        longest first."""
        if self.units:
            yield
            self.unit_laws()
        frequency: dict[tuple[str, str], int] = {}
        for segment, _ in self.reader.leaf_readers():
            for field in (f for f in SCORED_FIELDS if f in segment.schema):
                decode = segment.schema[field].from_bytes
                for n, (raw, info) in enumerate(segment.iter_field(field)):
                    if n % WARM_STEP == 0:
                        yield
                    term = (field, decode(raw))
                    frequency[term] = frequency.get(term, 0) + info.doc_frequency()
        total = 0
        for term in sorted(frequency, key=frequency.__getitem__, reverse=True):
            total += frequency[term]
            if total > postings:
                return
            yield
            self._warm[term] = self._decode(*term)

    def _matchers(self, field: str, text: str) -> Iterator[tuple[Any, int, int]]:
        """(matcher, first document number, end) of the term in each segment holding it; deletions are left to the
        callers, whose document sets (``live``, ``units``) hold no deleted document."""
        for segment, offset in self.reader.leaf_readers():
            if (field, text) in segment:
                matcher = segment.postings(field, text)
                yield getattr(matcher, "child", matcher), offset, offset + segment.doc_count_all()

    def contributions(self, field: str, text: str, ranking: Ranking, weight: float) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25 contribution of the term in ``field``), cached per ranking and weight."""
        key, factor, norm = self._bm25(field, text, ranking, weight)
        hit = self._recall(key)
        if hit is not None:
            return hit
        ids, tfs = self.postings(field, text)
        # in double precision, in the order of the formula: the same floats as adding posting by posting
        tf = tfs.astype(np.float64)
        return self._keep(key, (ids, factor * tf / (tf + norm[ids])))

    def contributions_among(
        self, field: str, text: str, ranking: Ranking, weight: float, docs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(places in ``docs``, contribution) of the term in ``field`` for those of ``docs`` (ascending) that hold it.

        Equal to ``contributions`` restricted to ``docs``. A few documents of a long posting list not yet read are
        looked up in its warmed postings (``warm``), else with the matcher's ``skip_to``, which decodes only the blocks
        holding them.
        """
        key, factor, norm = self._bm25(field, text, ranking, weight)
        hit = self._recall(key)
        warmed = self._warm.get((field, text))
        if hit is None and warmed is not None:
            places, at = _places(warmed[0], docs)
            tf = warmed[1][at].astype(np.float64)
            return places, factor * tf / (tf + norm[docs[places]])
        if hit is None and len(docs) * LOOKUP_COST >= self.doc_frequency(field, text):
            hit = self.contributions(field, text, ranking, weight)
        if hit is not None:
            places, at = _places(hit[0], docs)
            return places, hit[1][at]
        places, tfs = [], []
        for matcher, offset, end in self._matchers(field, text):
            first, last = np.searchsorted(docs, (offset, end))
            for place in range(first, last):
                if not matcher.is_active():
                    break
                d = int(docs[place]) - offset
                matcher.skip_to(d)
                if matcher.is_active() and matcher.id() == d:
                    places.append(place)
                    tfs.append(matcher.weight())
        found = np.array(places, dtype=np.intp)
        tf = np.array(tfs, dtype=np.float32).astype(np.float64)
        return found, factor * tf / (tf + norm[docs[found]])

    def bound(self, field: str, text: str, ranking: Ranking, weight: float) -> float:
        """The largest contribution the term in ``field`` makes to any document: exact once its postings are read, else
        from its largest term frequency and the field's smallest length norm (no postings read)."""
        key, factor, norm = self._bm25(field, text, ranking, weight)
        hit = self._recall(key)
        if hit is not None:
            return float(hit[1].max()) if len(hit[1]) else 0.0
        most = self._max_tf(field, text)
        if not most:
            return 0.0
        least = self._least_norm(field, key[3], key[4], norm)
        return factor * most / (most + least)

    def _bm25(self, field: str, text: str, ranking: Ranking, weight: float) -> tuple[tuple[Any, ...], float, np.ndarray]:
        """The cache key of the term's contributions, the factor of its BM25 (idf, weights, k1 + 1) and the field's length norms."""
        r = ranking
        if field in TITLE_FIELDS:
            k1, field_b, field_weight = r.title_k1, r.title_b, r.title_weight
        else:
            k1, field_b = r.k1, r.b
            field_weight = r.files_weight if field in FILE_FIELDS else r.questions_weight if field in QUESTION_FIELDS else 1.0
        df = self.doc_frequency(field, text)
        count = self.scope_count(field)
        factor = weight * field_weight * idf(count, df) * (k1 + 1)
        return ("bm25", field, text, k1, field_b, field_weight * weight), factor, self.norms(field, k1, field_b)

    def _max_tf(self, field: str, text: str) -> float:
        """The term's largest frequency in one document of ``field`` (Whoosh keeps it per term and segment)."""
        key = (field, text)
        found = self._max_tfs.get(key)
        if found is None:
            found = self._max_tfs[key] = max(
                (segment.term_info(field, text).max_weight() for segment, _ in self.reader.leaf_readers() if key in segment), default=0.0
            )
        return found

    def _least_norm(self, field: str, k1: float, b: float, norm: np.ndarray) -> float:
        """The smallest length norm of ``field`` among the documents its statistics are over."""
        key = (LENGTH_COLUMN[field], k1, b)
        found = self._least_norms.get(key)
        if found is None:
            scope = self.units if field in UNIT_FIELDS else self.live
            found = self._least_norms[key] = float(norm[np.fromiter(scope, np.intp, len(scope))].min()) if scope else 0.0
        return found

    def norms(self, field: str, k1: float, b: float) -> np.ndarray:
        """Per document ``k1 * (1 - b + b * len / avglen)`` for one field, in double precision from single-precision norms."""
        column = LENGTH_COLUMN[field]
        key = (column, k1, b)
        norm = self._norms.get(key)
        if norm is None:
            lengths = np.frombuffer(self.lengths[column], np.float32).astype(np.float64)
            norm = self._norms[key] = (k1 * (1 - b + b * lengths / self.average[column])).astype(np.float32).astype(np.float64)
        return norm

    def _recall(self, key: tuple[Any, ...]) -> tuple[np.ndarray, np.ndarray] | None:
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
        return hit

    def _keep(self, key: tuple[Any, ...], value: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Cache ``value``, dropping the least recently used entries beyond CACHE_POSTINGS postings."""
        self._cache[key] = value
        self._cached += len(value[0])
        while self._cached > CACHE_POSTINGS and len(self._cache) > 1:
            _, (old, _) = self._cache.popitem(last=False)
            self._cached -= len(old)
        return value


def _column(reader: Any, name: str, size: int, default: Any, translate: bool = True) -> list[Any]:
    """Every document's value of a sortable field (``default`` for a segment without the column)."""
    values = column_values(reader, name, default, translate)
    return values if len(values) == size else values + [default] * (size - len(values))


def _places(ids: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(places in ``docs`` of the documents ``ids`` holds, their places in ``ids``); ``ids`` and ``docs`` ascending."""
    if not len(ids):
        return np.empty(0, np.intp), np.empty(0, np.intp)
    at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
    places = np.flatnonzero(ids[at] == docs)
    return places, at[places]


def _read_matcher(matcher: Any, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings, (document numbers from ``offset``, term frequencies); whole blocks at a time for Whoosh's
    block matcher, else one by one."""
    # Whoosh's W3LeafMatcher has no public way to read a block's ids and weights at once, and one call per
    # posting is most of a search's time. Private members as in whoosh-reloaded 2.7.5: tests/search/test_index_writer.py
    # pins that release and compares these reads with the matcher's public ones.
    ids, tfs = array("i"), array("f")
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            ids.extend(matcher._ids)
            tfs.extend(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
    return np.frombuffer(ids, np.int32) + np.int32(offset), np.frombuffer(tfs, np.float32)


@dataclass
class Scores:
    """Per-document scores of a query; ``partial`` when the time budget cut clauses off. ``matched``: every matching
    document. Scored for the first ``top`` only (``score``), ``scores`` holds the documents that may rank among them."""

    scores: dict[int, float]
    partial: bool = False
    matched: Collection[int] = ()


@dataclass
class _Sums:
    """A query's running sums over the whole index: per document its total, how many clauses it matched and the last
    clause that counted it (so a document a clause finds in several fields counts once, without a pass over the index)."""

    totals: np.ndarray
    counts: np.ndarray
    last: np.ndarray
    bonus: np.ndarray
    weights: np.ndarray | None

    def floor(self, docs: np.ndarray) -> np.ndarray:
        """The scores of ``docs`` from the clauses added so far (the final scores only raise them)."""
        values = self.totals[docs] * self.bonus[self.counts[docs]]
        return values if self.weights is None else values * self.weights[docs]

    def count(self, docs: np.ndarray, clause: int) -> bool:
        """Count clause number ``clause`` once for each of ``docs`` it has not yet counted for; True when any was new."""
        new = docs[self.last[docs] != clause]
        self.last[new] = clause
        self.counts[new] += 1
        return bool(len(new))


def idf(count: int, df: int) -> float:
    """BM25's inverse document frequency of a term in ``df`` of ``count`` documents (positive, so a term every document
    holds still counts a little)."""
    return math.log(1 + (count - df + 0.5) / (df + 0.5))


def clause_frequency(view: IndexView, clause: Clause) -> int:
    """The document frequency of a clause: of its commonest alternative in its commonest field."""
    return max(view.doc_frequency(f, alt) for alt in clause.alternatives for f in clause.fields)


def score(view: IndexView, clauses: list[Clause], ranking: Ranking, deadline: Deadline, top: int | None = None) -> Scores:
    """Sum of clause scores per document, with the coordination bonus; rarest clauses first.

    With ``top``, only the first ``top`` documents need their scores: the clauses that only add to documents rarer ones
    found (``admit``, the longest posting lists) are then added to the documents that could still reach the first
    ``top`` given what each clause can add at most (``IndexView.bound``), looked up rather than read whole (MaxScore).
    The matching documents, their number and the first ``top`` with their scores are those of the full sum.

    Per document totals and clause counts are arrays over the index, added to a posting list at a time.
    Stops adding clauses once the soft budget has passed (``partial``); raises SearchTimeout past the hard one.
    """
    r = ranking
    ranked = []
    for clause in clauses:
        df = clause_frequency(view, clause)
        if df:
            ranked.append((df, clause))
    ranked.sort(key=lambda item: item[0])
    count = view.scope_count(clauses[0].fields[0]) if clauses else view.count
    if ranked and ranked[0][0] <= r.common * count:
        ranked = [(df, c) for df, c in ranked if df <= r.common * count]
    bonus = np.array([(m / len(clauses)) ** r.coordination for m in range(len(clauses) + 1)])
    sums = _Sums(np.zeros(view.size), np.zeros(view.size, np.int32), np.full(view.size, -1, np.int32), bonus, view.level_weights(r))
    partial = False
    admit = max(ADMIT_FLOOR, r.admit * count)
    any_matched = False
    for n, (df, clause) in enumerate(ranked):
        deadline.check()
        if deadline.soft_passed():
            partial = True
            break
        admits = df <= admit or not any_matched  # a common clause only adds to documents rarer ones found
        if not admits and top is not None:
            matched = np.flatnonzero(sums.counts)  # the bounded clauses add no document
            kept, partial = _add_bounded(view, [c for _, c in ranked[n:]], r, sums, matched, top, deadline)
            return Scores(dict(zip(kept.tolist(), sums.floor(kept).tolist(), strict=True)), partial, matched.tolist())
        any_matched = _add(view, clause, n, r, sums, admits) or any_matched
    matched = np.flatnonzero(sums.counts)
    return Scores(dict(zip(matched.tolist(), sums.floor(matched).tolist(), strict=True)), partial, matched.tolist())


def _add(view: IndexView, clause: Clause, number: int, ranking: Ranking, sums: _Sums, admits: bool) -> bool:
    """Add clause ``number`` to every document holding it (to those already matched only, unless it ``admits``); True
    when it matched any."""
    if len(clause.alternatives) > 1:
        best = _best_alternative(view, clause, ranking, np.full(view.size, -math.inf))
        reached = np.flatnonzero(best > -math.inf)
        if not admits:
            reached = reached[sums.counts[reached] > 0]
        sums.totals[reached] += best[reached]
        return sums.count(reached, number)
    found = False
    for field in clause.fields:
        ids, scores = view.contributions(field, clause.alternatives[0], ranking, clause.weight)
        if not admits:
            # only the documents rarer clauses matched (a field's counting adds none: it counts matched documents only)
            keep = sums.counts[ids] > 0
            ids, scores = ids[keep], scores[keep]
        # a term's document numbers are distinct: one addition each, in the order of the fields as posting by posting
        sums.totals[ids] += scores
        found = sums.count(ids, number) or found
    return found


# Relative slack on the bounds of ``_add_bounded``: the bounds and the sums they bound add in different orders.
BOUND_SLACK = 1e-9


def _add_bounded(
    view: IndexView, rest: list[Clause], ranking: Ranking, sums: _Sums, candidates: np.ndarray, top: int, deadline: Deadline
) -> tuple[np.ndarray, bool]:
    """Add the clauses ``rest`` (none of which admits new documents) to those of ``candidates`` (the matched documents,
    ascending) that may still rank among the first ``top``; those documents (their totals complete) and whether the soft
    budget cut clauses off.

    A document's score is at most its level weight times (its total so far plus the most each remaining clause adds)
    times the bonus of matching every remaining clause; the first ``top`` documents by their scores so far (a floor the
    final scores only raise) set the score to beat. A document whose most falls below it cannot rank among the first
    ``top``, and is dropped before each clause is looked up.
    """
    bounds = [_clause_bound(view, clause, ranking) for clause in rest]
    ahead = [sum(bounds[i:]) for i in range(len(bounds) + 1)]
    most = view.max_level_weight(ranking) * (1 + BOUND_SLACK)
    clauses = len(sums.bonus) - 1
    # the score to beat: the ``top``-th best floor among a few documents with the largest totals, then among those and
    # the documents each clause reaches (only a reached document's floor rises)
    leaders = _largest(sums.floor, _largest(lambda docs: sums.totals[docs], candidates, 4 * top), top)
    for n, clause in enumerate(rest):
        deadline.check()
        if deadline.soft_passed():
            return candidates, True
        if len(leaders) == top:
            # a document matching m clauses so far needs a total of at least needed[m] to reach the score to beat
            beat = sums.floor(leaders).min()
            needed = np.array([beat / (most * sums.bonus[min(clauses, m + len(rest) - n)]) - ahead[n] for m in range(clauses + 1)])
            candidates = candidates[sums.totals[candidates] >= needed[sums.counts[candidates]]]
        best = _best_alternative(view, clause, ranking, np.full(len(candidates), -math.inf), candidates)
        places = np.flatnonzero(best > -math.inf)
        found = candidates[places]
        sums.totals[found] += best[places]
        sums.counts[found] += 1  # distinct documents, each counted once
        leaders = _largest(sums.floor, np.union1d(leaders, found), top)
    return candidates, False


def _largest(key: Callable[[np.ndarray], np.ndarray], docs: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` of ``docs`` with the largest ``key(docs)`` (all of them when they are no more)."""
    if len(docs) <= count:
        return docs
    return docs[np.argpartition(key(docs), len(docs) - count)[len(docs) - count:]]


def _clause_bound(view: IndexView, clause: Clause, ranking: Ranking) -> float:
    """The most ``clause`` adds to a document's total: of its best alternative, the sum of its fields' bounds."""
    return max(sum(view.bound(field, alt, ranking, clause.weight) for field in clause.fields) for alt in clause.alternatives)


def _best_alternative(view: IndexView, clause: Clause, ranking: Ranking, best: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
    """Into ``best`` (-inf where no alternative is held), per document the score of the clause's best alternative (a short
    form or its canonical name): over the whole index, or with ``among`` (ascending) per place in ``among``; ``best``."""
    part = np.zeros(len(best))
    held = np.zeros(len(best), bool)
    for alternative in clause.alternatives:
        part[:] = 0.0
        held[:] = False
        for field in clause.fields:
            if among is None:
                places, scores = view.contributions(field, alternative, ranking, clause.weight)
            else:
                places, scores = view.contributions_among(field, alternative, ranking, clause.weight, among)
            part[places] += scores
            held[places] = True
        np.maximum(best, part, out=best, where=held)
    return best
