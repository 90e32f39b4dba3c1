"""One scrape run: every chosen source, its list walked, its articles written as Markdown files.

For each source: walk the list (platform ``list_entries``), drop duplicate entries
(same id, or same normalised title and date), then per entry fetch the article page
when the platform needs it, extract a ``Draft``, download images and attachments into
the article's folder, convert the body to Markdown and compare with the file on disk:

- no file yet: written (``new``);
- same text: nothing written (``unchanged``);
- different text: the previous text goes to the history table, the file is rewritten (``changed``);
- the file's body was edited by staff (``Article.staff_edited``), or the file is not a
  scraped article: never overwritten (``conflicts``).

After a complete list walk, articles the store knows but the list no longer has get
``removed_upstream: <date last seen>`` in their front matter and stay in the archive.
A 412 or challenge page marks the source ``blocked``; any other failure of the list
walk marks it ``failed``; either way the other sources run. Files are written
atomically (temporary file + rename), so nothing archived is lost to a crash.

Exit codes of ``fazhi scrape`` (``ScrapeReport.exit_code``): 0 every source ok (robots
skips allowed), 1 a source failed or some of its articles failed, 3 a source was
blocked and none failed (2 is the CLI's own error code: bad config or options).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fazhi.article import Article, Attachment, article_path, classify, parse_article, slugify
from fazhi.config import Settings, Source
from fazhi.errors import ArticleInvalid, Blocked, ConfigError, Disallowed, ExtractError, FetchError
from scraper import clean
from scraper.html2md import to_markdown
from scraper.http import Fetcher, RequestCounter
from scraper.platforms import ListEntry, PageLimit, platform_for
from scraper.platforms.base import Draft, Platform
from scraper.store import Item, Store, write_atomic

SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
EXT_RE = re.compile(r"^\.[a-z0-9]{1,5}$")
OUTCOMES = ("new", "changed", "unchanged", "conflicts", "skipped")


@dataclass
class SourceReport:
    """What one source's run did. ``status``: ok, partial (some articles failed), failed, blocked."""

    name: str
    platform: str
    status: str = "ok"
    entries: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    conflicts: int = 0
    skipped: int = 0
    failed: int = 0
    requests: int = 0
    not_modified: int = 0
    seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.status == "blocked"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "blocked": self.blocked}


