"""The scraper: government CMS pages in, article Markdown files out.

    sources (fazhi.yml) -> platforms/ (list walk, parse) -> clean -> html2md -> Article files
                              |
                        http.py fetch, wrapped by the policies.py chain
                        (robots, retry, per-host throttle, page store + conditional requests,
                         anti-bot detection, status mapping)

``scraper.run.scrape`` drives one run (per-host lanes); ``source_run`` one source: its
list walk (``walk``), what to fetch tonight (``schedule``), one article (``skip_key``,
``duplicates``, ``article_file`` with ``compose`` and ``assets``) and the removal checks
(``removal``); ``report`` holds what it did. ``scraper.mirror`` is a sample mirror of the
four platforms for tests and the demo.
"""
