"""One article, one copy: a new URL whose article is already archived under another URL joins it.

Two URLs hold the same article when the normalised title and the day agree and the bodies
are nearly identical (other sources, other columns, the next site generation). The second
URL is recorded as ``merged`` into the first (``canonical``), the article file lists it
under ``origin_urls`` and nothing is archived anew. A source configured with ``replaces:
<older source>`` takes over the older source's articles on first sight by title and day
alone, and its URL becomes the one the article is archived under.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from fazhi.article import parse_article
from fazhi.config import Source
from fazhi.errors import ArticleInvalid
from fazhi.files import write_atomic
from scraper.compose import match_key
from scraper.html2md import to_markdown
from scraper.platforms.base import Draft, ListEntry
from scraper.store import Item, Store
from scraper.walk import entry_record, list_sig

NEAR_IDENTICAL = 0.9


class Claims:
    """One lock per normalised title and day: two sources meeting the same new article at once take turns,
    so the second finds the first's copy instead of archiving its own."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextmanager
    def claim(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield


LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")


def _plain(markdown: str) -> str:
    """The words of a body: link and image targets (remote in a draft, local in a file) and punctuation left out."""
    return "".join(ch for ch in LINK_TARGET_RE.sub("]", markdown) if ch.isalnum())


def near_identical(a: str, b: str) -> bool:
    """Whether two bodies say the same (markup, spacing and punctuation aside)."""
    left, right = _plain(a), _plain(b)
    if not left or not right:
        return left == right
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    return matcher.quick_ratio() >= NEAR_IDENTICAL and matcher.ratio() >= NEAR_IDENTICAL


@dataclass
class Duplicates:
    """Finds and joins second copies for one source."""

    content: Path
    source: Source
    store: Store

    def join(self, entry: ListEntry, draft: Draft) -> Item | None:
        """The archived article ``entry`` is another URL of, now joined; None when it is a new article."""
        for item in self.store.same_article(match_key(draft.title, draft.date)):
            if item.url == entry.url or not item.path:
                continue
            migration = bool(self.source.replaces) and item.source == self.source.replaces
            text = self._text(item)
            if text is None:
                continue
            if not migration and not near_identical(to_markdown(draft.body_html), parse_article(text, PurePosixPath(item.path)).body):
                continue
            self._record(entry, draft, item)
            if migration:
                self.store.promote(entry.url, item.url)
            self._front_matter(item, entry.url if migration else None)
            return item
        return None

    def _text(self, item: Item) -> str | None:
        path = self.content / (item.path or "")
        return path.read_text("utf-8") if path.is_file() else None

    def _record(self, entry: ListEntry, draft: Draft, item: Item) -> None:
        self.store.record(
            url=entry.url, source=self.source.name, ids=dict(entry.ids), title=draft.title,
            published=draft.date.isoformat(timespec="minutes"), content_hash=item.content_hash, path=item.path, status="merged",
            extra={}, entry=entry_record(entry), list_sig=list_sig(entry), canonical=item.url, match_key=None,
        )

    def _front_matter(self, item: Item, new_origin: str | None) -> None:
        """List every URL of the article in its file (``origin_url`` first, the others in ``origin_urls``).

        Only the front matter of a scraped file changes; its body, staff-edited or not, stays as it is.
        """
        text = self._text(item)
        rel = PurePosixPath(item.path or "")
        try:
            article = parse_article(text or "", rel)
        except ArticleInvalid:
            return
        if text is None or article.origin != "scraped":
            return
        canonical = new_origin or article.origin_url
        urls = [article.origin_url or "", *article.origin_urls, *(a.url for a in self.store.aliases(canonical or ""))]
        others = tuple(dict.fromkeys(u for u in urls if u and u != canonical))
        updated = replace(article, origin_url=canonical, origin_urls=others)
        if updated != article:
            write_atomic(self.content / rel, updated.to_markdown())
