"""Search requests in, ranked and highlighted results out.

The user's text never reaches Whoosh's query parser. ``parse_query`` splits it
into free words, quoted phrases and ``-`` exclusions (control characters
dropped, Chinese quotation marks read as ", anything else that is not a letter,
digit or character ignored) and each part is analysed by ``search.analysis``:

- free words: one clause per word position (its alternatives, e.g. a law's
  short form and its canonical name), searched in title and body, plus one
  clause per character bigram of the text, searched in the bigram fields. The
  clauses are OR-ed and scored by ``search.ranking`` (BM25F plus a bonus for
  documents matching more clauses), so keywords and whole questions both work;
- "quoted phrase": required. Its words in a row (a Whoosh Phrase on the word
  positions; function words in between do not count), or its exact characters
  in the stored text when the segmenter cut the document differently; a
  one-character phrase uses the words only;
- -exclusion: documents holding the word or phrase (same rule) are dropped;
- filters (column, date range, year, source office, cited law, short forms
  accepted) restrict the set without changing scores.

``total`` and the facet counts are computed on document-number sets. The facet
of a field counts the matching documents that pass every filter except that
field's own, so the column facet still shows the other columns while a column
filter is on. Every search has a time budget (``Ranking.budget``); when it runs
out the response holds what was found so far and ``partial`` is true.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq

from fazhi.article import COLUMNS
from fazhi.errors import SearchQueryError
from fazhi.laws import law_table
from search.analysis import normalize, query_bigrams, query_words
from search.highlight import Highlighter
from search.indexer import current_generation
from search.ranking import BIGRAM_FIELDS, DEFAULT_RANKING, WORD_FIELDS, Clause, IndexView, Ranking, score
from search.schema import LAW_SEPARATOR

MAX_QUERY_CHARS = 500
MAX_WORDS = 48
MAX_PER_PAGE = 100
MAX_PAGE = 500
SORTS = ("relevance", "date")
# Quotation marks people type in Chinese text, all read as ".
_QUOTES = str.maketrans({c: '"' for c in "“”„‟〝〞＂「」『』"})
_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_RUN = re.compile(r"[^\W_]+")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query text plus filters, sort and page. ``from_params`` reads HTTP/CLI strings."""

    q: str = ""
    column: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    year: int | None = None
    source: str | None = None
    law: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchRequest:
        """From string parameters ``q, column, from, to, year, source, law, sort, page, per_page``."""

        def text(name: str) -> str | None:
            value = params.get(name)
            value = str(value).strip() if value is not None else ""
            return value or None

        page, per_page = _parse_int("page", text("page")), _parse_int("per_page", text("per_page"))
        return cls(
            q=text("q") or "",
            column=text("column"),
            date_from=_parse_date("from", text("from")),
            date_to=_parse_date("to", text("to")),
            year=_parse_int("year", text("year")),
            source=text("source"),
            law=text("law"),
            sort=text("sort") or "relevance",
            page=1 if page is None else page,
            per_page=10 if per_page is None else per_page,
        )

    @property
    def has_filters(self) -> bool:
        return any(v is not None for v in (self.column, self.date_from, self.date_to, self.year, self.source, self.law))

    def without_filters(self) -> SearchRequest:
        return replace(self, column=None, date_from=None, date_to=None, year=None, source=None, law=None, page=1)


@dataclass(frozen=True)
class Hit:
    """One result. ``snippet`` and ``title_html`` are HTML: <mark> around matches, everything else escaped."""

    title: str
    url: str
    date: str
    column: str
    column_name: str
    source: str | None
    laws: list[str]
    snippet: str
    title_html: str
    score: float


@dataclass(frozen=True)
class SearchResponse:
    """A page of results, facet counts and, when nothing matched, a suggestion.

    ``suggestion`` is a query to try instead (or None); ``suggestion_reason``
    says why: ``drop_filters`` (the same query finds documents without the
    filters), ``fewer_terms`` (without its phrases and exclusions) or
    ``similar_term`` (a word of the titles one edit away from a word of the query).
    """

    query: str
    total: int
    page: int
    pages: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    suggestion_reason: str | None = None
    partial: bool = False
    took_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Part:
    """A quoted phrase or an exclusion: as shown, its words, its bigrams and the literal text to find."""

    text: str
    words: list[str]
    bigrams: list[str]
    needle: str


