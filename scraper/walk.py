"""A source's list walk: every page (a full walk), or newest first until a page brings nothing new.

The platform walks its list through ``ListWalk.fetch``. Every request the platform makes
while walking starts a new list page; in an incremental walk, the request for the next
page is not made once the page before it held only entries the store knows unchanged
(``WalkStopped``). Lists are newest first, so nothing further down is new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from scraper.entries import dedupe
from scraper.http import Fetch, FormData, Page
from scraper.platforms.base import ListEntry


class WalkStopped(Exception):
    """An incremental walk reached a page of known, unchanged entries."""


def list_sig(entry: ListEntry) -> str:
    """What a list shows of an entry: title, date, summary and link. A change of any is a change upstream."""
    shown = [entry.url, entry.title, entry.date.isoformat() if entry.date else None, entry.extra.get("summary"),
             hashlib.sha256(str(entry.extra.get("content") or "").encode("utf-8")).hexdigest()]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def entry_record(entry: ListEntry) -> dict[str, Any]:
    """A list entry as the store keeps it, to revisit the article on a night its list page is not walked."""
    return {"url": entry.url, "title": entry.title, "date": entry.date.isoformat() if entry.date else None,
            "time_known": entry.time_known, "ids": dict(entry.ids), "extra": dict(entry.extra)}


def entry_from_record(record: Mapping[str, Any]) -> ListEntry:
    """The list entry a stored record was made from."""
    return ListEntry(url=record["url"], title=record["title"], date=dt.datetime.fromisoformat(record["date"]) if record["date"] else None,
                     time_known=bool(record["time_known"]), ids=dict(record["ids"]), extra=dict(record["extra"]))


class ListWalk:
    """Collects a walk's entries and counts its pages; ``known_unchanged`` tells an entry the store has as listed."""

    def __init__(self, fetch: Fetch, known_unchanged: Callable[[ListEntry], bool], *, incremental: bool):
        self._fetch = fetch
        self.known_unchanged = known_unchanged
        self.incremental = incremental
        self.entries: list[ListEntry] = []
        self.pages = 0
        self._page_start = 0

    def add(self, entry: ListEntry) -> None:
        self.entries.append(entry)

    def fetch(self, url: str, *, data: FormData | None = None, headers: Mapping[str, str] | None = None, kind: str = "page") -> Page:
        unique = dedupe(self.entries)  # a repeat of an entry further up says nothing of its own
        page_entries = unique[self._page_start:]
        if self.incremental and page_entries and all(self.known_unchanged(e) for e in page_entries):
            raise WalkStopped
        self.pages += 1
        self._page_start = len(unique)
        return self._fetch(url, data=data, headers=headers, kind=kind)
