"""One search on one index view: scored clauses, phrases, exclusions, filters, the page, facets, the law block.

- free words: one clause per word position (its alternatives), searched in title
  and body, plus one clause per character bigram in the bigram fields; legal terms
  for everyday words (``ParsedQuery.related``) add clauses of lower weight. The
  clauses are OR-ed and scored by ``search.ranking``; terms learned for the query's words
  (``ParsedQuery.learned``) add clauses of lower weight still, each scaled by its pair's weight;
- a law the query names (``ParsedQuery.laws``): the documents whose title is that
  law rank first, and the response carries its ``law`` block;
- a law and article the query names (环境保护法第二十五条, found in the law library by
  ``search.law_library``): the law's own document (kind ``laws``) ranks first, its hit
  pointing at the article's anchor and showing its text, and the ``law`` block
  carries the article;
- a query that is exactly a document's title (``search.syntax.title_key``: 《》,
  spaces and spelling variants aside) ranks that document first, above a law it
  names: 河南省实施《中华人民共和国教师法》办法 asks for the province's measures.
  Scores weigh a law document by its level (``search.ranking``), so without this a
  city's regulation asked for by its full title would sink below the national law
  on the same subject;
- "quoted phrase": required. Its words in a row (a Whoosh Phrase on the word
  positions; function words in between do not count), or its exact characters in
  the stored text when the segmenter cut the document differently; a
  one-character phrase uses the words only;
- -exclusion: documents holding the word or phrase (same rule) are dropped;
- filters (kind, column, date range, year, source office, cited law, short forms
  accepted) restrict the set without changing scores; ``in=files`` keeps the
  documents found in the text read from their files (attachments, images): those
  holding a word or bigram of the query there (without query words, those with any
  such text). Such a hit says where (``Hit.found_in``: file, page, snippet);
- ``kind=provisions`` searches the statute article units instead of the
  documents (``search.law_documents.ProvisionUnit``): their own fields, their
  own statistics (``IndexView.units``) and their own ``Ranking`` (``UNIT_RANKING``);
  an article the query names ranks first. Without it units are never matched,
  counted or listed;
- ``kind=provisions`` with ``Ranking.law_prior``: each of the first
  ``law_depth`` units by its own score adds the prior times the top unit's
  score times its law's relevance (the law document's score, with the
  documents' ranking, over the best law document's), so an article of the law
  the question is about rises above an article of an unrelated law that
  happens to share its words;
- ``kind=laws`` on an index holding article units: a law's score adds
  ``Ranking.best_unit`` times the score of its best-matching article unit (the
  units scored among themselves with the units' ranking), so a law one of whose articles answers the
  question ranks above a law that only scatters its words over many articles.
  The units themselves are neither matched, counted nor listed.

``total`` and the facet counts are computed on document-number sets. The facet
of a field counts the matching documents that pass every filter except that
field's own, so the column facet still shows the other columns while a column
filter is on. Every loop checks the search's ``Deadline``.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Iterable
from dataclasses import replace

import numpy as np
from whoosh import query as wq

from fazhi.article import COLUMNS
from fazhi.law.citations import NamedArticle
from fazhi.law.levels import LEVEL_NAMES
from fazhi.law.names import law_slug, law_table, law_url
from search.analysis import normalize, query_bigrams
from search.deadline import Deadline
from search.highlight import Highlighter, collapse
from search.law_documents import UNIT_KIND, law_document_id, unit_id
from search.ranking import (
    BIGRAM_FIELDS,
    DEFAULT_RANKING,
    FILE_FIELDS,
    UNIT_BIGRAM_FIELDS,
    UNIT_WORD_FIELDS,
    WORD_FIELDS,
    Clause,
    IndexView,
    Ranking,
    score,
)
from search.request import FoundIn, Hit, LawArticle, LawBlock, LawRepeal, SearchRequest, SearchResponse
from search.schema import KINDS, LAW_SEPARATOR
from search.suggest import suggest
from search.syntax import ParsedQuery, Part, dedupe, title_key

DocSet = set[int] | frozenset[int]
# Stored documents read per deadline check while verifying a phrase's exact characters.
CHECK_EVERY = 32
# Characters of a named article's text shown in its law's hit (the law block carries all of it).
ARTICLE_SNIPPET_CHARS = 240
FACETS = ("kind", "column", "year")
# A facet of at most this many groups (within the searched scope) is counted by intersecting each with the matches.
FEW_GROUPS = 4
# The facet and filter of the documents found in their files' text, and its one value.
IN_FACET, IN_FILES = "in", "files"
# What Whoosh's sortable date and year columns hold for a document without a date (a law's only, undated text):
# such a document sorts as the oldest and counts in no year.
NO_DATE = 2**64 - 1
YEARS = range(1000, 10000)
# A title asked for exactly (Run.title_documents): the most punctuation runs inside a title, the most
# candidates whose stored titles are read ...
TITLE_SEPARATORS = 8
TITLE_CANDIDATES = 64
# ... and the most title postings read for it: a title made only of bigrams common in titles (a law's name on
# an index of its articles, one document each) is left to the named-law rule, which finds it by name.
TITLE_POSTINGS = 20_000


class Run:
    """One search on one index view: clauses, document sets, the page, facets, the law block and a suggestion."""

    def __init__(self, view: IndexView, request: SearchRequest, parsed: ParsedQuery, ranking: Ranking, deadline: Deadline,
                 named: NamedArticle | None = None, unit_ranking: Ranking | None = None, law_ranking: Ranking | None = None):
        self.view = view
        self.request = request
        self.parsed = parsed
        self.ranking = ranking
        self.unit_ranking = unit_ranking or ranking  # scores the units a law's best article is found among (kind=laws)
        # scores the law documents whose relevance the units add (kind=provisions, ``Ranking.law_prior``): the documents'
        # ranking, with the site's levels and province
        self.law_ranking = law_ranking or replace(DEFAULT_RANKING, levels=ranking.levels, jurisdiction=ranking.jurisdiction)
        self.deadline = deadline
        self.named = named
        self.partial = False
        # Article units (kind=provisions) are searched in their own fields, among themselves.
        self.units = request.kind == UNIT_KIND
        self.live = view.units if self.units else view.live
        self.word_fields, self.bigram_fields = (UNIT_WORD_FIELDS, UNIT_BIGRAM_FIELDS) if self.units else (WORD_FIELDS, BIGRAM_FIELDS)
        # Among units ranked by relevance with nothing but their scores choosing the page (no filter beside the kind, no
        # phrase, no exclusion), exact scores are needed for the documents up to the page's end only (search.ranking.score).
        # The law prior reranks the first ``law_depth`` units: their scores are needed whatever the page.
        cut = self.units and request.sort == "relevance" and not parsed.phrases and not parsed.excluded
        depth = ranking.law_depth if self.units and ranking.law_prior else 0
        self.cut = max(depth, request.page * request.per_page) if cut and not replace(request, kind=None).has_filters else None

    def clauses(self) -> list[Clause]:
        """Scored clauses: every word position of free text and phrases, the free text's bigrams, related and learned terms."""
        words = self.parsed.words + [[w] for p in self.parsed.phrases for w in p.words]
        out = [Clause(tuple(group), self.word_fields) for group in dedupe(words)]
        out += [Clause((bigram,), self.bigram_fields, weight=self.ranking.bigram_weight) for bigram in self.parsed.bigrams]
        out += [Clause(tuple(group), self.word_fields, weight=self.ranking.related_weight) for group in self.parsed.related]
        if self.ranking.learned_weight > 0:
            out += [Clause((term,), self.word_fields, weight=self.ranking.learned_weight * weight) for term, weight in self.parsed.learned]
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
        self.deadline.check()
        found = self._docs(wq.Or([wq.Phrase(f, words) if len(words) > 1 else wq.Term(f, words[0]) for f in self.word_fields]))
        self.deadline.check()
        if not part.bigrams or (len(part.bigrams) == 1 and len(part.needle) == 1):
            return found
        candidates: set[int] | None = None
        for bigram in sorted(part.bigrams, key=lambda b: view.doc_frequency(self.bigram_fields[1], b)):
            holding: set[int] = set()
            for field in self.bigram_fields:
                holding.update(view.postings(field, bigram)[0].tolist())
            candidates = holding if candidates is None else candidates & holding
            self.deadline.check()
            if not candidates:
                return found
        assert candidates is not None
        if len(part.bigrams) == 1 and part.needle == part.bigrams[0]:
            return found | (candidates & self.live)
        for n, docnum in enumerate(sorted(candidates - found)):
            if n % CHECK_EVERY == 0:
                self.deadline.check()
            if any(part.needle in normalize(text).lower() for text in _stored_texts(view.searcher.stored_fields(docnum))):
                found.add(docnum)
        return found & self.live

    def file_docs(self) -> set[int]:
        """Documents found in their files' text: holding a word or bigram of the query there, or any such text without one."""
        view, parsed = self.view, self.parsed
        if self.units:
            return set()  # article units have no files
        clauses = self.clauses()
        terms = [(field, term) for clause in clauses for term in clause.alternatives for field in clause.fields if field in FILE_FIELDS]
        if not terms:
            lengths = view.lengths["files_len"]
            return {docnum for docnum in self.live if lengths[docnum] > 0}
        found: set[int] = set()
        for field, term in terms:
            self.deadline.check()
            found.update(view.postings(field, term)[0].tolist())
        if parsed.phrases and not parsed.words:  # only phrases: each must be in a file's text, not merely its words
            for part in parsed.phrases:
                found &= self._phrase_file_docs(part, found)
        return found & self.live

    def _phrase_file_docs(self, part: Part, candidates: set[int]) -> set[int]:
        """Of ``candidates``, those whose files' text holds the phrase's exact characters."""
        found = set()
        for n, docnum in enumerate(sorted(candidates)):
            if n % CHECK_EVERY == 0:
                self.deadline.check()
            parts = self.view.searcher.stored_fields(docnum).get("file_parts") or ()
            if any(part.needle in normalize(text).lower() for _, _, text in parts):
                found.add(docnum)
        return found

    def filter_sets(self) -> dict[str, DocSet]:
        """One document set per active filter, keyed by facet name (column, year) or the filter's name."""
        rq, view = self.request, self.view
        out: dict[str, DocSet] = {}
        if rq.kind is not None:
            out["kind"] = view.facet_groups("kind", self.units).get(rq.kind, frozenset())
        if rq.within == IN_FILES:
            out[IN_FACET] = self.file_docs()
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

    def matched(self) -> tuple[DocSet, dict[int, float] | None, bool]:
        """(matching documents, their scores or None when nothing is scored, partial)."""
        parsed, view = self.parsed, self.view
        clauses = self.clauses()
        scores: dict[int, float] | None = None
        partial = False
        docs: DocSet = self.live
        if clauses:
            result = score(view, clauses, self.ranking, self.deadline, self.cut)
            scores, partial = result.scores, result.partial
            if self.request.kind == "laws" and self.ranking.best_unit and view.units:
                partial = self._add_best_units(scores) or partial
            elif self.units and self.ranking.law_prior and scores:
                partial = self._add_law_prior(scores) or partial
            if not parsed.phrases or parsed.words:
                # a search's fields are its scope's alone, so without deletions the matches are in it
                reached = result.matched if self.cut else scores
                docs = self.live.intersection(reached) if view.deletions else set(reached)
        for part in parsed.phrases:
            docs = set(docs) & self._phrase_docs(part)
        for part in parsed.excluded:
            docs = set(docs) - self._phrase_docs(part)
        return docs, scores, partial or self.partial

    def _add_best_units(self, scores: dict[int, float]) -> bool:
        """Add to each law's score ``best_unit`` times the score of its best-matching article unit; True when cut short."""
        units = Run(self.view, replace(self.request, kind=UNIT_KIND), self.parsed, self.unit_ranking, self.deadline)
        found = score(self.view, units.clauses(), self.unit_ranking, self.deadline)
        laws, places = self.view.unit_laws()
        units_found = np.fromiter(found.scores, np.intp, len(found.scores))
        values = np.fromiter(found.scores.values(), np.float64, len(found.scores))
        at = places[units_found]
        best = np.zeros(len(laws))
        np.maximum.at(best, at[at >= 0], values[at >= 0])
        answered = best > 0.0
        for law, value in zip(laws[answered].tolist(), best[answered].tolist(), strict=True):
            scores[law] = scores.get(law, 0.0) + self.ranking.best_unit * value
        return found.partial

    def _add_law_prior(self, scores: dict[int, float]) -> bool:
        """Add to each of the first ``law_depth`` units by score ``law_prior`` times the top unit's score times its law's
        score over the best law's (``Ranking.law_prior``); True when scoring the laws was cut short."""
        # the law documents alone, never their best units: the two rankings do not feed each other
        laws = Run(self.view, replace(self.request, kind="laws"), self.parsed, self.law_ranking, self.deadline)
        found = score(self.view, laws.clauses(), self.law_ranking, self.deadline)
        law_scores = law_vector(self.view, found.scores)
        best = float(law_scores.max()) if len(law_scores) else 0.0
        if best <= 0.0:
            return found.partial
        docs = np.fromiter(scores, np.intp, len(scores))
        values = np.fromiter(scores.values(), np.float64, len(scores))
        first = docs[np.lexsort((docs, -values))[:self.ranking.law_depth]]  # equal scores in the order of the index
        places = self.view.unit_laws()[1][first]
        share = np.where(places >= 0, law_scores[places], 0.0) / best
        lift = self.ranking.law_prior * scores[int(first[0])] * share
        for docnum, value in zip(first.tolist(), lift.tolist(), strict=True):
            scores[docnum] += value
        return found.partial

    def law_documents(self) -> list[int]:
        """Documents whose title is a law the query names (prefix and qualifiers aside), in the order of the names."""
        table, view = law_table(), self.view
        found: list[int] = []
        for name in self.parsed.laws:
            # Candidates by the name's rarest title bigram: the segmenter may cut a title across the name
            # (中华人民共和国国务院组织法 -> 中华人民共和国国务院 | 组织法), its characters are always there.
            grams = query_bigrams(name) or [name]
            rarest = min(grams, key=lambda gram: view.doc_frequency("title_bigram", gram))
            for docnum in view.postings("title_bigram", rarest)[0].tolist():
                if docnum in view.live and docnum not in found and table.canonical(view.searcher.stored_fields(docnum)["title"]) == name:
                    found.append(docnum)
            self.deadline.check()
        return found

    def title_documents(self) -> list[int]:
        """Documents whose title is exactly what the query asks for (``ParsedQuery.title_key``).

        A title holds every bigram of its key except those across punctuation the key dropped (施《中), one
        per dropped run, so at most (title length - key length) of them, and at most TITLE_SEPARATORS. So
        candidates hold one of the key's TITLE_SEPARATORS + 1 rarest title bigrams, miss no more of the
        rarest ones than they may, and only the TITLE_CANDIDATES shortest have their stored titles compared
        (a stored document is read whole, a law's text with it; the keys read are kept per index view).
        """
        key, view = self.parsed.title_key(), self.view
        frequency = {gram: view.doc_frequency("title_bigram", gram) for gram in query_bigrams(key)}
        absent = sum(1 for df in frequency.values() if not df)
        rarest = sorted((gram for gram, df in frequency.items() if df), key=frequency.__getitem__)[:TITLE_SEPARATORS + 1]
        if not rarest or absent > TITLE_SEPARATORS or sum(frequency[gram] for gram in rarest) > TITLE_POSTINGS:
            return []
        holding = [set(view.postings("title_bigram", gram)[0].tolist()) for gram in rarest]
        lengths, longest = view.lengths["title_len"], len(key) + 2 + len(key) // 3  # punctuation is a small part of a title
        candidates = []
        for docnum in set().union(*holding) & view.live:
            slack = min(int(lengths[docnum]) - len(key), TITLE_SEPARATORS)
            if slack >= 0 and lengths[docnum] <= longest and absent + sum(docnum not in docs for docs in holding) <= slack:
                candidates.append(docnum)
        candidates.sort(key=lambda d: (lengths[d], d))
        found = []
        for n, docnum in enumerate(candidates[:TITLE_CANDIDATES]):
            if n % CHECK_EVERY == 0:
                self.deadline.check()
            known = view.title_keys.get(docnum)
            if known is None:
                known = view.title_keys[docnum] = title_key(view.searcher.stored_fields(docnum)["title"])
            if known == key:
                found.append(docnum)
        return found

    def law_block(self) -> LawBlock | None:
        """The first law the query names: its name, law page and the number of indexed articles citing it.

        When the query names one of its articles (``named``), that law and the article's text.
        """
        named = self.named
        if named is None and not self.parsed.laws:
            return None
        name = named.law.name if named is not None else self.parsed.laws[0]
        # articles record the laws they cite by canonical name (a library title's qualifiers dropped)
        citing = len(self._docs(wq.Term("laws", law_table().canonical(name))) & self.view.live)
        url = "/" + law_url(law_slug(name))
        article = None
        if named is not None:
            repeal = named.law.repeal if named.law.repealed_on(dt.date.today()) else None
            article = LawArticle(
                label=named.no.label, anchor=named.no.anchor, url=f"{url}#{named.no.anchor}", text=named.text,
                repeal=LawRepeal(repeal.date.isoformat(), repeal.by) if repeal is not None else None,
            )
        return LawBlock(name=name, url=url, articles=citing, article=article)

    def named_document(self) -> int | None:
        """The index document of the law whose article the query names (among units, that article's unit; None without
        one, or when it is not indexed)."""
        if self.named is None:
            return None
        name = self.named.law.name
        found = self._docs(wq.Term("slug", unit_id(name, self.named.no) if self.units else law_document_id(name))) & self.live
        return min(found) if found else None

    def response(self) -> SearchResponse:
        rq, view, deadline = self.request, self.view, self.deadline
        matched, scores, partial = self.matched()
        named = self.named_document()
        if scores is not None and rq.sort == "relevance" and self.units:
            # among units, the article the query names first; laws and titles named are the units' own words
            matched = _pin(scores, matched, [named] if named is not None else [], self.parsed.phrases, self.parsed.excluded)
        elif scores is not None and rq.sort == "relevance":
            if self.parsed.laws or named is not None:
                laws = self.law_documents()
                # the named article's law first: then the other laws the query names
                pinned = [named, *(d for d in laws if d != named)] if named is not None else laws
                matched = _pin(scores, matched, pinned, self.parsed.phrases, self.parsed.excluded)
                if named is not None and named in matched:
                    scores[named] = max(scores.values()) + 1.0
            # above them, documents asked for by their exact title
            matched = _pin(scores, matched, self.title_documents(), self.parsed.phrases, self.parsed.excluded)
        # a filter holding every document searched (the kind of the units among units) leaves the matches as they are
        filters = {name: docs for name, docs in self.filter_sets().items() if docs is not self.live}
        allowed = _intersect(matched, filters.values())
        facets = {name: self._facet(name, _intersect(matched, [s for k, s in filters.items() if k != name])) for name in FACETS}
        in_files = len(_intersect(matched, [s for k, s in filters.items() if k != IN_FACET]) & (filters.get(IN_FACET) or self.file_docs()))
        facets[IN_FACET] = {IN_FILES: in_files} if in_files else {}
        deadline.check()
        total = len(allowed)
        pages = max(1, math.ceil(total / rq.per_page))
        wanted = rq.page * rq.per_page
        if scores is not None and rq.sort == "relevance" and self.cut:
            # every document that may rank up to the page's end is scored; equal scores in the order of the index
            top = heapq.nlargest(wanted, sorted(scores.keys() & allowed), key=scores.__getitem__)
        elif scores is not None and rq.sort == "relevance":
            scores.update(dict.fromkeys(allowed - scores.keys(), 0.0))  # phrase matches no scored word reached
            top = heapq.nlargest(wanted, allowed, key=scores.__getitem__)
        else:
            dates = view.dates
            top = heapq.nlargest(wanted, allowed, key=lambda docnum: 0 if dates[docnum] == NO_DATE else dates[docnum])
        highlighter = Highlighter(self.parsed.highlight_terms() or self.parsed.bigrams)
        hits = []
        for docnum in top[(rq.page - 1) * rq.per_page:]:
            deadline.check()
            hits.append(self._hit(docnum, (scores or {}).get(docnum, 0.0), highlighter, docnum == named))
        suggestion, reason = (None, None) if total else suggest(
            self.parsed, rq, view, deadline, lambda: bool(Run(view, rq.without_filters(), self.parsed, self.ranking, deadline).matched()[0])
        )
        return SearchResponse(
            query=self.parsed.display(), total=total, page=rq.page, pages=pages, per_page=rq.per_page, hits=hits,
            facets=facets, suggestion=suggestion, suggestion_reason=reason, partial=partial,
            took_ms=deadline.elapsed_ms(), law=self.law_block(),
        )

    def _facet(self, name: str, docs: DocSet) -> dict[str, int]:
        scope = self.live  # every matching document is in it, so a group that is all of it counts them all
        groups = self.view.facet_groups(name, self.units)
        if len(groups) <= FEW_GROUPS:
            counts = {str(value): len(docs) if group is scope else len(group & docs) for value, group in groups.items()}
        else:  # one pass over the matches rather than one intersection per group
            values = self.view.facet_values[name]
            codes = np.asarray(self.view.facet_codes[name])[np.fromiter(docs, np.intp, len(docs))]
            counts = {str(values[code]): n for code, n in enumerate(np.bincount(codes, minlength=len(values)).tolist())}
        counts = {k: v for k, v in counts.items() if v}
        if name == "column":
            return {k: counts[k] for k in COLUMNS if k in counts}
        if name == "kind":
            return {k: counts[k] for k in KINDS if k in counts}
        return dict(sorted(((k, v) for k, v in counts.items() if k.isdigit() and int(k) in YEARS), reverse=True))

    def _hit(self, docnum: int, value: float, highlighter: Highlighter, named: bool = False) -> Hit:
        """One result; the named article's law (``named``) links to the article and shows its text."""
        stored = self.view.shown(docnum)
        column = stored.get("column") or ""
        level = stored.get("level")
        url, title = stored["url"], stored.get("title") or ""
        unit = stored.get("unit")
        if unit:
            title = f"{unit['law']} {unit['label']}"
            snippet = highlighter.snippet(collapse(f"{unit['label']} {unit['text']}"), width=ARTICLE_SNIPPET_CHARS)
        elif named and self.named is not None:
            url = f"{url}#{self.named.no.anchor}"
            snippet = highlighter.snippet(collapse(f"{self.named.no.label} {self.named.text}"), width=ARTICLE_SNIPPET_CHARS)
        else:
            snippet = highlighter.snippet(stored["body"])
        return Hit(
            title=title,
            url=url,
            date=stored["date_text"],
            column=column,
            column_name=COLUMNS[column].name if column in COLUMNS else column,
            source=stored.get("source"),
            laws=[law for law in str(stored.get("laws") or "").split(LAW_SEPARATOR) if law],
            snippet=snippet,
            title_html=highlighter.mark(title),
            score=round(value, 4),
            kind=stored.get("kind") or "articles",
            level=level,
            level_name=LEVEL_NAMES.get(level) if level else None,
            found_in=_found_in(stored.get("file_parts") or (), highlighter),
        )