@dataclass
class ParsedQuery:
    """The user's text split into our syntax: free words, required phrases, exclusions."""

    words: list[list[str]] = field(default_factory=list)
    bigrams: list[str] = field(default_factory=list)
    phrases: list[Part] = field(default_factory=list)
    excluded: list[Part] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)

    @property
    def positive(self) -> bool:
        return bool(self.words or self.bigrams or self.phrases)

    def display(self) -> str:
        parts = list(self.free_text)
        parts += [f'"{p.text}"' for p in self.phrases]
        parts += [f'-"{p.text}"' if " " in p.text else f"-{p.text}" for p in self.excluded]
        return " ".join(parts)

    def highlight_terms(self) -> list[str]:
        terms = [w for group in self.words for w in group]
        terms += self.free_text + [p.needle for p in self.phrases]
        terms += [w for p in self.phrases for w in p.words]
        return terms


def search(index_dir: Path, request: SearchRequest, ranking: Ranking = DEFAULT_RANKING) -> SearchResponse:
    """Run one search against the live index generation in ``index_dir``; bad input raises SearchQueryError."""
    started = time.perf_counter()
    _validate(request)
    parsed = parse_query(request.q)
    if not parsed.positive and not request.has_filters:
        if request.q.strip():
            raise SearchQueryError("the query has no searchable words (only punctuation, stop words or exclusions)")
        raise SearchQueryError("empty query: type a word, or choose a filter")
    return _Run(_view(index_dir), request, parsed, ranking, started).response()


def parse_query(text: str) -> ParsedQuery:
    """Our query syntax, sanitised: control characters dropped, quotes normalised, at most MAX_WORDS words."""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"the query is {len(text)} characters long; at most {MAX_QUERY_CHARS} are allowed")
    clean = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in normalize(text)).translate(_QUOTES)
    parsed = ParsedQuery()
    free: list[str] = []
    for match in _PART.finditer(clean):
        minus, quoted, bare = match.groups()
        if bare is not None:
            if bare.startswith("-") and len(bare) > 1:
                _add_part(parsed.excluded, bare[1:])
            else:
                free.append(bare)
        elif minus:
            _add_part(parsed.excluded, quoted)
        else:
            _add_part(parsed.phrases, quoted)
    for chunk in free:
        words = query_words(chunk)
        if words:
            parsed.words.extend(words)
            parsed.free_text.append(_visible(chunk))
            parsed.bigrams.extend(query_bigrams(chunk))
    parsed.words = _dedupe(parsed.words)[:MAX_WORDS]
    parsed.bigrams = list(dict.fromkeys(parsed.bigrams))[: MAX_WORDS * 2]
    return parsed


def _visible(text: str) -> str:
    """Text as shown back to the user: its letters, digits and characters, other symbols as single spaces."""
    return " ".join(_WORD_RUN.findall(text))


def _add_part(target: list[Part], text: str) -> None:
    words = [g[0] for g in query_words(text)]
    needle = "".join(normalize(text).lower().split())
    if words:
        target.append(Part(_visible(text), words, list(dict.fromkeys(query_bigrams(needle))), needle))


def _dedupe(groups: Iterable[list[str]]) -> list[list[str]]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for group in groups:
        key = tuple(group)
        if key not in seen:
            seen.add(key)
            out.append(group)
    return out


def _validate(request: SearchRequest) -> None:
    if request.column is not None and request.column not in COLUMNS:
        raise SearchQueryError(f"unknown column {request.column!r} (known: {', '.join(COLUMNS)})")
    if request.sort not in SORTS:
        raise SearchQueryError(f"unknown sort {request.sort!r} (known: {', '.join(SORTS)})")
    if not 1 <= request.page <= MAX_PAGE:
        raise SearchQueryError(f"page must be between 1 and {MAX_PAGE}")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise SearchQueryError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise SearchQueryError("the 'from' date is after the 'to' date")
    if request.year is not None and not 1900 <= request.year <= 2999:
        raise SearchQueryError(f"year {request.year} is out of range")
    for name, value in (("source", request.source), ("law", request.law)):
        if value is not None and len(value) > MAX_QUERY_CHARS:
            raise SearchQueryError(f"{name} is longer than {MAX_QUERY_CHARS} characters")


