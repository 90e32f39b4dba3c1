"""fazhi: a searchable public archive of legal-publicity articles.

The core package shared by the scraper, the site build and the search index:
the article model, configuration, errors, the law-citation table, the CLI and
the nightly pipeline.
"""

__version__ = "0.1.0"