def law_vector(view: IndexView, scores: dict[int, float]) -> np.ndarray:
    """The scores of the law documents having units (``IndexView.unit_laws``), 0 for a law that did not match."""
    laws = view.unit_laws()[0]
    return np.array([scores.get(law, 0.0) for law in laws.tolist()], dtype=np.float64)


def _stored_texts(stored: dict) -> list[str]:
    """The texts of a stored document a phrase's exact characters are looked for in (a unit's: law, headings, article)."""
    unit = stored.get("unit")
    if unit:
        return [f"{unit['law']} {unit['heading']}", f"{unit['label']} {unit['text']}"]
    return [stored.get("title") or "", stored.get("body") or "", *(text for _, _, text in stored.get("file_parts") or ())]


def _found_in(parts: Iterable[tuple[str, int | None, str]], highlighter: Highlighter) -> FoundIn | None:
    """The file (and page) whose text holds the most of the query's terms, with its snippet; None when none holds one."""
    best, most = None, 0
    for name, page, text in parts:
        count = highlighter.count(text)
        if count > most:
            best, most = (name, page, text), count
    if best is None:
        return None
    name, page, text = best
    return FoundIn(file=name, page=page, snippet=highlighter.snippet(collapse(text)))


def _pin(scores: dict[int, float], matched: DocSet, pinned: list[int], phrases: list[Part], excluded: list[Part]) -> DocSet:
    """Lift ``pinned`` (documents a query asks for by name) above every other match (their order kept by their own scores).

    Such a document joins the matches even when scoring did not reach it, unless the query also has
    phrases it must hold or exclusions (then it counts only if it already matched).
    """
    if not pinned:
        return matched
    lift = max(scores.values(), default=0.0) + 1.0
    out = set(matched)
    for docnum in pinned:
        if docnum in matched or not (phrases or excluded):
            scores[docnum] = lift + scores.get(docnum, 0.0)
            out.add(docnum)
    return out


def _intersect(base: DocSet, others: Iterable[DocSet]) -> DocSet:
    """``base`` within every one of ``others`` (``base`` itself, not a copy, when there are none)."""
    out = base
    for other in sorted(others, key=len):
        out = out & other
    return out
