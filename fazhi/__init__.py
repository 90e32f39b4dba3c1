"""fazhi: a searchable public archive of legal-publicity articles.

The model every part shares: the article, the content tree, the cited-law table,
the configuration, errors and atomic file writes. It imports nothing else of
ours; the scraper, the search index and the application (``fazhi_app``) build on it.
"""

__version__ = "0.1.0"
