"""What every platform module offers, and the small helpers they share.

A platform walks a source's list (``list_entries``) and turns one article into a
``Draft`` (``parse_article``). It receives ``fetch`` and never sleeps, retries or
reads robots.txt. Column ids, unit ids and URLs come from ``Source`` (``base_url``
and ``params``), never from the module.

Date precedence, the same everywhere: the date the article page shows (发布时间 /
日期 line) > the list's date (list item, JSON ``pubDate``) > meta ``PubDate`` (often
the page generation time) > a date in the URL. ``Draft.date_from`` records which won.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bs4 import BeautifulSoup

from fazhi.config import Source
from fazhi.errors import ExtractError
from scraper import clean
from scraper.http import Fetch, Page
from scraper.platforms.params import Params

DateFound = tuple[dt.datetime, bool] | None


@dataclass(frozen=True)
class ListEntry:
    """One item of a list walk: the article URL, its full title, the list's date, upstream ids."""

    url: str
    title: str
    date: dt.datetime | None = None
    time_known: bool = False
    ids: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The upstream id when there is one, else the URL."""
        return str(self.ids.get("id") or self.url)


@dataclass(frozen=True)
class Draft:
    """An article as extracted, before assets are downloaded and the body becomes Markdown.

    ``body_html`` is cleaned (``scraper.clean.clean_body``) with absolute URLs;
    ``attachments`` are (title, absolute URL) pairs the body may or may not link.
    """

    title: str
    date: dt.datetime
    time_known: bool
    body_html: str
    source: str | None = None
    attachments: tuple[tuple[str, str], ...] = ()
    date_from: str = "list"
    summary: str | None = None


class Platform(Protocol):
    """The two methods a platform offers, plus whether an entry needs its article page fetched.

    ``params`` is the schema of what ``sources[i].params`` may hold, with its ``ONE_OF`` groups of
    which at least one must be set (checked at config load, ``scraper.platforms.check_settings``).
    A platform whose list announces its length sets ``announced`` while walking; a walk that
    ends with fewer records counts as incomplete.
    """

    name: str
    params: type[Params]

    def list_entries(self, source: Source, fetch: Fetch) -> Iterator[ListEntry]: ...

    def needs_page(self, entry: ListEntry) -> bool: ...

    def parse_article(self, page: Page | None, entry: ListEntry) -> Draft: ...


class PageLimit(Exception):
    """The list walk stopped at ``source.max_pages``: the entries are not the whole list."""


def page_numbers(source: Source) -> Iterator[int]:
    """1, 2, … ``source.max_pages``; asking for one more raises PageLimit."""
    yield from range(1, source.max_pages + 1)
    raise PageLimit(f"stopped after max_pages={source.max_pages} list pages")


def param(source: Source, key: str, default: Any = None) -> Any:
    """A platform parameter from the source's ``params``; missing without default is a config problem."""
    value = source.params.get(key, default)
    if value is None:
        raise ExtractError(source.base_url, f"source {source.name!r} needs params.{key}")
    return value


def pick_date(*candidates: tuple[str, DateFound]) -> tuple[dt.datetime, bool, str]:
    """The first date found, in the precedence order given, with the name of the rule that won."""
    for label, found in candidates:
        if found is not None:
            return found[0], found[1], label
    raise ValueError("no date")


def article_dates(page: BeautifulSoup, visible: DateFound, entry: ListEntry) -> tuple[dt.datetime, bool, str]:
    """Apply the module docstring's precedence; an article with no date at all is an ExtractError."""
    listed = (entry.date, entry.time_known) if entry.date else None
    try:
        return pick_date(("visible", visible), ("list", listed), ("meta", clean.find_date(clean.meta(page, "PubDate"))),
                         ("url", clean.find_date(entry.url)))
    except ValueError:
        raise ExtractError(entry.url, "no publication date on the page, in the list or in the URL") from None


def page_title(parsed: BeautifulSoup, selectors: tuple[str, ...], fallback: str) -> str:
    """The title a page shows (first matching heading), else its ArticleTitle meta, else ``fallback``."""
    heading = clean.select_first(parsed, selectors)
    shown = clean.clean_title(heading.get_text() if heading else None)
    return shown or clean.clean_title(clean.meta(parsed, "ArticleTitle")) or fallback


def html_page(page: Page) -> tuple[BeautifulSoup, str]:
    """Parsed page and the URL its relative links resolve against."""
    parsed = clean.soup(page.text)
    return parsed, clean.base_url(parsed, page.url)
