"""The page a withdrawn article's URL answers with: a short notice, none of the article.

A withdrawn article (``fazhi withdraw``) keeps its file, so its record stays; its
page, listing entries, feed items, law-page entries and search documents are gone
from the next build because the content tree keeps it apart from the published
articles. Only its URL remains, answered by this notice so old links and
bookmarks explain themselves instead of ending on a 404. Neither the title nor the
reason is shown: either may be what had to be taken down.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path

from fazhi.article import Article
from fazhi.content import WITHDRAWN_LIST
from fazhi.files import write_atomic
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


def write_list(site_dir: Path, urls: set[str]) -> None:
    """List the withdrawn URL paths in the site, so ``fazhi serve`` answers them with 410 Gone."""
    if urls:
        write_atomic(site_dir / WITHDRAWN_LIST, "".join(f"{url}\n" for url in sorted(urls)))


def prune_sitemap(site_dir: Path, urls: set[str]) -> None:
    """Drop withdrawn URLs from ``sitemap.xml`` and its ``.gz`` twin: a notice is nothing to index."""
    sitemap = site_dir / "sitemap.xml"
    if not urls or not sitemap.is_file():
        return
    text = sitemap.read_text("utf-8")
    entry = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)
    kept = entry.sub(lambda m: "" if _site_path(m.group(1)) in urls else m.group(0), text)
    if kept != text:
        sitemap.write_text(kept, "utf-8")
        zipped = site_dir / "sitemap.xml.gz"
        if zipped.is_file():
            zipped.write_bytes(gzip.compress(kept.encode("utf-8"), mtime=0))


def _site_path(loc: str) -> str:
    """``cases/2022/slug/`` of an absolute sitemap URL, whatever the site's base URL and depth."""
    match = re.search(r"([a-z]+/\d{4}/[^/]+/)$", loc)
    return match.group(1) if match else loc
