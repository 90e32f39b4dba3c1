"""One source's run: walk its list, bring the articles that need it up to date, check what a full walk dropped.

1. **Walk.** Lists are newest first: a nightly walk stops at the first page whose entries
   the store already has, unchanged (``scraper.walk``). A full walk (every page, no
   ``max_pages`` cap) runs on its own schedule (``fetch.full_walk_days``), on a source's
   first run, and with ``full=True``. A walk that ends with fewer records than the source
   announced is incomplete.
2. **Plan.** An entry's article page is fetched when the entry is new, its list entry
   changed (title, date, summary or link), its article is not archived yet (an asset
   missing for a passing reason, or a file or asset gone from disk), or it is due
   (``scraper.schedule``). Due articles, listed tonight or not, share the per-source
   ``fetch.revisit_budget`` with the removal checks, oldest due first; the rest wait.
3. **Articles.** The extraction is skipped when its inputs are those of the file last
   written (``scraper.skip_key``); a new URL of an article already archived joins it
   (``scraper.duplicates``); otherwise the draft is written (``scraper.article_file``).
4. **Removals.** Only a complete full walk marks the active articles it no longer lists
   for a check at their own URL (``scraper.removal``), done within the budget, over as
   many runs as it takes.

A 412 or challenge page marks the source ``blocked`` and stops its remaining work; any
other failure of the list walk marks it ``failed``; a run never raises, so the other
sources always run. A source past its time for the night (``TimeLimit``) stops its
remaining work, and one with an answer slower than ``fetch.request_limit`` goes on; both
are ``unfinished``: what was archived stays, and the next walk is a full one, so what
was left is found again however far down the list it was. An empty list is a failure
when the source has archived articles (its layout changed), and so is a night whose
every article page failed to extract.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from fazhi.config import Settings, Source
from fazhi.errors import Blocked, Disallowed, ExtractError, FetchError, NotFound
from scraper import extractor, schedule
from scraper.article_file import ArticleWriter, conflict_reason
from scraper.assets import Localizer
from scraper.compose import match_key
from scraper.duplicates import Claims, Duplicates
from scraper.entries import dedupe
from scraper.fetcher import Fetcher
from scraper.http import Page, RequestCounter, TimeUp, TooSlow
from scraper.platforms import ListEntry, PageLimit, platform_for
from scraper.platforms.base import Platform
from scraper.policies import page_from_store
from scraper.pool import Halted, run_each
from scraper.progress import ScrapeProgress
from scraper.removal import RemovalCheck
from scraper.report import SourceReport
from scraper.skip_key import extraction_key, sha256, still_as_written
from scraper.store import Item, Store, page_key
from scraper.walk import ListWalk, WalkStopped, entry_from_record, list_sig

# A full walk has no page cap but this one, against a pager that never ends.
FULL_WALK_PAGES = 10_000


@dataclass(frozen=True)
class TimeLimit:
    """When a source's work must stop tonight (a ``time.monotonic()`` value), and the limit that set it."""

    until: float
    setting: str


def time_limit(settings: Settings, run_until: float | None = None) -> TimeLimit:
    """The limit of a source starting now: ``fetch.source_limit`` from now, or the run's end when that comes first."""
    own = time.monotonic() + settings.fetch.source_limit
    if run_until is not None and run_until < own:
        return TimeLimit(run_until, "the nightly run's time limit (run_limit)")
    return TimeLimit(own, f"its time limit (fetch.source_limit, {settings.fetch.source_limit:g} s)")


@dataclass(frozen=True)
class Task:
    """One article to bring up to date: ``why`` is new, listed (its entry changed or it is not archived), revisit,
    recode (extracted by other code: done again from the stored page, without a request) or offline."""

    entry: ListEntry
    item: Item | None
    why: str


