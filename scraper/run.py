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

A re-run skips the extraction of an article (parse, clean, Markdown, compare) when
nothing it depends on changed: the store keeps, per article, a key over the list entry,
the page bytes (a 304 gives the stored copy), the source's settings and the code and
libraries that extract (``extractor_version``), plus the hash of the file it wrote. When
the key matches, the file on disk is byte for byte what the scraper wrote (so no staff
edit) and every downloaded image and attachment is still there, the article is
``unchanged`` without being parsed. The article page is still asked for conditionally
on every run; only the work after the 304 is saved. ``--offline`` always re-extracts.

After a complete list walk, articles the store knows but the list no longer has are
checked before anything is marked: a list can drop an item that still exists (UCAP's
pinned items live only in the column page's embedded list of newest items). The check
is a conditional GET of the article URL through the same polite fetch:

- 404 or 410, or a redirect to a not-found page: removed upstream. The file gets
  ``removed_upstream: <date last seen>`` in its front matter and stays in the archive;
- 200 or 304: still there. It stays active, is counted ``not_listed`` and noted in the
  report's reasons;
- anything else (timeouts, 5xx after retries, robots.txt, other 4xx): left as it was,
  noted in the reasons, checked again next run.

Sources run concurrently when they are on different hosts (one lane per host, sources
of a host one after another); the per-host delay and concurrency limit hold across
lanes because every request goes through the one ``Fetcher``. A 412 or challenge page
marks the source ``blocked``; any other failure of the list walk marks it ``failed``;
either way the other sources run. Files are written atomically (temporary file +
rename), so nothing archived is lost to a crash.

Exit codes of ``fazhi scrape`` (``ScrapeReport.exit_code``): 0 every source ok (robots
skips allowed), 1 a source failed or some of its articles failed, 3 a source was
blocked and none failed (2 is the CLI's own error code: bad config or options).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import inspect
import json
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fazhi.article import Article, Attachment, article_path, classify, parse_article, slugify
from fazhi.config import Settings, Source
from fazhi.errors import ArticleInvalid, Blocked, ConfigError, Disallowed, ExtractError, FetchError, FileRefused, InternalAddress, NotFound
from fazhi.files import write_atomic
from scraper import clean
from scraper.addresses import host_of
from scraper.asset_files import judged_name, stored_name
from scraper.fetcher import Fetcher
from scraper.html2md import to_markdown
from scraper.http import Page, RequestCounter
from scraper.platforms import ListEntry, PageLimit, platform_for
from scraper.platforms.base import Draft, Platform
from scraper.store import Item, Store

SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
EXT_RE = re.compile(r"^\.[a-z0-9]{1,5}$")
OUTCOMES = ("new", "changed", "unchanged", "conflicts", "skipped")
# Where a site sends a request for a page it no longer has (after redirects), and what such a page says.
NOT_FOUND_URL_RE = re.compile(r"(?:^|/)(?:404|410|notfound|not[-_]found|error|errorpage|nopage)(?:[./_-]|$)", re.I)
NOT_FOUND_TEXT_RE = re.compile(
    r"^\W*404(?!\d)|(?<!\d)404\W*$|页面不存在|页面未找到|找不到(?:该|此|您)?(?:页面|文章|信息)|(?:信息|文章|稿件)已(?:被)?(?:删除|撤销|撤稿|下线)"
    r"|not\s+found",
    re.I,
)
# Code and libraries whose change changes what an article file looks like (see ``extractor_version``).
EXTRACTION_LIBRARIES = ("beautifulsoup4", "lxml", "soupsieve", "markdownify", "nh3", "charset-normalizer", "PyYAML", "pypinyin")


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
    not_listed: int = 0
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
    lanes: dict[str, list[Source]] = {}
    for source in chosen:
        lanes.setdefault((urlsplit(source.base_url).hostname or source.base_url).lower(), []).append(source)
    done: dict[str, SourceReport] = {}
    with Store(settings.paths.state) as store, Fetcher(settings.fetch, store, offline=offline, transport=transport,
                                                     own_hosts=[host_of(s.base_url) for s in settings.sources]) as fetcher, \
            _progress(progress) as bar:

        def lane(group: list[Source]) -> None:
            for source in group:
                done[source.name] = SourceRun(settings, source, store, fetcher, bar, offline).run()

        with ThreadPoolExecutor(max_workers=max(1, len(lanes)), thread_name_prefix="scrape-host") as pool:
            for future in [pool.submit(lane, group) for group in lanes.values()]:
                future.result()  # SourceRun.run never raises
    report.sources = [done[source.name] for source in chosen]
    report.finished = _now()
    return report


def report_table(report: ScrapeReport) -> Table:
    """The end-of-run table: one row per source, then the reasons of anything not ok."""
    table = Table(title="scrape report", title_justify="left")
    columns = ("source", "status", "new", "changed", "unchanged", "removed", "not listed", "conflicts", "skipped", "failed", "requests",
               "304", "seconds")
    for column in columns:
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for s in report.sources:
        style = {"ok": "green", "partial": "yellow", "failed": "red", "blocked": "magenta"}[s.status]
        table.add_row(s.name, f"[{style}]{s.status}[/]", *(str(v) for v in (s.new, s.changed, s.unchanged, s.removed, s.not_listed,
                      s.conflicts, s.skipped, s.failed, s.requests, s.not_modified)), f"{s.seconds:.1f}")
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
        self.internal: set[str] = set()  # asset URLs refused as internal addresses: no link to them is kept
        self.refused: set[str] = set()  # asset URLs refused this run (by address or bytes): not asked again

    def run(self) -> SourceReport:
        started = time.monotonic()
        task = self.bar.add(self.source.name)
        try:
            with self.store.batch():
                self._run(task)
        except Exception as exc:  # a bug or a full disk must not stop the sources of other hosts
            self.report.status = "failed"
            self.report.reasons.append(f"source run stopped: {type(exc).__name__}: {exc}")
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
                    self._stop_blocked(report, f"blocked: {exc}", futures)
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

    def _stop_blocked(self, report: SourceReport, reason: str, futures: Iterable[Future[Any]]) -> None:
        """A challenge page or 412: mark the source blocked once and stop its remaining work."""
        if report.status != "blocked":
            report.status = "blocked"
            report.reasons.append(reason)
        self.halt.set()
        for other in futures:
            other.cancel()

    # -- one article ---------------------------------------------------------------------------
    def _article(self, entry: ListEntry) -> str:
        if self.halt.is_set():
            raise _Halt
        page = self.fetch(entry.url) if self.platform.needs_page(entry) else None
        item = self.store.item(entry.url)
        key = self._extraction_key(entry, page)
        if not self.offline and item is not None and self._still_as_written(item, key):
            self.store.seen(entry.url)
            return "unchanged"
        draft = self.platform.parse_article(page, entry)
        if not draft.title:
            raise ExtractError(entry.url, "no title")
        column = self.source.column if self.source.column != "auto" else classify(draft.title) or self.source.default_column
        slug = f"{self.source_slug}-{id_slug(entry)}"
        rel = article_path(column, draft.date, slug)
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
        local = self._localize(draft, folder, old_folder)
        article = Article(
            title=draft.title, date=draft.date, time_known=draft.time_known, column=column, slug=slug,
            body=to_markdown(local.body_html), source=draft.source, publisher=self.publisher,
            origin_url=entry.url, attachments=local.attachments, summary=draft.summary, origin="scraped",
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
        # What a later run needs to skip this extraction; not when an asset is missing (tried again each run).
        written = {"key": key, "file_sha": _sha256(text.encode("utf-8")), "assets": list(local.files)} if local.complete else {}
        self._record(entry, draft, rel, "active", article.content_hash, written)
        return outcome

    @property
    def publisher(self) -> str:
        return self.source.publisher or self.settings.publisher

    def _extraction_key(self, entry: ListEntry, page: Page | None) -> str:
        """A hash of everything an article file is made from (module docstring)."""
        source = self.source
        parts = {
            "code": extractor_version(),
            "source": [source.name, source.platform, source.column, source.default_column, self.publisher],
            "entry": [entry.url, entry.title, entry.date, entry.time_known, dict(entry.ids), dict(entry.extra)],
            "page": None if page is None else [page.url, page.headers.get("content-type"), _sha256(page.content)],
        }
        return _sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))

    def _still_as_written(self, item: Item, key: str) -> bool:
        """Whether the last extraction from the same inputs still stands: same key, file and assets untouched."""
        written = item.extra
        if item.status != "active" or not item.path or written.get("key") != key:
            return False
        path = self.content / item.path
        try:
            if _sha256(path.read_bytes()) != written.get("file_sha"):
                return False  # edited (by staff, or by hand) or replaced: the full path decides
        except OSError:
            return False
        return all((path.parent / name).is_file() for name in written.get("assets", ()))

    def _conflict(self, old_text: str, old_rel: PurePosixPath) -> str | None:
        """Why the file on disk must not be overwritten, or None."""
        try:
            old = parse_article(old_text, old_rel)
        except ArticleInvalid as exc:
            return f"the file is not a valid article ({exc.problems[0].message})"
        if old.withdrawn is not None:
            return f"the article was withdrawn on {old.withdrawn}"
        if old.origin != "scraped":
            return "the file is a staff article"
        if old.staff_edited:
            return "staff edited the file"
        return None

    def _record(self, entry: ListEntry, draft: Draft, rel: PurePosixPath, status: str, content_hash: str | None,
                written: dict[str, Any] | None = None) -> None:
        self.store.record(
            url=entry.url, source=self.source.name, ids=dict(entry.ids), title=draft.title,
            published=draft.date.isoformat(timespec="minutes"), content_hash=content_hash, path=str(rel), status=status,
            extra={"date_from": draft.date_from, **(written or {})},
        )

    def _localize(self, draft: Draft, folder: Path, old_folder: Path | None) -> _Localized:
        """Download images and attachments next to the article and point the body at the local copies."""
        doc = clean.soup(f"<div>{draft.body_html}</div>").div
        assert doc is not None
        names: dict[str, str] = {}
        files: dict[str, Attachment] = {}
        missing = 0
        for img in doc.find_all("img"):
            src = str(img.get("src") or "")
            name = self._asset(src, folder, old_folder, names, image=True) if src.startswith(("http://", "https://")) else None
            if name:
                img["src"] = name
            elif src.startswith(("http://", "https://")):
                missing += 1
                link = doc.new_tag("a", href=src) if src not in self.internal else doc.new_tag("span")
                link.string = clean.text(str(img.get("alt") or "")) or "图片"
                img.replace_with(link)
            else:
                img.decompose()
        for link in doc.find_all("a", href=True):
            href = str(link["href"])
            if href.startswith(("http://", "https://")) and clean.is_attachment(href):
                name = self._asset(href, folder, old_folder, names, image=False)
                missing += name is None
                if href in self.internal:
                    link.unwrap()
                if name:
                    link["href"] = name
                    title = clean.text(link.get_text()) or clean.attachment_title(clean.attachment_name(href))
                    files.setdefault(href, Attachment(title, name, href))
        for title, url in draft.attachments:
            if url not in files:
                name = self._asset(url, folder, old_folder, names, image=False)
                missing += name is None
                if name:
                    files[url] = Attachment(title or name, name, url)
        body = "".join(str(c) for c in doc.children)
        return _Localized(body, tuple(files.values()), tuple(sorted(set(names.values()))), complete=not missing)

    def _asset(self, url: str, folder: Path, old_folder: Path | None, names: dict[str, str], image: bool) -> str | None:
        """Local file name of a downloaded asset, or None when it cannot be had (noted in the report)."""
        if url in names:
            return names[url]
        if url in self.refused:
            return None
        name = stored_name(folder, safe_name(url, image, set(names.values())))
        target = folder / name
        if not target.is_file():
            previous = stored_name(old_folder, name) if old_folder is not None else name
            if old_folder is not None and (old_folder / previous).is_file():
                name = previous
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy2(old_folder / name, folder / name)
            else:
                try:
                    page = self.fetch(url, kind="asset")
                    name = judged_name(name, page.content, image)
                except Blocked:
                    raise
                except InternalAddress as exc:
                    self.refused.add(url)
                    if host_of(exc.url) == host_of(url):  # the link itself, not a redirect from a public page
                        self.internal.add(url)
                    self.report.reasons.append(f"{self._article_of(folder)}: asset not archived: {exc}")
                    return None
                except FetchError as exc:
                    self.report.reasons.append(f"asset not archived, linked to the original: {exc}")
                    return None
                except FileRefused as exc:
                    self.refused.add(url)
                    self.report.reasons.append(f"{self._article_of(folder)}: file refused, linked to the original: {url}: {exc.reason}")
                    return None
                write_atomic(folder / name, page.content)
        names[url] = name
        return name

    def _article_of(self, folder: Path) -> str:
        """The article an asset belongs to, for the report: its folder in the content tree."""
        return folder.relative_to(self.content).as_posix()

    def _mark_removed(self, listed: set[str]) -> None:
        """Check every active article the complete list no longer has; flag those confirmed gone."""
        unlisted = [item for item in self.store.items(self.source.name, status="active") if item.url not in listed]
        if not unlisted:
            return
        report = self.report
        workers = max(1, self.settings.fetch.concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"check-{self.source_slug}") as pool:
            futures: dict[Future[tuple[bool, str]], Item] = {pool.submit(self._upstream_state, item): item for item in unlisted}
            for future in as_completed(futures):
                item = futures[future]
                try:
                    gone, evidence = future.result()
                except (CancelledError, _Halt):
                    continue
                except Blocked as exc:
                    self._stop_blocked(report, f"blocked while checking unlisted articles: {exc}", futures)
                    continue
                except (FetchError, ExtractError) as exc:  # Disallowed, Transient, other 4xx: no verdict this run
                    report.reasons.append(f"not listed, removal not confirmed: {item.url}: {exc.reason}; left as it was")
                    continue
                except Exception as exc:
                    report.reasons.append(f"not listed, removal not confirmed: {item.url}: {type(exc).__name__}: {exc}; left as it was")
                    continue
                if gone:
                    report.removed += 1
                    self.store.set_status(item.url, "removed")
                    self._flag_removed(item, evidence)
                else:
                    report.not_listed += 1
                    self.store.seen(item.url)
                    report.reasons.append(f"not listed: {item.url} is not in the list but its page answers {evidence}; kept active")

    def _upstream_state(self, item: Item) -> tuple[bool, str]:
        """(gone, evidence) for an article missing from the list: its page asked for conditionally.

        Raises FetchError (and its kin) when the answer proves neither.
        """
        if self.halt.is_set():
            raise _Halt
        try:
            page = self.fetch(item.url)
        except NotFound as exc:
            return True, exc.reason
        if _redirected_to_not_found(page, item.url):
            return True, f"a redirect to the not-found page {page.url}"
        return False, f"HTTP {page.status}"

    def _flag_removed(self, item: Item, evidence: str) -> None:
        path = self.content / item.path if item.path else None
        if path is None or not path.is_file():
            self.report.reasons.append(f"removed upstream ({evidence}): {item.url} (its file is gone too)")
            return
        text = path.read_text("utf-8")
        problem = self._conflict(text, PurePosixPath(item.path or ""))
        if problem:
            self.report.reasons.append(f"removed upstream ({evidence}): {item.url}; {problem}, so its front matter is left as is")
            return
        old = parse_article(text, PurePosixPath(item.path or ""))
        seen = dt.date.fromisoformat(item.last_seen[:10])
        write_atomic(path, replace(old, removed_upstream=seen).to_markdown())
        self.report.reasons.append(f"removed upstream ({evidence}): {item.url} (last seen {seen}); kept in the archive")


@dataclass(frozen=True)
class _Localized:
    """A body pointing at local copies, its attachments, the local file names, and whether every asset was had."""

    body_html: str
    attachments: tuple[Attachment, ...]
    files: tuple[str, ...]
    complete: bool


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def extractor_version() -> str:
    """A hash of the code and libraries that turn a page into an article file.

    Part of every extraction key, so a parser fix or a library upgrade re-extracts
    every article once, as a first run would.
    """
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*here.glob("*.py"), *(here / "platforms").glob("*.py"), Path(inspect.getfile(Article))]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for library in EXTRACTION_LIBRARIES:
        try:
            digest.update(f"{library}=={importlib.metadata.version(library)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{library} missing".encode())
    return digest.hexdigest()


def _redirected_to_not_found(page: Page, asked: str) -> bool:
    """Whether a request for ``asked`` ended, after redirects, on a page saying it is not found."""
    landed, wanted = urlsplit(page.url), urlsplit(asked)
    if (landed.netloc, landed.path, landed.query) == (wanted.netloc, wanted.path, wanted.query):
        return False  # not redirected, or only from http to https
    if NOT_FOUND_URL_RE.search(landed.path):
        return True
    match = re.search(r"<title[^>]*>(.*?)</title>", page.text[:20_000], re.I | re.S)
    return bool(match and NOT_FOUND_TEXT_RE.search(match.group(1)))


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
