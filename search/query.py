"""Search requests in, ranked and highlighted results out: the query side's entry point.

``search(index_dir, request)`` validates the request, parses the query
(``search.syntax``), opens the live index generation (``search.searchers``) and
runs the search (``search.engine``) under one time budget (``search.deadline``)
that covers all of it. The request and response types (``search.request``) and
``parse_query`` are importable from here, the name callers have always used.

    request.py      the contract: SearchRequest, SearchResponse, Hit, LawBlock, validation
    normalize.py    NFKC, traditional -> simplified, 第25条 -> 第二十五条
    law_mentions.py laws named in a query, searched as their canonical names
    colloquial.py   everyday words -> legal terms (colloquial.txt)
    syntax.py       words, "phrases", -exclusions: ParsedQuery
    searchers.py    one searcher and IndexView per thread and index generation
    engine.py       clauses, phrases, exclusions, filters, facets, the page, the law block
    law_library.py  the law library a search names articles from (loaded once per process)
    suggest.py      a query to try when nothing matched
    deadline.py     the time budget, checked in every loop
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fazhi.errors import SearchQueryError
from search.analysis import segmenter
from search.answers import answer_card
from search.deadline import Deadline, SearchTimeout
from search.engine import Run
from search.indexer import current_generation
from search.law_documents import UNIT_KIND
from search.law_library import named_in_query, searched_library
from search.ranking import DEFAULT_RANKING, UNIT_RANKING, Ranking
from search.request import (
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    SORTS,
    Hit,
    LawArticle,
    LawBlock,
    SearchRequest,
    SearchResponse,
    validate,
)
from search.searchers import open_view
from search.syntax import MAX_EXCLUSIONS, MAX_PHRASES, MAX_WORDS, ParsedQuery, Part, parse_query

__all__ = [
    "MAX_EXCLUSIONS", "MAX_PAGE", "MAX_PER_PAGE", "MAX_PHRASES", "MAX_QUERY_CHARS", "MAX_WORDS", "NO_WORDS_HINT", "SORTS", "TIME_BUDGET",
    "Hit", "LawArticle", "LawBlock", "ParsedQuery", "Part", "SearchRequest", "SearchResponse", "SearchTimeout", "parse_query", "search",
]

# The answer to a question with text but nothing to look up (only question words, emoji or punctuation): no results
# and what to write instead. Not an error: the person asked something, in words search cannot use.
NO_WORDS_HINT = "这个问题里没有可以检索的词（只有疑问词、表情或标点）。请用几个词写出具体的事情，例如：房东不退押金。"
# Seconds one search may take, all of it: past this it stops and is answered with SearchTimeout (503).
TIME_BUDGET = 2.0


def search(
    index_dir: Path, request: SearchRequest, ranking: Ranking = DEFAULT_RANKING, budget: float = TIME_BUDGET, lane: float | None = None,
    library: Path | None = None, unit_ranking: Ranking = UNIT_RANKING,
) -> SearchResponse:
    """Run one search against the live index generation in ``index_dir``.

    Bad input raises SearchQueryError (400), a missing index 503, a search past ``budget`` seconds SearchTimeout
    (503); with ``lane``, a search still running after that many seconds raises SlowSearch (see search.workers).
    With ``library`` (the law library folder), a query naming a law's article gets its text (``LawBlock.article``).
    ``kind=provisions`` searches the statute article units, scored by ``unit_ranking`` with their laws' relevance scored
    by ``ranking`` (``Ranking.law_prior``).
    """
    validate(request)
    segmenter()  # loading the dictionary happens once per process: start-up, not the query's time
    named = None
    if library is not None and current_generation(Path(index_dir)) is not None:
        # reading the library happens once per process and index change: not the query's time either
        named = named_in_query(request.q, searched_library(library, index_dir))
    # the site's level weights and province are the deployment's, whatever is ranked
    unit_ranking = replace(unit_ranking, levels=ranking.levels, jurisdiction=ranking.jurisdiction)
    law_ranking = ranking
    if request.kind == UNIT_KIND:
        ranking = unit_ranking
    deadline = Deadline(ranking.budget, budget, lane)
    parsed = parse_query(request.q)
    if not parsed.positive and not request.has_filters:
        if parsed.excluded:
            raise SearchQueryError("the query only excludes words: add a word to look for")
        if request.q.strip():
            return SearchResponse(request.q, 0, request.page, 1, request.per_page, [], {}, hint=NO_WORDS_HINT)
        raise SearchQueryError("empty query: type a word, or choose a filter")
    view = open_view(index_dir)
    deadline.check()
    response = Run(view, request, parsed, ranking, deadline, named, unit_ranking, law_ranking).response()
    if named is not None:
        return response  # the law block holds the article the question names
    laws = [hit.url for hit in response.hits if hit.kind == "laws"]
    return replace(response, answers=answer_card(view, request, parsed, unit_ranking, deadline, laws=laws))
