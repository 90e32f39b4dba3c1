"""The state store heals from the source of truth, as the search index does.

``<state>/scrape.sqlite`` is derived state: the content tree's files are what is
archived. After each successful night a good copy is kept with SQLite's online backup
(``keep_good_copy``: ``<state>/scrape.good.sqlite``, replaced only by a copy that checks
sound). Before a run, ``heal_store`` checks the store (``PRAGMA quick_check`` and its
tables) and, when it is damaged — truncated, not a database, an empty file — or missing
while a good copy exists, sets the damaged file aside (``scrape.sqlite.damaged``) and:

- restores the good copy when it checks sound: the scraper then reconciles what changed
  since with the files on disk (an unchanged file is not rewritten, an asset on disk is
  not downloaded again, a change held since is held again);
- otherwise rebuilds the store from the front matter of the tree's scraped articles
  (URL, other URLs, title, date, hash, path, removed or not): no article is new to the
  scraper, so nothing archived is downloaded again; schedules start afresh (each article
  page is fetched once to learn its list entry), and decisions on held changes are lost
  (a change still over the guard's limits is held again).

A store locked by another process stops the run at once (``StoreLocked``, naming the
file) unless it is freed within ``wait`` seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from fazhi.article import parse_article
from fazhi.config import Settings, Source
from fazhi.content import article_files
from fazhi.errors import ArticleInvalid
from scraper.compose import match_key
from scraper.store import STORE_FILE, Store, StoreLocked, store_error

GOOD_COPY = "scrape.good.sqlite"
DAMAGED_SUFFIX = ".damaged"
SIDE_FILES = ("-wal", "-shm", "-journal")


def store_problem(path: Path) -> str | None:
    """What is wrong with a store file, or None when it is a sound scraper database.

    Raises StoreLocked when another process keeps it locked.
    """
    if path.stat().st_size == 0:
        return "the file is empty"
    try:
        with closing(sqlite3.connect(path, timeout=0)) as db:
            found = [row[0] for row in db.execute("PRAGMA quick_check")]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        error = store_error(path, exc, 0)
        if "locked" in str(exc) or "busy" in str(exc):
            raise error from exc
        return str(exc)
    if found != ["ok"]:
        return "; ".join(found[:3])
    if not {"items", "pages", "held"} <= tables:
        return "it holds none of the scraper's tables"
    return None


def _require_unlocked(path: Path, wait: float) -> None:
    """Stop at once (or after ``wait`` seconds) when another process holds the store's write lock."""
    with closing(sqlite3.connect(path, timeout=wait, isolation_level=None)) as db:
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            raise store_error(path, exc, wait) from exc


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a live database with SQLite's online backup, as one self-contained file, put in place by rename."""
    temporary = target.with_name(target.name + ".tmp")
    temporary.unlink(missing_ok=True)
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(temporary)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    os.replace(temporary, target)


def keep_good_copy(state: Path) -> str | None:
    """After a successful night: the store's good copy, replaced only by one that checks sound.

    Returns why no copy was kept (a full disk, a store locked by another process), or None.
    """
    store = state / STORE_FILE
    if not store.is_file():
        return None
    temporary = state / (GOOD_COPY + ".new")
    try:
        _copy(store, temporary)
        problem = store_problem(temporary)
        if problem is None:
            os.replace(temporary, state / GOOD_COPY)
            return None
    except (OSError, sqlite3.DatabaseError, StoreLocked) as exc:
        problem = str(exc)
    temporary.unlink(missing_ok=True)
    return f"{store}: no good copy of the state store kept tonight ({problem}); the one kept before stays"


def _set_aside(store: Path) -> Path:
    """Move a damaged store (with its journal files) out of the way, replacing one set aside before."""
    damaged = store.with_name(store.name + DAMAGED_SUFFIX)
    for suffix in ("", *SIDE_FILES):
        part = store.with_name(store.name + suffix)
        if part.exists():
            os.replace(part, damaged.with_name(damaged.name + suffix))
        else:
            damaged.with_name(damaged.name + suffix).unlink(missing_ok=True)
    return damaged


def _source_of(url: str, sources: tuple[Source, ...]) -> str:
    """The configured source an archived URL came from: the longest base URL it starts with, else one on its host."""
    by_prefix = sorted((s for s in sources if url.startswith(s.base_url)), key=lambda s: len(s.base_url), reverse=True)
    on_host = [s for s in sources if urlsplit(s.base_url).hostname == urlsplit(url).hostname]
    chosen = [*by_prefix, *on_host, *sources]
    return chosen[0].name if chosen else "unknown"


def rebuild_from_front_matter(settings: Settings) -> int:
    """A new store holding every scraped article of the content tree as the scraper wrote it; returns how many."""
    content = settings.paths.content
    count = 0
    with Store(settings.paths.state) as store, store.batch():
        for path in article_files(content):
            rel = str(path.relative_to(content))
            try:
                article = parse_article(path.read_text("utf-8"), PurePosixPath(rel))
            except (ArticleInvalid, UnicodeDecodeError):
                continue
            if article.origin != "scraped" or not article.origin_url:
                continue
            source = _source_of(article.origin_url, settings.sources)
            published = article.date.isoformat(timespec="minutes")
            store.record(url=article.origin_url, source=source, ids={}, title=article.title, published=published,
                         content_hash=article.content_hash, path=rel, status="removed" if article.removed_upstream else "active",
                         match_key=match_key(article.title, article.date))
            for other in article.origin_urls:
                store.record(url=other, source=_source_of(other, settings.sources), ids={}, title=article.title, published=published,
                             content_hash=article.content_hash, path=rel, status="merged", canonical=article.origin_url)
            count += 1
    return count


def _taken(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(sep=" ", timespec="minutes")


def heal_store(settings: Settings, wait: float = 0.0) -> list[str]:
    """Make the state store sound before a run (module docstring); returns the repairs made, one line each."""
    state = settings.paths.state
    store, good = state / STORE_FILE, state / GOOD_COPY
    if store.exists():
        problem = store_problem(store)
        if problem is None:
            _require_unlocked(store, wait)
            return []
        what = f"{store}: the state store was damaged ({problem}); set aside as {_set_aside(store).name}"
    elif good.is_file():
        what = f"{store}: the state store was missing"
    else:
        return []  # a first run
    if good.is_file():
        flaw = store_problem(good)
        if flaw is None:
            _copy(good, store)
            return [f"{what}; restored the good copy kept at {_taken(good)}"]
        what += f"; its good copy {good} is damaged too ({flaw})"
    count = rebuild_from_front_matter(settings)
    return [f"{what}; rebuilt from the front matter of {count} scraped article(s), schedules starting afresh"]
