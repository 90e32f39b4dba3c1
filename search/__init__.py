"""Whoosh-backed Chinese full-text search over the article archive.

    analysis.py   the only module that knows the segmenter (rjieba): tokenizers and filters
    legal_terms.txt  the versioned user dictionary of legal terms
    schema.py     the index fields, derived from ``fazhi.article.Article``, and their storage formats
    indexer.py    content tree -> index, incremental by fingerprint, atomic rebuilds into a new generation
    query.py      the entry point: SearchRequest -> SearchResponse under one time budget
    request.py    the request/response contract and its validation
    normalize.py  query normalisation: NFKC, traditional -> simplified, numerals in 第N条
    law_mentions.py  laws named in a query (name, 《》, short form) as canonical names
    colloquial.py everyday words -> legal terms (colloquial.txt), expanded at a lower weight
    syntax.py     our query syntax: words, "phrases", -exclusions, capped
    searchers.py  one searcher and IndexView per thread and index generation
    engine.py     one search: clauses, phrases, exclusions, filters, facets, law block, the page
    suggest.py    a query to try when nothing matched
    deadline.py   the time budget, checked cooperatively in every loop
    ranking.py    BM25F with a coordination bonus, scored from the posting lists
    highlight.py  snippets and titles with <mark>, everything else escaped
    api.py        the HTTP API (``fazhi serve``)
"""
