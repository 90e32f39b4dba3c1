"""One source's run: walk its list, bring each article up to date, then check what the list dropped.

Per entry: fetch the article page when the platform needs it, skip the extraction when
its inputs are those of the file last written (``scraper.skip_key``), else parse a
``Draft`` and write it (``scraper.article_file``). After a complete list walk, active
articles the list no longer has go to the removal checks (``scraper.removal``).

A 412 or challenge page marks the source ``blocked`` and stops its remaining work; any
other failure of the list walk marks it ``failed``; a run never raises, so the other
sources always run.
"""

from __future__ import annotations

import threading
import time

from fazhi.config import Settings, Source
from fazhi.errors import Blocked, Disallowed, ExtractError, FetchError
from scraper.article_file import ArticleWriter
from scraper.assets import Localizer
from scraper.entries import dedupe
from scraper.fetcher import Fetcher
from scraper.http import RequestCounter
from scraper.platforms import ListEntry, PageLimit, platform_for
from scraper.platforms.base import Platform
from scraper.pool import Halted, run_each
from scraper.progress import ScrapeProgress
from scraper.removal import RemovalCheck
from scraper.report import SourceReport
from scraper.skip_key import extraction_key, still_as_written
from scraper.store import Store


class SourceRun:
    """Scrape one source; never raises: every failure ends up in the SourceReport."""

    def __init__(self, settings: Settings, source: Source, store: Store, fetcher: Fetcher, progress: ScrapeProgress, offline: bool):
        self.settings, self.source, self.store, self.progress, self.offline = settings, source, store, progress, offline
        self.counter = RequestCounter()
        self.fetch = fetcher.fetch_for(self.counter)
        self.platform: Platform = platform_for(source.platform)
        self.report = SourceReport(source.name, source.platform)
        self.content = settings.paths.content
        self.halt = threading.Event()
        self.publisher = source.publisher or settings.publisher
        self.workers = max(1, settings.fetch.concurrency)
        self.writer = ArticleWriter(self.content, source, self.publisher, store, Localizer(self.fetch, self.report.reasons.append),
                                    self.report)

    def run(self) -> SourceReport:
        started = time.monotonic()
        task = self.progress.start(self.source.name)
        try:
            with self.store.batch():
                self._run(task)
        except Exception as exc:  # a bug or a full disk must not stop the sources of other hosts
            self.report.status = "failed"
            self.report.reasons.append(f"source run stopped: {type(exc).__name__}: {exc}")
        finally:
            self.report.requests, self.report.not_modified = self.counter.requests, self.counter.not_modified
            self.report.seconds = round(time.monotonic() - started, 3)
            self.progress.done(task)
        return self.report

    def _run(self, task: object) -> None:
        report = self.report
        entries: list[ListEntry] = []
        complete = True
        try:
            entries.extend(self.platform.list_entries(self.source, self.fetch))
        except PageLimit as exc:
            complete = False
            report.reasons.append(f"list incomplete: {exc}; nothing marked removed")
        except Blocked as exc:
            report.status = "blocked"
            report.reasons.append(f"blocked: {exc}")
            return
        except (FetchError, ExtractError) as exc:
            report.status = "failed"
            report.reasons.append(f"list walk failed: {exc}")
            return
        except Exception as exc:  # a parser bug on odd input must not stop the other sources
            report.status = "failed"
            report.reasons.append(f"list walk failed: {type(exc).__name__}: {exc}")
            return
        entries = dedupe(entries)
        report.entries = len(entries)
        self.progress.total(task, len(entries))
        self._articles(entries, task)
        if report.status == "blocked" or self.offline:
            return
        if complete and not entries:
            report.reasons.append("list walk found no articles; nothing marked removed")
        elif complete:
            listed = {e.url for e in entries}
            unlisted = [item for item in self.store.items(self.source.name, status="active") if item.url not in listed]
            if unlisted:
                RemovalCheck(self.content, self.store, self.fetch, report, self.halt, self.workers,
                             f"check-{self.writer.source.name}", self._blocked).run(unlisted)
        if report.failed and report.status == "ok":
            report.status = "partial"

    def _articles(self, entries: list[ListEntry], task: object) -> None:
        report = self.report
        for entry, outcome, error in run_each(entries, self._article, workers=self.workers, name=f"scrape-{self.source.name}",
                                              halt=self.halt):
            if outcome is not None:
                report.count(outcome)
            elif isinstance(error, Halted):
                continue
            elif isinstance(error, Blocked):
                self._blocked(f"blocked: {error}")
            elif isinstance(error, Disallowed):
                report.skipped += 1
                report.reasons.append(f"skipped {error}")
            elif isinstance(error, (FetchError, ExtractError)):
                report.failed += 1
                report.reasons.append(f"failed {error}")
            else:
                report.failed += 1
                report.reasons.append(f"failed {entry.url}: {type(error).__name__}: {error}")
            self.progress.advance(task)

    def _blocked(self, reason: str) -> None:
        """A challenge page or 412: mark the source blocked once and stop its remaining work."""
        if self.report.status != "blocked":
            self.report.status = "blocked"
            self.report.reasons.append(reason)
        self.halt.set()

    def _article(self, entry: ListEntry) -> str:
        page = self.fetch(entry.url) if self.platform.needs_page(entry) else None
        item = self.store.item(entry.url)
        key = extraction_key(self.source, self.publisher, entry, page)
        if not self.offline and item is not None and still_as_written(item, key, self.content):
            self.store.seen(entry.url)
            return "unchanged"
        draft = self.platform.parse_article(page, entry)
        return self.writer.write(entry, draft, item, key)
