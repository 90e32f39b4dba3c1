"""What a page says of itself to search engines and share targets.

Baidu and the other engines read ``<meta name="description">``; WeChat and most share
targets read the title, the Open Graph tags and the first image; schema.org ``Article``
JSON-LD is the structured form. An article describes itself by its summary (or the
opening of its text) and carries all three; a generated listing or law page has a
description of its own; any other page falls back to the site's.
``partials/fz-meta.html`` prints a ``Sharing`` (every value escaped there).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from fazhi_app.hooks.archive import Archive, Entry
from fazhi_app.hooks.feeds import CHINA
from fazhi_app.hooks.pages import Pager

LISTED_TITLES = 3
_IMG_SRC_RE = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"", re.I)
# Inside <script> a JSON text must not close the element or open a comment.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Sharing:
    """A page's description, Open Graph type and, for an article, its dates, image and JSON-LD."""

    title: str
    description: str
    kind: str = "website"
    image: str | None = None
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    json_ld: str | None = None


def published(entry: Entry) -> str:
    """ISO 8601 publication time with China's offset, or the date alone when the time is not known."""
    article = entry.article
    return article.date.replace(tzinfo=CHINA).isoformat() if article.time_known else entry.date_iso


def first_image(html: str, page_url: str) -> str | None:
    """The absolute URL of the first image in a page's HTML, resolved against the page's own URL."""
    match = _IMG_SRC_RE.search(html)
    if not match:
        return None
    url = urljoin(page_url, match.group(1).replace("&amp;", "&"))
    return url if urlsplit(url).scheme in ("http", "https") else None


def script_json(data: Any) -> str:
    """JSON for a ``<script type="application/ld+json">`` data block: cannot end the element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


def article(archive: Archive, entry: Entry, *, page_url: str, site_url: str, html: str) -> Sharing:
    """Description, Open Graph and schema.org ``Article`` of an article page at absolute ``page_url``."""
    settings = archive.settings
    item = entry.article
    when = published(entry)
    image = first_image(html, page_url)
    organization = {"@type": "Organization", "name": item.publisher or settings.publisher}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": entry.title,
        "description": entry.summary,
        "datePublished": when,
        # The archive keeps no edit history: the publication date is the last date it vouches for.
        "dateModified": when,
        "inLanguage": "zh-CN",
        "url": page_url,
        "mainEntityOfPage": page_url,
        "articleSection": entry.column_name,
        "publisher": organization,
        "author": {"@type": "Organization", "name": entry.source} if entry.source else organization,
        "isPartOf": {"@type": "WebSite", "name": settings.site_name, "url": site_url},
    }
    if image:
        data["image"] = image
    if item.tags:
        data["keywords"] = list(item.tags)
    if item.origin_url:
        data["isBasedOn"] = item.origin_url
    if entry.laws:
        root = site_url if site_url.endswith("/") else site_url + "/"  # law URLs are site-relative: no urljoin per law
        data["citation"] = [{"@type": "Legislation", "name": law.name, "url": root + law.url} for law in entry.laws]
    return Sharing(
        title=entry.title,
        description=entry.summary,
        kind="article",
        image=image,
        published=when,
        modified=when,
        section=entry.column_name,
        tags=item.tags,
        json_ld=script_json(data),
    )


def listing(lead: str, pager: Pager | None, entries: Sequence[Entry]) -> str:
    """A listing page's own description: what it lists, which page of how many, its first titles."""
    parts = [lead]
    if pager and pager.count > 1:
        parts.append(f"第 {pager.number}/{pager.count} 页。")
    titles = "、".join(f"“{e.title}”" for e in entries[:LISTED_TITLES])
    if titles:
        parts.append(f"本页有{titles}等。" if len(entries) > LISTED_TITLES else f"本页有{titles}。")
    return "".join(parts)
