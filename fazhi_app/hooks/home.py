"""Home page data: the newest articles of each column, with counts and feed links.

The home page is ``index.md``; its hand-written text (if any) is the
introduction and ``home.html`` adds the search box and the column blocks.
"""

from __future__ import annotations

from fazhi.article import COLUMNS
from fazhi_app.hooks.archive import COLUMN_ORDER, Archive
from fazhi_app.hooks.feeds import feed_urls
from fazhi_app.hooks.pages import PageSpec

NEWEST_PER_COLUMN = 8


def pages(archive: Archive) -> list[PageSpec]:
    columns = [
        {
            "key": key,
            "name": COLUMNS[key].name,
            "url": f"{key}/",
            "count": len(archive.columns[key]),
            "entries": archive.columns[key][:NEWEST_PER_COLUMN],
            "feeds": feed_urls(key),
        }
        for key in COLUMN_ORDER
    ]
    context = {
        "columns": columns,
        "total": len(archive.entries),
        "law_count": len(archive.laws),
        "feeds": feed_urls(None),
        "search_url": "search/",
    }
    return [PageSpec("index.md", "首页", "home.html", context, hide=("navigation", "toc"))]