def _parse_date(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    match = _DATE.match(value)
    try:
        if not match:
            raise ValueError
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise SearchQueryError(f"'{name}' must be a date YYYY-MM-DD, not {value[:40]!r}") from None


def _parse_int(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise SearchQueryError(f"'{name}' must be a whole number, not {value[:40]!r}")
    return int(value)


# -- opening the index: one searcher (and its IndexView) per thread and generation, refreshed after a commit

_local = threading.local()


def _view(index_dir: Path) -> IndexView:
    generation = current_generation(Path(index_dir))
    if generation is None:
        raise SearchQueryError(f"no search index at {index_dir}: run `fazhi index` first", status=503)
    views: dict[str, IndexView] = getattr(_local, "views", None) or {}
    _local.views = views
    key = str(generation)
    view = views.get(key)
    if view is not None and view.searcher.up_to_date():
        return view
    # A fresh searcher, never Searcher.refresh(): Whoosh 2.7.5 then keeps the old segment beside the
    # new one when only its deletions changed, and deleted documents come back.
    for stale in [k for k in views if Path(k).parent == generation.parent]:
        views.pop(stale).searcher.close()
    view = views[key] = IndexView(whoosh_index.open_dir(key).searcher())
    return view


class _Run:
    """One search on one index view: clauses, document sets, the page, facets and a suggestion."""

    def __init__(self, view: IndexView, request: SearchRequest, parsed: ParsedQuery, ranking: Ranking, started: float):
        self.view = view
        self.request = request
        self.parsed = parsed
        self.ranking = ranking
        self.started = started
        self.partial = False

    def clauses(self) -> list[Clause]:
        """Scored clauses: every word position of free text and phrases, then the free text's bigrams."""
        words = self.parsed.words + [[w] for p in self.parsed.phrases for w in p.words]
        out = [Clause(tuple(group), WORD_FIELDS) for group in _dedupe(words)]
        out += [Clause((bigram,), BIGRAM_FIELDS, weight=self.ranking.bigram_weight) for bigram in self.parsed.bigrams]
        return out

    def _docs(self, q: wq.Query) -> set[int]:
        return set(self.view.searcher.docs_for_query(q))

    def _phrase_docs(self, part: Part) -> set[int]:
        """Documents holding a phrase: its words in a row, or its exact characters.

        The characters are checked on the stored text of the documents that have
        every bigram of the phrase (the segmenter may have cut the document's text
        differently from the query's). A one-character phrase uses the words only.
        """
        words, view = part.words, self.view
        found = self._docs(wq.Or([wq.Phrase(f, words) if len(words) > 1 else wq.Term(f, words[0]) for f in WORD_FIELDS]))
        if not part.bigrams or (len(part.bigrams) == 1 and len(part.needle) == 1):
            return found
        candidates: set[int] | None = None
        for bigram in sorted(part.bigrams, key=lambda b: view.doc_frequency("body_bigram", b)):
            holding = set(view.postings("body_bigram", bigram)[0])
            holding.update(view.postings("title_bigram", bigram)[0])
            candidates = holding if candidates is None else candidates & holding
            if not candidates:
                return found
        assert candidates is not None
        if len(part.bigrams) == 1 and part.needle == part.bigrams[0]:
            return found | (candidates & view.live)
        for docnum in sorted(candidates - found):
            if time.perf_counter() > self.started + self.ranking.budget:
                self.partial = True
                break
            stored = view.searcher.stored_fields(docnum)
            if any(part.needle in normalize(stored.get(name) or "").lower() for name in ("title", "body")):
                found.add(docnum)
        return found & view.live

    def filter_sets(self) -> dict[str, set[int] | frozenset[int]]:
        """One document set per active filter, keyed by facet name (column, year) or the filter's name."""
        rq, view = self.request, self.view
        out: dict[str, set[int] | frozenset[int]] = {}
        if rq.column is not None:
            out["column"] = view.groups["column"].get(rq.column, set())
        if rq.year is not None:
            out["year"] = view.groups["year"].get(rq.year, set())
        if rq.date_from or rq.date_to:
            start = dt.datetime.combine(rq.date_from, dt.time()) if rq.date_from else None
            end = dt.datetime.combine(rq.date_to, dt.time(23, 59, 59)) if rq.date_to else None
            out["date"] = self._docs(wq.DateRange("date", start, end))
        if rq.source is not None:
            out["source"] = self._docs(wq.Term("source", rq.source))
        if rq.law is not None:
            out["law"] = self._docs(wq.Term("laws", law_table().canonical(rq.law)))
        return out

    def matched(self) -> tuple[set[int] | frozenset[int], dict[int, float] | None, bool]:
        """(matching documents, their scores or None when nothing is scored, partial)."""
        parsed, view = self.parsed, self.view
        clauses = self.clauses()
        scores: dict[int, float] | None = None
        partial = False
        docs: set[int] | frozenset[int] = view.live
        if clauses:
            result = score(view, clauses, self.ranking, self.started + self.ranking.budget)
            scores, partial = result.scores, result.partial
            docs = set(scores) & view.live if not parsed.phrases or parsed.words else view.live
        for part in parsed.phrases:
            docs = set(docs) & self._phrase_docs(part)
        for part in parsed.excluded:
            docs = set(docs) - self._phrase_docs(part)
        return docs, scores, partial or self.partial

    def response(self) -> SearchResponse:
        rq, view = self.request, self.view
        matched, scores, partial = self.matched()
        filters = self.filter_sets()
        allowed = _intersect(matched, filters.values())
        facets = {
            name: self._facet(name, _intersect(matched, [s for k, s in filters.items() if k != name]))
            for name in ("column", "year")
        }
        total = len(allowed)
        pages = max(1, math.ceil(total / rq.per_page))
        wanted = rq.page * rq.per_page
        if scores is not None and rq.sort == "relevance":
            scores.update(dict.fromkeys(allowed - scores.keys(), 0.0))  # phrase matches no scored word reached
            top = heapq.nlargest(wanted, allowed, key=scores.__getitem__)
        else:
            top = heapq.nlargest(wanted, allowed, key=view.dates.__getitem__)
        highlighter = Highlighter(self.parsed.highlight_terms() or self.parsed.bigrams)
        hits = [self._hit(d, (scores or {}).get(d, 0.0), highlighter) for d in top[(rq.page - 1) * rq.per_page:]]
        suggestion, reason = (None, None) if total else self._suggest()
        return SearchResponse(
            query=self.parsed.display(), total=total, page=rq.page, pages=pages, per_page=rq.per_page, hits=hits,
            facets=facets, suggestion=suggestion, suggestion_reason=reason, partial=partial,
            took_ms=round((time.perf_counter() - self.started) * 1000, 1),
        )

    def _facet(self, name: str, docs: set[int] | frozenset[int]) -> dict[str, int]:
        counts = {str(value): len(group & docs) for value, group in self.view.groups[name].items()}
        counts = {k: v for k, v in counts.items() if v}
        if name == "column":
            return {k: counts[k] for k in COLUMNS if k in counts}
        return dict(sorted(counts.items(), reverse=True))

    def _hit(self, docnum: int, value: float, highlighter: Highlighter) -> Hit:
        stored = self.view.searcher.stored_fields(docnum)
        column = stored["column"]
        return Hit(
            title=stored["title"],
            url=stored["url"],
            date=stored["date_text"],
            column=column,
            column_name=COLUMNS[column].name if column in COLUMNS else column,
            source=stored.get("source"),
            laws=[law for law in str(stored.get("laws") or "").split(LAW_SEPARATOR) if law],
            snippet=highlighter.snippet(stored.get("body") or ""),
            title_html=highlighter.mark(stored["title"]),
            score=round(value, 4),
        )

    def _suggest(self) -> tuple[str | None, str | None]:
        """A query that would find something: the same without filters, without phrases/exclusions, or a close word."""
        parsed, rq = self.parsed, self.request
        display = parsed.display()
        if rq.has_filters and parsed.positive:
            probe = _Run(self.view, rq.without_filters(), parsed, self.ranking, self.started)
            if probe.matched()[0]:
                return display, "drop_filters"
        if parsed.phrases or parsed.excluded:
            loose = " ".join(parsed.free_text + [p.text for p in parsed.phrases])
            if loose and loose != display:
                return loose, "fewer_terms"
        # Titles' words only: the body lexicon is ten times larger and Whoosh walks it in Python.
        corrector = self.view.searcher.corrector("title")
        fixed, changed = [], False
        for group in parsed.words:
            word = group[0]
            options = corrector.suggest(word, limit=1, maxdist=1) if len(word) > 1 else []
            changed |= bool(options) and options[0] != word
            fixed.append(options[0] if options else word)
        return (" ".join(fixed), "similar_term") if changed else (None, None)


def _intersect(base: set[int] | frozenset[int], others: Iterable[set[int] | frozenset[int]]) -> set[int]:
    out = set(base)
    for other in sorted(others, key=len):
        out &= other
    return out
