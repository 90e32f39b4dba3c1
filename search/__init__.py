"""Whoosh-backed Chinese full-text search over the article archive.

    analysis.py   the only module that knows the segmenter (rjieba): tokenizers and filters
    legal_terms.txt  the versioned user dictionary of legal terms
    schema.py     the index fields, derived from ``fazhi.article.Article``, and their storage formats
    indexer.py    content tree -> index, incremental by fingerprint, atomic rebuilds into a new generation
    query.py      SearchRequest -> SearchResponse: our own query syntax, filters, facets, suggestions
    ranking.py    BM25F with a coordination bonus, scored from the posting lists
    highlight.py  snippets and titles with <mark>, everything else escaped
    api.py        the HTTP API (``fazhi serve``)
"""
