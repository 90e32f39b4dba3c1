"""Removal checks: an article a complete list walk no longer has is checked at its own URL before anything is marked.

A list can drop an item that still exists (UCAP's pinned items live only in the column
page's embedded list of newest items). The check is a conditional GET of the article
URL through the same polite fetch:

- 404 or 410, or a redirect to a not-found page: removed upstream. The file gets
  ``removed_upstream: <date last seen>`` in its front matter and stays in the archive;
- 200 or 304: still there. It stays active, is counted ``not_listed`` and noted in the
  report's reasons;
- anything else (timeouts, 5xx after retries, robots.txt, other 4xx): left as it was,
  noted in the reasons, checked again next run.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from fazhi.article import parse_article
from fazhi.errors import Blocked, ExtractError, FetchError, NotFound
from fazhi.files import write_atomic
from scraper.article_file import conflict_reason
from scraper.http import Fetch, Page
from scraper.pool import run_each
from scraper.report import SourceReport
from scraper.store import Item, Store

# Where a site sends a request for a page it no longer has (after redirects), and what such a page says.
NOT_FOUND_URL_RE = re.compile(r"(?:^|/)(?:404|410|notfound|not[-_]found|error|errorpage|nopage)(?:[./_-]|$)", re.I)
NOT_FOUND_TEXT_RE = re.compile(
    r"^\W*404(?!\d)|(?<!\d)404\W*$|页面不存在|页面未找到|找不到(?:该|此|您)?(?:页面|文章|信息)|(?:信息|文章|稿件)已(?:被)?(?:删除|撤销|撤稿|下线)"
    r"|not\s+found",
    re.I,
)


@dataclass
class RemovalCheck:
    """Checks one source's unlisted articles; ``blocked`` is called when the site answers with a challenge."""

    content: Path
    store: Store
    fetch: Fetch
    report: SourceReport
    halt: threading.Event
    workers: int
    name: str
    blocked: Callable[[str], None]

    def run(self, unlisted: list[Item]) -> None:
        """Check every given article; flag those confirmed gone."""
        report = self.report
        for item, result, error in run_each(unlisted, self.upstream_state, workers=self.workers, name=self.name, halt=self.halt):
            if isinstance(error, Blocked):
                self.blocked(f"blocked while checking unlisted articles: {error}")
                continue
            if isinstance(error, (FetchError, ExtractError)):  # Disallowed, Transient, other 4xx: no verdict this run
                report.reasons.append(f"not listed, removal not confirmed: {item.url}: {error.reason}; left as it was")
                continue
            if error is not None or result is None:
                report.reasons.append(f"not listed, removal not confirmed: {item.url}: {type(error).__name__}: {error}; left as it was")
                continue
            gone, evidence = result
            others = [a for a in self.store.aliases(item.url) if a.status == "merged"]
            if gone and others:
                self.store.promote(others[0].url, item.url)
                report.reasons.append(f"one address of an article is gone ({evidence}): {item.url}; it is still listed at "
                                      f"{others[0].url}, which it is now archived under")
            elif gone:
                report.removed += 1
                self.store.set_status(item.url, "removed")
                self.flag_removed(item, evidence)
            else:
                report.not_listed += 1
                self.store.seen(item.url)
                report.reasons.append(f"not listed: {item.url} is not in the list but its page answers {evidence}; kept active")

    def upstream_state(self, item: Item) -> tuple[bool, str]:
        """(gone, evidence) for an article missing from the list: its page asked for conditionally.

        Raises FetchError (and its kin) when the answer proves neither.
        """
        try:
            page = self.fetch(item.url)
        except NotFound as exc:
            return True, exc.reason
        if redirected_to_not_found(page, item.url):
            return True, f"a redirect to the not-found page {page.url}"
        return False, f"HTTP {page.status}"

    def flag_removed(self, item: Item, evidence: str) -> None:
        path = self.content / item.path if item.path else None
        if path is None or not path.is_file():
            self.report.reasons.append(f"removed upstream ({evidence}): {item.url} (its file is gone too)")
            return
        text = path.read_text("utf-8")
        problem = conflict_reason(text, PurePosixPath(item.path or ""))
        if problem:
            self.report.reasons.append(f"removed upstream ({evidence}): {item.url}; {problem}, so its front matter is left as is")
            return
        old = parse_article(text, PurePosixPath(item.path or ""))
        seen = dt.date.fromisoformat(item.last_seen[:10])
        write_atomic(path, replace(old, removed_upstream=seen).to_markdown())
        self.report.reasons.append(f"removed upstream ({evidence}): {item.url} (last seen {seen}); kept in the archive")


def redirected_to_not_found(page: Page, asked: str) -> bool:
    """Whether a request for ``asked`` ended, after redirects, on a page saying it is not found."""
    landed, wanted = urlsplit(page.url), urlsplit(asked)
    if (landed.netloc, landed.path, landed.query) == (wanted.netloc, wanted.path, wanted.query):
        return False  # not redirected, or only from http to https
    if NOT_FOUND_URL_RE.search(landed.path):
        return True
    match = re.search(r"<title[^>]*>(.*?)</title>", page.text[:20_000], re.I | re.S)
    return bool(match and NOT_FOUND_TEXT_RE.search(match.group(1)))
