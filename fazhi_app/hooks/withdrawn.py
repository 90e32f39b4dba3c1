"""The page a withdrawn article's URL answers with: a short notice, none of the article.

A withdrawn article (``fazhi withdraw``) keeps its file, so its record stays; its
page, listing entries, feed items, law-page entries and search documents are gone
from the next build because the content tree keeps it apart from the published
articles. Only its URL remains, answered by this notice so old links and
bookmarks explain themselves instead of ending on a 404. Neither the title nor the
reason is shown: either may be what had to be taken down.
"""

from __future__ import annotations

from collections.abc import Iterable

from fazhi.article import Article
from fazhi_app.hooks.pages import PageSpec

TEMPLATE = "withdrawn.html"
TITLE = "本文已撤回"


def notice_specs(withdrawn: Iterable[Article]) -> list[PageSpec]:
    """One notice page per withdrawn article, at the article's own source path (so at its URL)."""
    return [
        PageSpec(str(article.path), TITLE, TEMPLATE, {"withdrawn": article.withdrawn.isoformat() if article.withdrawn else ""},
                 hide=("navigation", "toc"))
        for article in withdrawn
        if article.path is not None
    ]


def withdrawn_urls(withdrawn: Iterable[Article]) -> set[str]:
    """Site-relative URLs of withdrawn articles (``cases/2022/slug/``), for what must not list them."""
    return {article.url for article in withdrawn}
