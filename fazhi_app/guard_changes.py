"""What one night's scrape changed: every scraped article file that differs from the approved baseline.

The guard (``fazhi_app.guard``) judges these changes; the baseline they are measured
against is ``fazhi_app.guard_baseline``'s. A file is matched to its approved version by
its origin URL, so an article the scraper or staff moved (a new date or column) is one
change, not a new article and a deleted one. Staff articles and staff-edited scraped
ones are no change of the night's: staff review their own work.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fazhi.article import parse_article
from fazhi.config import Settings
from fazhi.content import article_files, sound_article_files
from fazhi.errors import ArticleInvalid
from fazhi.tree_faults import tree_faults, within
from scraper.store import Store

HEAD_BYTES = 4096
ORIGIN_RE = re.compile(r"^origin_url:\s*(\S+)\s*$", re.M)


@dataclass
class Change:
    """One scraped article the night added, changed or marked removed, against the approved version."""

    url: str
    source: str
    kind: str  # new | changed | removed | deleted (its file left the tree)
    path: str | None  # the approved file (None: nothing approved yet)
    new_path: str
    published_text: str | None
    new_text: str
    date_from: str | None
    reasons: list[str] = field(default_factory=list)


def staff_owned(path: Path, rel: str) -> bool:
    """Whether staff edited, replaced or broke a published article file."""
    try:
        return _staff_owned_text(path.read_text("utf-8"), rel)
    except UnicodeDecodeError:
        return True


def _staff_owned_text(text: str, rel: str) -> bool:
    try:
        article = parse_article(text, PurePosixPath(rel))
    except ArticleInvalid:
        return True
    return article.origin != "scraped" or article.staff_edited


def _head(path: Path) -> str:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES).decode("utf-8", "replace")


def _origin_url(path: Path) -> str | None:
    match = ORIGIN_RE.search(_head(path))
    return match.group(1).strip() if match else None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def night_changes(settings: Settings, store: Store, base: Path) -> list[Change]:
    """Every scraped article file that differs from the approved baseline, by its origin URL.

    A file the tree's fault rule leaves out (``fazhi.tree_faults``) is neither a change nor a
    deletion: the night names it, and its approved copy (a hard link, unreadable alike) stays unread.
    """
    content = settings.paths.content
    faults = tree_faults(content)
    faulty = {fault.path for fault in faults}
    tree = {str(p.relative_to(content)): p for p in sound_article_files(content, faults)}
    approved = {rel: p for p in article_files(base) if not within(content / (rel := str(p.relative_to(base))), faulty)}
    gone = {url: rel for rel in set(approved) - set(tree) if (url := _origin_url(approved[rel]))}
    changes: list[Change] = []
    for rel, path in sorted(tree.items()):
        if rel in approved and _same_file(path, approved[rel]):
            continue
        try:
            article = parse_article(text := path.read_text("utf-8", "replace"), PurePosixPath(rel))
        except (OSError, ArticleInvalid):
            continue  # the loader reports it; a file that cannot be read or parsed is left out of the release anyway
        if article.origin != "scraped" or article.staff_edited or not article.origin_url:
            continue
        item = store.item(article.origin_url)
        if item is None:
            continue
        old_rel = rel if rel in approved else gone.get(article.origin_url)
        old_text = approved[old_rel].read_text("utf-8", "replace") if old_rel else None
        if old_text == text and old_rel == rel:
            continue
        kind = "new" if old_text is None else "changed"
        if old_text is not None and article.removed_upstream and "removed_upstream:" not in old_text:
            kind = "removed"
        changes.append(Change(article.origin_url, item.source, kind, old_rel, rel, old_text, text, item.extra.get("date_from")))
    present = {_origin_url(p) for p in tree.values()} if gone else set()  # moved, by the scraper or by staff
    return changes + [c for url, rel in sorted(gone.items()) if url not in present and (c := _deleted(store, url, rel, approved[rel]))]


def _deleted(store: Store, url: str, rel: str, approved: Path) -> Change | None:
    """An approved scraped article whose file left the tree while the scraper still has it there: deleted by hand."""
    item = store.item(url)
    text = approved.read_text("utf-8", "replace")
    if item is None or item.path != rel or _staff_owned_text(text, rel):
        return None
    return Change(url, item.source, "deleted", rel, rel, text, "", None)


def known_counts(settings: Settings, base: Path, store: Store) -> dict[str, int]:
    """Per source, its articles in the approved baseline (the base of the shares)."""
    counts = {s.name: 0 for s in settings.sources}
    for source in settings.sources:
        counts[source.name] = sum(1 for item in store.items(source.name) if item.path and (base / item.path).is_file())
    return counts
