"""What one emulated site declares, so that adding a platform to the mirror is one module in ``sites/``.

Everything the mirror knows about a site — where it lives, how its ids and article paths look, which quirks
its sample articles carry and how it answers requests — is a field of its ``Site``; the data generator, the
router and the server read those fields and never compare site names.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from scraper.mirror.pages import Form, Response

Article = dict[str, Any]


class SiteData(Protocol):
    """The part of the mirror's data a site's pages read: its articles, newest first."""

    def articles(self, site: str) -> list[Article]: ...


@dataclass(frozen=True)
class Dressed:
    """A sample article's platform quirks: its body's markup style, attachments listed beside it, markup appended."""

    style: str
    files: list[dict[str, str]]
    extra: str


@dataclass(frozen=True)
class Site:
    """One emulated upstream site: its key, platform, real host, the source name fazhi.yml gives it, and its behaviour.

    ``paths`` are the path prefixes it answers on a host it shares (empty: the whole host); ``disallow`` its
    robots.txt lines. ``sample`` is how many sample articles it has and between which dates. ``article_path``
    gives an article's URL path from its id and date; ``new_id`` a fresh id in the platform's scheme;
    ``dress`` the quirks of the ``i``-th sample article; ``special_cases`` its one-off quirks. ``respond``
    answers list pages and list queries (None for other paths) and ``article_page`` an article's page.
    """

    key: str
    platform: str
    host: str
    source: str
    scheme: str
    sample: tuple[int, dt.datetime, dt.datetime]
    article_path: Callable[[str, dt.datetime], str]
    new_id: Callable[[random.Random, str], str]
    dress: Callable[[int, Article, str, random.Random], Dressed]
    special_cases: Callable[[list[Article], random.Random], None]
    respond: Callable[[SiteData, str, str, Form, Form], Response | None]
    article_page: Callable[[Article], Response]
    paths: tuple[str, ...] = ()
    disallow: tuple[str, ...] = ()

    def serves(self, host: str, path: str) -> bool:
        """Whether a request to ``host`` for ``path`` is this site's."""
        return host == self.host and (not self.paths or path.startswith(self.paths))
