"""One module per emulated site, as ``scraper.platforms`` has one per real platform.

Each offers ``respond(data, method, path, query, form)`` for its list pages and list
queries (None for other paths) and ``article_page(record)`` for an article's page.
"""
