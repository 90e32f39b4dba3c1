"""The MkDocs side of fazhi: the ``fazhi`` plugin and the pages it generates.

``plugin.py`` holds one short handler per build event. Everything else is plain
functions over an ``Archive`` (every article, gathered in one pass), so each kind
of generated page lives in its own module and is tested without MkDocs:

    archive.py       the one pass: entries, columns, years, cited laws, neighbours
    pages.py         PageSpec (what a generated page is) and the shared paginator
    registry.py      GENERATORS: one function per kind of generated page
    home.py          home page data (newest articles per column)
    listings.py      one paginated listing per column
    year_archives.py per-year archive pages per column
    law_pages.py     the cited-law index and one page per law
    law_text.py      a law page's text from the library, and the article blocks citation popovers load
    article_page.py  the template context of an article page
    feeds.py         RSS and Atom feeds, all articles and per column
    sitemap.py       the 网站地图 page (columns, years, law index, other pages, feeds)
    sharing.py       each page's description, Open Graph tags and an article's JSON-LD
    footer.py        the government-site footer block (fazhi.yml ``footer``) and its registry links
    tables.py        wide tables wrapped in focusable, named scroll regions
    file_texts.py    the text in images and attachments: 「图片文字」 disclosures and text versions
"""