@dataclass
class ScrapeReport:
    """The whole run: one SourceReport per source, in config order."""

    started: str
    finished: str = ""
    offline: bool = False
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return any(s.new or s.changed or s.removed for s in self.sources)

    @property
    def failed_sources(self) -> list[str]:
        return [s.name for s in self.sources if s.status in ("failed", "partial")]

    @property
    def blocked_sources(self) -> list[str]:
        return [s.name for s in self.sources if s.status == "blocked"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_sources else 3 if self.blocked_sources else 0

    def source(self, name: str) -> SourceReport:
        return next(s for s in self.sources if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "started": self.started, "finished": self.finished, "offline": self.offline,
            "changed_anything": self.changed_anything, "failed_sources": self.failed_sources,
            "blocked_sources": self.blocked_sources, "exit_code": self.exit_code,
            "sources": [s.to_dict() for s in self.sources],
        }


def choose_sources(settings: Settings, names: list[str] | None) -> list[Source]:
    """Sources named on the command line (even disabled ones), else every enabled source."""
    if not names:
        return [s for s in settings.sources if s.enabled]
    known = {s.name: s for s in settings.sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"unknown source(s): {', '.join(unknown)} (configured: {', '.join(known) or 'none'})")
    return [known[n] for n in names]


def scrape(settings: Settings, sources: list[str] | None = None, progress: bool = True, *, offline: bool = False,
           transport: httpx.BaseTransport | None = None) -> ScrapeReport:
    """Scrape the chosen sources into ``settings.paths.content``; see the module docstring.

    ``offline`` rereads stored raw pages instead of the network (after a parser fix).
    ``transport`` replaces the network layer (tests); ``fetch.host_map`` still applies.
    """
    chosen = choose_sources(settings, sources)
    report = ScrapeReport(started=_now(), offline=offline)
    settings.paths.content.mkdir(parents=True, exist_ok=True)
    with Store(settings.paths.state) as store, Fetcher(settings.fetch, store, offline=offline, transport=transport) as fetcher, \
            _progress(progress) as bar:
        for source in chosen:
            report.sources.append(SourceRun(settings, source, store, fetcher, bar, offline).run())
    report.finished = _now()
    return report


def report_table(report: ScrapeReport) -> Table:
    """The end-of-run table: one row per source, then the reasons of anything not ok."""
    table = Table(title="scrape report", title_justify="left")
    columns = ("source", "status", "new", "changed", "unchanged", "removed", "conflicts", "skipped", "failed", "requests", "304", "seconds")
    for column in columns:
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for s in report.sources:
        style = {"ok": "green", "partial": "yellow", "failed": "red", "blocked": "magenta"}[s.status]
        table.add_row(s.name, f"[{style}]{s.status}[/]", *(str(v) for v in (s.new, s.changed, s.unchanged, s.removed, s.conflicts,
                      s.skipped, s.failed, s.requests, s.not_modified)), f"{s.seconds:.1f}")
    return table


class _Halt(Exception):
    """The source was blocked while this article waited its turn."""


class SourceRun:
    """Scrape one source; never raises: every failure ends up in the SourceReport."""

    def __init__(self, settings: Settings, source: Source, store: Store, fetcher: Fetcher, bar: _Bar, offline: bool):
        self.settings, self.source, self.store, self.bar, self.offline = settings, source, store, bar, offline
        self.counter = RequestCounter()
        self.fetch = fetcher.fetch_for(self.counter)
        self.platform: Platform = platform_for(source.platform)
        self.report = SourceReport(source.name, source.platform)
        self.content = settings.paths.content
        self.halt = threading.Event()
        self.source_slug = slugify(source.name)

    def run(self) -> SourceReport:
        started = time.monotonic()
        task = self.bar.add(self.source.name)
        try:
            self._run(task)
        finally:
            self.report.requests, self.report.not_modified = self.counter.requests, self.counter.not_modified
            self.report.seconds = round(time.monotonic() - started, 3)
            self.bar.done(task)
        return self.report

    def _run(self, task: Any) -> None:
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
        self.bar.total(task, len(entries))
        self._articles(entries, task)
        if report.status == "blocked" or self.offline:
            return
        if complete and not entries:
            report.reasons.append("list walk found no articles; nothing marked removed")
        elif complete:
            self._mark_removed({e.url for e in entries})
        if report.failed and report.status == "ok":
            report.status = "partial"

    def _articles(self, entries: list[ListEntry], task: Any) -> None:
        report = self.report
        workers = max(1, self.settings.fetch.concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"scrape-{self.source_slug}") as pool:
            futures: dict[Future[str], ListEntry] = {pool.submit(self._article, e): e for e in entries}
            for future in as_completed(futures):
                entry = futures[future]
                try:
                    outcome = future.result()
                    setattr(report, outcome, getattr(report, outcome) + 1)
                except (CancelledError, _Halt):
                    continue
                except Blocked as exc:
                    if report.status != "blocked":
                        report.status = "blocked"
                        report.reasons.append(f"blocked: {exc}")
                    self.halt.set()
                    for other in futures:
                        other.cancel()
                except Disallowed as exc:
                    report.skipped += 1
                    report.reasons.append(f"skipped {exc}")
                except (FetchError, ExtractError) as exc:
                    report.failed += 1
                    report.reasons.append(f"failed {exc}")
                except Exception as exc:
                    report.failed += 1
                    report.reasons.append(f"failed {entry.url}: {type(exc).__name__}: {exc}")
                self.bar.advance(task)

    # -- one article ---------------------------------------------------------------------------
    def _article(self, entry: ListEntry) -> str:
        if self.halt.is_set():
            raise _Halt
        page = self.fetch(entry.url) if self.platform.needs_page(entry) else None
        draft = self.platform.parse_article(page, entry)
        if not draft.title:
            raise ExtractError(entry.url, "no title")
        column = self.source.column if self.source.column != "auto" else classify(draft.title) or self.source.default_column
        slug = f"{self.source_slug}-{id_slug(entry)}"
        rel = article_path(column, draft.date, slug)
        item = self.store.item(entry.url)
        old_rel = PurePosixPath(item.path) if item and item.path else None
        if old_rel is None or not (self.content / old_rel).is_file():
            old_rel = rel if (self.content / rel).is_file() else None
        old_text = (self.content / old_rel).read_text("utf-8") if old_rel else None
        if old_rel and old_text is not None:
            conflict = self._conflict(old_text, old_rel)
            if conflict:
                self._record(entry, draft, old_rel, "conflict", item.content_hash if item else None)
                self.report.reasons.append(f"conflict {entry.url}: {conflict}; {old_rel} left as is")
                return "conflicts"
        folder = self.content / rel.parent
        old_folder = self.content / old_rel.parent if old_rel and old_rel != rel else None
        body_html, attachments = self._localize(draft, folder, old_folder)
        article = Article(
            title=draft.title, date=draft.date, time_known=draft.time_known, column=column, slug=slug,
            body=to_markdown(body_html), source=draft.source, publisher=self.source.publisher or self.settings.publisher,
            origin_url=entry.url, attachments=attachments, summary=draft.summary, origin="scraped",
        ).with_hash()
        text = article.to_markdown()
        if text == old_text and old_rel == rel:
            outcome = "unchanged"
        else:
            if old_text is not None and old_rel is not None:
                self.store.add_history(entry.url, self.source.name, old_text, item.content_hash if item else None, str(old_rel))
            write_atomic(self.content / rel, text)
            if old_folder is not None and old_folder.is_dir():
                shutil.rmtree(old_folder)  # the article moved (new date or column); its assets were copied
            outcome = "changed" if old_text is not None else "new"
        self._record(entry, draft, rel, "active", article.content_hash)
        return outcome

    def _conflict(self, old_text: str, old_rel: PurePosixPath) -> str | None:
        """Why the file on disk must not be overwritten, or None."""
        try:
            old = parse_article(old_text, old_rel)
        except ArticleInvalid as exc:
            return f"the file is not a valid article ({exc.problems[0].message})"
        if old.origin != "scraped":
            return "the file is a staff article"
        if old.staff_edited:
            return "staff edited the file"
        return None

    def _record(self, entry: ListEntry, draft: Draft, rel: PurePosixPath, status: str, content_hash: str | None) -> None:
        self.store.record(
            url=entry.url, source=self.source.name, ids=dict(entry.ids), title=draft.title,
            published=draft.date.isoformat(timespec="minutes"), content_hash=content_hash, path=str(rel), status=status,
            extra={"date_from": draft.date_from},
        )

    def _localize(self, draft: Draft, folder: Path, old_folder: Path | None) -> tuple[str, tuple[Attachment, ...]]:
        """Download images and attachments next to the article and point the body at the local copies."""
        doc = clean.soup(f"<div>{draft.body_html}</div>").div
        assert doc is not None
        names: dict[str, str] = {}
        files: dict[str, Attachment] = {}
        for img in doc.find_all("img"):
            src = str(img.get("src") or "")
            name = self._asset(src, folder, old_folder, names, image=True) if src.startswith(("http://", "https://")) else None
            if name:
                img["src"] = name
            elif src.startswith(("http://", "https://")):
                link = doc.new_tag("a", href=src)
                link.string = clean.text(str(img.get("alt") or "")) or "图片"
                img.replace_with(link)
            else:
                img.decompose()
        for link in doc.find_all("a", href=True):
            href = str(link["href"])
            if href.startswith(("http://", "https://")) and clean.is_attachment(href):
                name = self._asset(href, folder, old_folder, names, image=False)
                if name:
                    link["href"] = name
                    title = clean.text(link.get_text()) or clean.attachment_title(clean.attachment_name(href))
                    files.setdefault(href, Attachment(title, name, href))
        for title, url in draft.attachments:
            if url not in files:
                name = self._asset(url, folder, old_folder, names, image=False)
                if name:
                    files[url] = Attachment(title or name, name, url)
        return "".join(str(c) for c in doc.children), tuple(files.values())

    def _asset(self, url: str, folder: Path, old_folder: Path | None, names: dict[str, str], image: bool) -> str | None:
        """Local file name of a downloaded asset, or None when it cannot be had (noted in the report)."""
        if url in names:
            return names[url]
        name = safe_name(url, image, set(names.values()))
        target = folder / name
        if not target.is_file():
            if old_folder is not None and (old_folder / name).is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(old_folder / name, target)
            else:
                try:
                    page = self.fetch(url, kind="asset")
                except Blocked:
                    raise
                except FetchError as exc:
                    self.report.reasons.append(f"asset not archived, linked to the original: {exc}")
                    return None
                if image and "html" in page.headers.get("content-type", ""):
                    self.report.reasons.append(f"asset not archived, linked to the original: {url}: an HTML page, not an image")
                    return None
                write_atomic(target, page.content)
        names[url] = name
        return name

    def _mark_removed(self, listed: set[str]) -> None:
        """Front matter ``removed_upstream`` for articles the complete list no longer has."""
        for item in self.store.items(self.source.name, status="active"):
            if item.url in listed:
                continue
            self.report.removed += 1
            self.store.set_status(item.url, "removed")
            self._flag_removed(item)

    def _flag_removed(self, item: Item) -> None:
        path = self.content / item.path if item.path else None
        if path is None or not path.is_file():
            self.report.reasons.append(f"removed upstream: {item.url} (its file is gone too)")
            return
        text = path.read_text("utf-8")
        problem = self._conflict(text, PurePosixPath(item.path or ""))
        if problem:
            self.report.reasons.append(f"removed upstream: {item.url}; {problem}, so its front matter is left as is")
            return
        old = parse_article(text, PurePosixPath(item.path or ""))
        seen = dt.date.fromisoformat(item.last_seen[:10])
        write_atomic(path, replace(old, removed_upstream=seen).to_markdown())
        self.report.reasons.append(f"removed upstream: {item.url} (last seen {seen}); kept in the archive")


def dedupe(entries: list[ListEntry]) -> list[ListEntry]:
    """Entries without repeats: the same id, or the same normalised title on the same day."""
    seen_ids: set[str] = set()
    seen_titles: set[tuple[str, str]] = set()
    unique: list[ListEntry] = []
    for entry in entries:
        title_day = (clean.title_key(entry.title), entry.date.date().isoformat() if entry.date else "")
        if entry.key in seen_ids or entry.url in seen_ids or (title_day[0] and title_day in seen_titles):
            continue
        seen_ids.update((entry.key, entry.url))
        seen_titles.add(title_day)
        unique.append(entry)
    return unique


def id_slug(entry: ListEntry) -> str:
    """The ASCII slug part for an entry's upstream id (a hash of the URL when there is none)."""
    raw = str(entry.ids.get("id") or "")
    part = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    return part or hashlib.sha1(entry.url.encode("utf-8")).hexdigest()[:12]


def safe_name(url: str, image: bool, taken: set[str]) -> str:
    """An ASCII file name for an asset, stable for its URL and unique within the article folder."""
    original = clean.attachment_name(url)
    stem, dot, ext = original.rpartition(".")
    ext = f".{ext.lower()}" if dot and EXT_RE.match(f".{ext.lower()}") else (".jpg" if image else ".bin")
    stem = SAFE_NAME_RE.sub("-", stem if dot else original).strip("-._")[:60]
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()
    if not stem or stem.lower() in ("index", "download", "downfile", "getfile") or not re.search(r"[A-Za-z0-9]{3,}", stem):
        stem = f"{'image' if image else 'file'}-{digest[:10]}"
    name = f"{stem}{ext}"
    if name in taken or name == "index.md":
        name = f"{stem}-{digest[:6]}{ext}"
    return name


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


class _Bar:
    """Progress display (rich) or nothing."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.totals: dict[Any, int] = {}

    def add(self, name: str) -> Any:
        return self.progress.add_task(name, total=None) if self.progress else None

    def total(self, task: Any, total: int) -> None:
        if self.progress:
            self.totals[task] = total
            self.progress.update(task, total=total)

    def advance(self, task: Any) -> None:
        if self.progress:
            self.progress.advance(task)

    def done(self, task: Any) -> None:
        if self.progress:
            total = self.totals.get(task, 0)
            self.progress.update(task, completed=total, total=total)


@contextmanager
def _progress(enabled: bool) -> Iterator[_Bar]:
    if not enabled:
        yield _Bar(None)
        return
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True))
    with progress:
        yield _Bar(progress)


__all__ = ["ScrapeReport", "SourceReport", "dedupe", "report_table", "scrape"]
