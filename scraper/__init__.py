"""The scraper: government CMS pages in, article Markdown files out.

    sources (fazhi.yml) -> platforms/ (list walk, parse) -> clean -> html2md -> Article files
                              |
                        http.py fetch, wrapped by the policies.py chain
                        (robots, retry, per-host throttle, page store + conditional requests,
                         anti-bot detection, status mapping)

``scraper.run.scrape`` drives one run; ``scraper.mirror`` is a sample mirror of
the four platforms for tests and the demo.
"""
