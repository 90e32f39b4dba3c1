"""Writing one scraped article into the content tree, never over staff work.

Compared with the file on disk:

- no file yet: written (``new``);
- same text: nothing written (``unchanged``);
- different text: the previous text goes to the history table, the file is rewritten (``changed``);
- the file's body was edited by staff (``Article.staff_edited``), or the file is not a
  scraped article: never overwritten (``conflicts``).

Files are written atomically (temporary file + rename), so nothing archived is lost to a crash.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from fazhi.article import parse_article
from fazhi.config import Source
from fazhi.errors import ArticleInvalid, ExtractError
from fazhi.files import write_atomic
from scraper.assets import Localizer
from scraper.compose import compose, match_key, placement
from scraper.platforms.base import Draft, ListEntry
from scraper.report import SourceReport
from scraper.skip_key import written_record
from scraper.store import Item, Store
from scraper.walk import entry_record, list_sig


def conflict_reason(text: str, rel: PurePosixPath) -> str | None:
    """Why the file on disk must not be overwritten, or None."""
    try:
        old = parse_article(text, rel)
    except ArticleInvalid as exc:
        return f"the file is not a valid article ({exc.problems[0].message})"
    if old.withdrawn is not None:
        return f"the article was withdrawn on {old.withdrawn}"
    if old.origin != "scraped":
        return "the file is a staff article"
    if old.staff_edited:
        return "staff edited the file"
    return None


@dataclass
class ArticleWriter:
    """Turns one source's drafts into files under ``content`` and records them in the store."""

    content: Path
    source: Source
    publisher: str
    store: Store
    localizer: Localizer
    report: SourceReport

    def write(self, entry: ListEntry, draft: Draft, item: Item | None, key: str) -> str:
        """Write (or leave) the article of a draft; returns its outcome (``new``, ``changed``, ``unchanged``, ``conflicts``)."""
        if not draft.title:
            raise ExtractError(entry.url, "no title")
        column, slug, rel = placement(self.source, entry, draft, PurePosixPath(item.path).parent.name if item and item.path else None)
        old_rel = PurePosixPath(item.path) if item and item.path else None
        if old_rel is None or not (self.content / old_rel).is_file():
            old_rel = rel if (self.content / rel).is_file() else None
        old_text = (self.content / old_rel).read_text("utf-8") if old_rel else None
        if old_rel and old_text is not None:
            conflict = conflict_reason(old_text, old_rel)
            if conflict:
                self.record(entry, draft, old_rel, "conflict", item.content_hash if item else None)
                self.report.reasons.append(f"conflict {entry.url}: {conflict}; {old_rel} left as is")
                return "conflicts"
        folder = self.content / rel.parent
        old_folder = self.content / old_rel.parent if old_rel and old_rel != rel else None
        local = self.localizer.localize(draft, folder, old_folder)
        article = compose(entry, draft, local, column=column, slug=slug, publisher=self.publisher)
        others = tuple(a.url for a in self.store.aliases(entry.url) if a.status == "merged")
        article = replace(article, origin_urls=others)
        text = article.to_markdown()
        if text == old_text and old_rel == rel:
            outcome = "unchanged"
        else:
            if old_text is not None and old_rel is not None:
                self.store.add_history(entry.url, self.source.name, old_text, item.content_hash if item else None, str(old_rel))
            write_atomic(self.content / rel, text)
            if old_folder is not None and old_folder.is_dir() and not old_rel.parts[0].startswith("."):
                # The article moved (new date or column); its assets were copied. A version set aside (a rejected one) stays.
                shutil.rmtree(old_folder)
            outcome = "changed" if old_text is not None else "new"
        # Not when an asset is missing for a passing reason: the extraction is tried again next run.
        written = {**written_record(key, text, local.files), "refused": local.refused} if local.complete else {}
        self.record(entry, draft, rel, "active", article.content_hash, written)
        return outcome

    def record(self, entry: ListEntry, draft: Draft, rel: PurePosixPath, status: str, content_hash: str | None,
               written: dict[str, Any] | None = None) -> None:
        self.store.record(
            url=entry.url, source=self.source.name, ids=dict(entry.ids), title=draft.title,
            published=draft.date.isoformat(timespec="minutes"), content_hash=content_hash, path=str(rel), status=status,
            extra={"date_from": draft.date_from, **(written or {})}, entry=entry_record(entry), list_sig=list_sig(entry),
            match_key=match_key(draft.title, draft.date),
        )
