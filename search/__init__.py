"""Whoosh-backed Chinese full-text search over the article archive.

    analysis.py   the only module that knows the segmenter (rjieba): tokenizers and filters
    schema.py     the index fields, derived from ``fazhi.article.Article``
    indexer.py    content tree -> index, incremental by content fingerprint, atomic schema rebuilds
    query.py      SearchRequest -> SearchResponse: our own query syntax, filters, facets, snippets
    api.py        the HTTP API (``fazhi serve``)
"""
