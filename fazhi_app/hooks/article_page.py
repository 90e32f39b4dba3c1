"""The template context of an article page (``article.html``).

Everything the page shows besides the body: date, 信息来源, publisher, the
original link, attachments (files beside the article), cited laws linked to
their index pages, the older/newer article of the same column, and whether the
original site has removed the article.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fazhi_app.hooks.archive import Archive, Entry


def context(archive: Archive, entry: Entry) -> dict[str, Any]:
    """What ``article.html`` reads as ``fazhi``; computed per page, in constant time."""
    article = entry.article
    older, newer = archive.neighbours.get(entry.src_uri, (None, None))
    return {
        "entry": entry,
        "column": {"title": entry.column_name, "url": f"{entry.column}/"},
        "year": {"title": f"{article.year} 年", "url": f"{entry.column}/{article.year}/"},
        "source": article.source,
        "publisher": article.publisher,
        "origin_url": article.origin_url,
        "scraped": article.origin == "scraped",
        "removed_upstream": article.removed_upstream.isoformat() if article.removed_upstream else None,
        "attachments": [
            {"title": a.title, "file": a.file, "url": entry.url + quote(a.file), "original": a.url, "name": a.file.rsplit("/", 1)[-1]}
            for a in article.attachments
        ],
        "laws": entry.laws,
        "tags": article.tags,
        "older": older,
        "newer": newer,
    }