class SourceRun:
    """Scrape one source; never raises: every failure ends up in the SourceReport."""

    def __init__(self, settings: Settings, source: Source, store: Store, fetcher: Fetcher, progress: ScrapeProgress, offline: bool,
                 full: bool = False, claims: Claims | None = None, limit: TimeLimit | None = None):
        self.settings, self.source, self.store, self.progress, self.offline = settings, source, store, progress, offline
        self.full = full
        self.limit = limit or time_limit(settings)
        self.counter = RequestCounter()
        self.fetch = fetcher.fetch_for(self.counter, self.limit.until)
        self.platform: Platform = platform_for(source.platform)
        self.report = SourceReport(source.name, source.platform)
        self.content = settings.paths.content
        self.halt = threading.Event()
        self.publisher = source.publisher or settings.publisher
        self.workers = max(1, settings.fetch.concurrency)
        self.writer = ArticleWriter(self.content, source, self.publisher, store, Localizer(self.fetch, self.report.reasons.append),
                                    self.report)
        self.duplicates = Duplicates(self.content, source, store, self.fetch)
        self.claims = claims or Claims()
        self._now = store.now()
        self._lock = threading.Lock()
        self._retried = 0  # refused assets asked for again tonight (their article was due)
        self._unextracted = 0  # article pages fetched tonight that failed to extract
        self._conflicted: set[str] = set()  # files tonight's run found it must leave as they are
        self._out_of_time = False  # the source's time for the night ran out

    def run(self) -> SourceReport:
        started = time.monotonic()
        task = self.progress.start(self.source.name)
        try:
            if self.limit.until <= started:
                self._unfinished(f"not started: {self.limit.setting} was reached before its turn", stop=True)
                return self.report
            with self.store.batch():
                self._run(task)
            if self.report.status == "unfinished" and not self.offline:
                self.store.full_walk_wanted(self.source.name)  # what was left may be further down the list than tonight's walk
        except Exception as exc:  # a bug or a full disk must not stop the sources of other hosts
            self.report.status = "failed"
            self.report.reasons.append(f"source run stopped: {type(exc).__name__}: {exc}")
        finally:
            self.report.requests, self.report.not_modified = self.counter.requests, self.counter.not_modified
            self.report.seconds = round(time.monotonic() - started, 3)
            self.progress.done(task)
        return self.report

    # -- walk --------------------------------------------------------------------------------
    def _run(self, task: object) -> None:
        report = self.report
        full = self.full or self.offline or schedule.full_walk_due(self.settings.fetch, self.store.last_full_walk(self.source.name),
                                                                   self.store.clock())
        report.walk = "full" if full else "incremental"
        walk = ListWalk(self.fetch, self._known_unchanged, incremental=not full)
        source = replace(self.source, max_pages=FULL_WALK_PAGES) if full else self.source
        complete = True
        try:
            for entry in self.platform.list_entries(source, walk.fetch):
                walk.add(entry)
        except WalkStopped:
            complete = False  # by design: the rest of the list is known
        except PageLimit as exc:
            complete = False
            report.reasons.append(f"list incomplete: {exc}; nothing marked removed")
        except Blocked as exc:
            report.status = "blocked"
            report.reasons.append(f"blocked: {exc}")
            return
        except TimeUp:
            self._unfinished(f"unfinished: the list walk was stopped by {self.limit.setting}; nothing marked removed", stop=True)
            return
        except TooSlow as exc:
            self._unfinished(f"unfinished: the list walk stopped at {exc}; nothing marked removed", stop=True)
            return
        except (FetchError, ExtractError) as exc:
            report.status = "failed"
            report.reasons.append(f"list walk failed: {exc}")
            return
        except Exception as exc:  # a parser bug on odd input must not stop the other sources
            report.status = "failed"
            report.reasons.append(f"list walk failed: {type(exc).__name__}: {exc}")
            return
        finally:
            report.list_pages = walk.pages
        announced = getattr(self.platform, "announced", None)
        if complete and announced is not None and len(walk.entries) < announced:
            complete = False
            report.reasons.append(f"list incomplete: the walk ended with {len(walk.entries)} records of the {announced} the source "
                                  "announced; nothing marked removed")
        entries = dedupe(walk.entries)
        report.entries = len(entries)
        if not entries:
            self._nothing_listed()
        elif complete and full and not self.offline:
            self.store.mark_unlisted(self.source.name, {e.url for e in entries})
            self.store.full_walk_done(self.source.name)
        budget = max(0, self.settings.fetch.revisit_budget)
        checks = [] if self.offline else self.store.pending_checks(self.source.name)[:budget]
        tasks = self._plan(entries, budget - len(checks))
        self.progress.total(task, len(tasks))
        refused = self.store.refused_assets(self.source.name)
        self._articles(tasks, task)
        report.assets_backed_off = max(0, refused - self._retried)
        if report.status not in ("blocked", "unfinished") and checks:
            RemovalCheck(self.content, self.store, self.fetch, report, self.halt, self.workers, f"check-{self.source.name}",
                         self._blocked).run(checks)
        if report.failed and report.status == "ok":
            report.status = "partial"
        if report.status == "partial" and self._unextracted == report.failed and not (report.new or report.changed or report.unchanged):
            report.status = "failed"
            report.reasons.append(f"every article page fetched tonight failed to extract ({report.failed} of {report.failed}): "
                                  f"the pages of {self.source.base_url} may have changed their layout")

    def _nothing_listed(self) -> None:
        """A walk without a single entry. A new source may have none yet; a list that had articles does not empty itself
        overnight (a redesign the list parser does not know), so that is a failure, never a silent pass or a removal."""
        archived = sum(1 for _ in self.store.items(self.source.name, status="active"))
        if archived:
            self.report.status = "failed"
            self.report.reasons.append(f"list walk found no articles at {self.source.base_url}, though {archived} of this source's "
                                       "articles are archived: its list may have changed its layout; nothing marked removed")
        else:
            self.report.reasons.append("list walk found no articles; nothing marked removed")

    def _known_unchanged(self, entry: ListEntry) -> bool:
        item = self.store.item(entry.url)
        return item is not None and item.status in ("active", "conflict", "merged") and item.list_sig == list_sig(entry)

    # -- plan --------------------------------------------------------------------------------
    def _plan(self, entries: list[ListEntry], budget: int) -> list[Task]:
        """The articles to fetch tonight; counts and marks the ones left alone."""
        tasks: list[Task] = []
        due: list[Task] = []
        listed = {e.url for e in entries}
        if not self.offline:
            self._conflicts_on_disk()
        for entry in entries:
            item = self.store.item(entry.url)
            if self.offline:
                tasks.append(Task(entry, item, "offline"))
            elif item is None:
                tasks.append(Task(entry, None, "new"))
            elif item.status == "merged" or entry.url in self._conflicted:
                self._left_alone(entry, item)  # kept up to date under its other URL, or a file that must stay as it is
            elif item.list_sig != list_sig(entry) or item.status == "removed" or not self._archived(item):
                tasks.append(Task(entry, item, "listed"))
            elif item.next_due is None or item.next_due <= self._now:
                due.append(Task(entry, item, "revisit"))
            elif item.status == "active" and item.extra.get("code") != extractor.extractor_version() and self._page_kept(entry):
                tasks.append(Task(entry, item, "recode"))
            else:
                self._left_alone(entry, item)
        if not self.offline:
            for item in self.store.due(self.source.name, budget + len(listed)):
                if item.url not in listed and item.entry and item.url not in self._conflicted:
                    due.append(Task(entry_from_record(item.entry), item, "revisit"))
        due.sort(key=lambda t: (t.item.next_due or "") if t.item else "")
        for waiting in due[budget:]:
            if waiting.entry.url in listed and waiting.item is not None:
                self._left_alone(waiting.entry, waiting.item)
        return tasks + due[:budget]

    def _page_kept(self, entry: ListEntry) -> bool:
        """Whether an entry can be extracted again without a request (its page is not needed, or its raw copy is kept)."""
        return not self.platform.needs_page(entry) or self.store.cached_page(page_key("GET", entry.url)) is not None

    def _archived(self, item: Item) -> bool:
        """Whether an article needs nothing more: its extraction stands (every asset stored or refused for good) and its files are there."""
        if item.status == "conflict":
            return True
        if item.status != "active" or not item.path or "key" not in item.extra:
            return False
        path = self.content / item.path
        try:
            return path.is_file() and all((path.parent / name).is_file() for name in item.extra.get("assets", ()))
        except OSError:  # a folder that may not be read: the article's own run names it, the source goes on
            return False

    def _left_alone(self, entry: ListEntry, item: Item) -> None:
        """A listed article whose page is not asked for tonight (a conflict on disk is counted as such)."""
        if entry.url not in self._conflicted:
            with self._lock:
                self.report.unchanged += 1
                self.report.not_due += 1
        self.store.seen(entry.url)

    def _conflicts_on_disk(self) -> None:
        """Report, without a request, the source's files changed since the scraper wrote them into something it must not
        overwrite (a staff edit, a withdrawal): they are never rewritten, and each run says so."""
        for item in [*self.store.items(self.source.name, status="active"), *self.store.items(self.source.name, status="conflict")]:
            if not item.path:
                continue
            path = self.content / item.path
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if item.status == "active" and sha256(data) == item.extra.get("file_sha"):
                continue
            reason = conflict_reason(data.decode("utf-8", "replace"), PurePosixPath(item.path))
            if reason is None:
                continue
            self._conflicted.add(item.url)
            self.report.conflicts += 1
            self.report.reasons.append(f"conflict {item.url}: {reason}; {item.path} left as is")
            if item.status != "conflict":
                self.store.set_status(item.url, "conflict")

    # -- articles ----------------------------------------------------------------------------
    def _articles(self, tasks: list[Task], progress_task: object) -> None:
        report = self.report
        done = 0
        for task, outcome, error in run_each(tasks, self._article, workers=self.workers, name=f"scrape-{self.source.name}",
                                             halt=self.halt):
            entry = task.entry
            done += 1
            if outcome is not None:
                report.count(outcome)
                if task.why == "revisit":
                    report.revisited += 1
                    report.changed_by_revisit += outcome == "changed"
            elif isinstance(error, Halted):
                continue
            elif isinstance(error, Blocked):
                self._blocked(f"blocked: {error}")
            elif isinstance(error, TimeUp):
                done -= 1  # cut off: it waits like the ones not started
                self._unfinished("", stop=True)
            elif isinstance(error, TooSlow):
                self._unfinished(f"unfinished {error}", stop=False)
            elif isinstance(error, Disallowed):
                report.skipped += 1
                report.reasons.append(f"skipped {error}")
            elif isinstance(error, (FetchError, ExtractError)):
                report.failed += 1
                self._unextracted += isinstance(error, ExtractError)
                report.reasons.append(f"failed {error}")
            else:
                report.failed += 1
                report.reasons.append(f"failed {entry.url}: {type(error).__name__}: {error}")
            self.progress.advance(progress_task)
        if self._out_of_time:
            report.reasons.append(f"unfinished: stopped by {self.limit.setting}; {len(tasks) - done} article(s) wait for the next night")

    def _unfinished(self, reason: str, *, stop: bool) -> None:
        """Out of time: the source is ``unfinished`` (unless blocked or failed); ``stop`` ends its remaining work tonight."""
        with self._lock:
            if self.report.status in ("ok", "partial"):
                self.report.status = "unfinished"
            if reason:
                self.report.reasons.append(reason)
            if stop:
                self._out_of_time = True
        if stop:
            self.halt.set()

    def _blocked(self, reason: str) -> None:
        """A challenge page or 412: mark the source blocked once and stop its remaining work."""
        with self._lock:
            if self.report.status != "blocked":
                self.report.status = "blocked"
                self.report.reasons.append(reason)
        self.halt.set()

    def _article(self, task: Task) -> str:
        entry, item = task.entry, task.item
        revisit = task.why == "revisit"
        needs_page = self.platform.needs_page(entry)
        if task.why == "recode":
            page = self._stored_page(entry.url) if needs_page else None
        elif revisit and item is not None:
            try:
                page = self.fetch(entry.url)
            except NotFound as exc:
                return self._gone_on_revisit(entry, item, exc)
        else:
            page = self.fetch(entry.url) if needs_page else None
        page_sha = None
        if revisit and not needs_page and page is not None and item is not None:
            # The list carries this article's body: its page is compared with the copy seen at the last revisit, and read when
            # it differs or there is none (the article was written from the list since), as a change made in between (an
            # attachment replaced) may show only there. The copy is recorded once read, so a run stopped before cannot lose it.
            page_sha = sha256(page.content)
            if item.extra.get("page_sha") == page_sha:
                self._scheduled(entry.url, item.published, changed=False)
                return "unchanged"
            entry = replace(entry, extra={**entry.extra, "content": ""})
        parsed_page = page if self.platform.needs_page(entry) else None
        key = extraction_key(self.source, self.publisher, entry, parsed_page)
        retry_refused = revisit and bool(item and item.extra.get("refused"))
        if retry_refused and item is not None:
            with self._lock:
                self._retried += len(item.extra["refused"])
        if not self.offline and item is not None and not retry_refused and still_as_written(item, key, self.content):
            self.store.seen(entry.url)
            self._scheduled(entry.url, item.published, changed=False)
            self._page_read(entry.url, page_sha)
            return "unchanged"
        draft = self.platform.parse_article(parsed_page, entry)
        if item is None:
            with self.claims.claim(match_key(draft.title, draft.date)):
                if self.duplicates.join(entry, draft) is not None:
                    return "merged"
                outcome = self.writer.write(entry, draft, item, key)
        else:
            outcome = self.writer.write(entry, draft, item, key)
        self._scheduled(entry.url, draft.date.isoformat(timespec="minutes"), changed=outcome in ("new", "changed"))
        self._page_read(entry.url, page_sha)
        return outcome

    def _page_read(self, url: str, page_sha: str | None) -> None:
        """Record the page of a list-carried article as read (its copy for the next revisit), after what it held was written."""
        if page_sha is not None:
            self.store.update_extra(url, {"page_sha": page_sha})

    def _gone_on_revisit(self, entry: ListEntry, item: Item, exc: NotFound) -> str:
        """A due page that answers 404/410: not a removal yet (only a full walk leads to one), but the next walk is full."""
        self.store.full_walk_wanted(self.source.name)
        self._scheduled(entry.url, item.published, changed=False)
        with self._lock:
            self.report.reasons.append(f"revisit: {exc}; the next list walk is a full one, which decides whether it was removed")
        return "unchanged"

    def _stored_page(self, url: str) -> Page:
        cached = self.store.cached_page(page_key("GET", url))
        if cached is None:
            raise FetchError(url, "no stored copy of the page to extract again; fetched when it is next due")
        return page_from_store(cached)

    def _scheduled(self, url: str, published: str | None, *, changed: bool) -> None:
        if self.offline:
            return
        clock: dt.datetime = self.store.clock()
        self.store.fetched(url, next_due=schedule.next_due(self.settings.fetch, url, published, clock), changed=changed)
