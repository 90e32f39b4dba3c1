"""A draft and its localised assets made into the article file's model: column, slug, path, front matter."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import PurePosixPath

from fazhi.article import Article, article_path, classify, slugify
from fazhi.config import Source
from scraper import clean
from scraper.assets import Localized
from scraper.html2md import to_markdown
from scraper.platforms.base import Draft, ListEntry


def id_slug(entry: ListEntry) -> str:
    """The ASCII slug part for an entry's upstream id (a hash of the URL when there is none)."""
    raw = str(entry.ids.get("id") or "")
    part = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    return part or hashlib.sha1(entry.url.encode("utf-8")).hexdigest()[:12]


def match_key(title: str, date: dt.datetime) -> str:
    """What two copies of one article share: the normalised title and the day."""
    return f"{clean.title_key(title)}|{date.date().isoformat()}"


def placement(source: Source, entry: ListEntry, draft: Draft, kept_slug: str | None = None) -> tuple[str, str, PurePosixPath]:
    """(column, slug, path) of the article a draft becomes. An archived article keeps its slug (``kept_slug``), so its
    address on the site stays when it is taken over by another source (a site migration)."""
    column = source.column if source.column != "auto" else classify(draft.title) or source.default_column
    slug = kept_slug or f"{slugify(source.name)}-{id_slug(entry)}"
    return column, slug, article_path(column, draft.date, slug)


def compose(entry: ListEntry, draft: Draft, local: Localized, *, column: str, slug: str, publisher: str) -> Article:
    """The scraped article, its body in Markdown and its content hash set."""
    return Article(
        title=draft.title, date=draft.date, time_known=draft.time_known, column=column, slug=slug,
        body=to_markdown(local.body_html), source=draft.source, publisher=publisher,
        origin_url=entry.url, attachments=local.attachments, summary=draft.summary, origin="scraped",
    ).with_hash()
