"""The scraper's memory: a SQLite database and the raw pages it fetched.

``<state>/scrape.sqlite`` holds three tables:

- ``pages``: every fetched page (GET, or POST keyed by its form) with its ETag,
  Last-Modified, content type and where its raw bytes are kept. Conditional
  requests read the validators from here; a 304 answer is served from the raw copy.
- ``items``: one row per article URL: source, upstream ids, title, date, the
  content hash of the body the scraper wrote, the article path, status
  (``active``, ``removed``, ``conflict``, or ``merged`` for a second URL of an
  article archived under another: ``canonical``), first and last seen; for the
  revisit schedule, the list entry as last listed (``entry``, ``list_sig``), when
  its page was last fetched, when its file last changed and when it is next due;
  ``check_pending`` once a complete full walk no longer lists it.
- ``sources``: per source, when its last complete full list walk ended.
- ``history``: the previous Markdown text of an article each time it changed upstream.
- ``held``: changes the nightly change guard kept back from publication: the text
  published before (none for a new article), the held text, why, and the decision
  (``held``, then ``accepted``, ``rejected`` or ``superseded`` by a later change).

Raw bytes live in ``<state>/raw/<host>/<key hash>`` before any parsing, so a
parser fix can rerun extraction offline (``fazhi scrape --offline``).
Every method takes one lock: the scraper's worker threads share one connection.
The database runs in WAL mode with ``synchronous=NORMAL`` (a commit is not an fsync;
a power cut can lose the last commits, never corrupt the file), and a run groups each
source's writes into one transaction (``batch``): with a commit per statement, a
no-change re-run of 500 articles spent seconds in fsync alone. Losing uncommitted rows
loses nothing archived: the next run finds the files on disk and fetches unconditionally.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fazhi.errors import FazhiError, LockHeld
from fazhi.files import remove_stale_temp_files, write_atomic

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY, url TEXT NOT NULL, method TEXT NOT NULL, etag TEXT, last_modified TEXT,
    content_type TEXT, raw_path TEXT NOT NULL, sha256 TEXT NOT NULL, fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    url TEXT PRIMARY KEY, source TEXT NOT NULL, ids TEXT NOT NULL, title TEXT NOT NULL, published TEXT,
    content_hash TEXT, path TEXT, status TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS items_source ON items (source, status);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, source TEXT NOT NULL, replaced_at TEXT NOT NULL,
    content_hash TEXT, path TEXT, markdown TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_url ON history (url);
CREATE TABLE IF NOT EXISTS held (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL,
    path TEXT, new_path TEXT NOT NULL, held_path TEXT NOT NULL, published_text TEXT, held_text TEXT NOT NULL,
    reasons TEXT NOT NULL, run TEXT NOT NULL, held_at TEXT NOT NULL, status TEXT NOT NULL, decided_at TEXT
);
CREATE INDEX IF NOT EXISTS held_url ON held (url, status);
CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, last_full_walk TEXT);
"""
# Columns added by schema version 2 (the revisit schedule and merged duplicates), added in place to older databases.
ITEM_COLUMNS_V2 = {
    "entry": "TEXT", "list_sig": "TEXT", "last_fetched": "TEXT", "last_changed": "TEXT", "next_due": "TEXT",
    "canonical": "TEXT", "match_key": "TEXT", "check_pending": "INTEGER NOT NULL DEFAULT 0",
}
INDEXES_V2 = """
CREATE INDEX IF NOT EXISTS items_due ON items (source, status, next_due);
CREATE INDEX IF NOT EXISTS items_match ON items (match_key);
CREATE INDEX IF NOT EXISTS items_canonical ON items (canonical);
"""
STATUSES = ("active", "removed", "conflict", "merged")
HELD_STATUSES = ("held", "accepted", "rejected", "superseded")
Clock = Callable[[], dt.datetime]
RAW_DIR = "raw"
STORE_FILE = "scrape.sqlite"
BUSY_SECONDS = 30  # how long a statement waits for another process's write to end


class StoreLocked(LockHeld):
    """Another process kept the state store locked for longer than the store waits."""


class StoreDamaged(FazhiError):
    """The state store is not a sound SQLite database."""


def store_error(path: Path, exc: sqlite3.DatabaseError, waited: float = BUSY_SECONDS) -> FazhiError:
    """A database failure as an error naming the file and saying what to do."""
    message = str(exc)
    if "locked" in message or "busy" in message:
        return StoreLocked(f"{path}: the state store is locked by another process (still after {waited:g} s: a `fazhi scrape` "
                           "by hand, or a program holding it open); let it finish or end it, then run again")
    return StoreDamaged(f"{path}: the state store is damaged ({message}); `fazhi nightly` or `fazhi scrape` repairs it "
                        "from the good copy kept after the last successful night, or from the articles' front matter")


class _Connection(sqlite3.Connection):
    """A connection whose failures name the database file (``store_error``)."""

    path: Path

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            raise store_error(self.path, exc) from exc

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.DatabaseError as exc:
            raise store_error(self.path, exc) from exc

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(script)
        except sqlite3.DatabaseError as exc:
            raise store_error(self.path, exc) from exc


def remove_raw_temp_files(state_dir: Path) -> list[Path]:
    """Temporary files of raw pages whose writing was cut short by a killed run, removed (run before a scrape)."""
    return remove_stale_temp_files(state_dir / RAW_DIR)


def stamp(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def page_key(method: str, url: str, form: Any = None) -> str:
    """Identity of a fetched page: the URL for GET, URL plus sorted form for POST."""
    if method == "GET" or not form:
        return f"{method} {url}"
    pairs = sorted(form.items() if isinstance(form, dict) else form, key=lambda kv: (str(kv[0]), str(kv[1])))
    return f"{method} {url} " + json.dumps(pairs, ensure_ascii=False)


@dataclass(frozen=True)
class CachedPage:
    """What the store knows about a fetched page."""

    url: str
    etag: str | None
    last_modified: str | None
    content_type: str | None
    raw_path: Path


@dataclass(frozen=True)
class Item:
    """One article the scraper has seen."""

    url: str
    source: str
    ids: dict[str, str]
    title: str
    published: str | None
    content_hash: str | None
    path: str | None
    status: str
    first_seen: str
    last_seen: str
    extra: dict[str, Any]
    entry: dict[str, Any] | None = None
    list_sig: str | None = None
    last_fetched: str | None = None
    last_changed: str | None = None
    next_due: str | None = None
    canonical: str | None = None
    check_pending: bool = False


class Store:
    """SQLite state plus the raw page folder under ``state_dir``."""

    def __init__(self, state_dir: Path, clock: Clock | None = None):
        self.clock: Clock = clock or dt.datetime.now
        self.state_dir = state_dir
        self.raw_dir = state_dir / RAW_DIR
        state_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._batches = 0
        self.path = state_dir / STORE_FILE
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=BUSY_SECONDS, factory=_Connection)
        self._db.path = self.path
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            present = {row["name"] for row in self._db.execute("PRAGMA table_info(items)")}
            for name, kind in ITEM_COLUMNS_V2.items():
                if name not in present:
                    self._db.execute(f"ALTER TABLE items ADD COLUMN {name} {kind}")
            self._db.executescript(INDEXES_V2)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def now(self) -> str:
        """The store's clock as written in the database (settable, so tests and benchmarks can simulate days)."""
        return stamp(self.clock())

    def close(self) -> None:
        with self._lock:
            if self._db.in_transaction:
                self._db.execute("COMMIT")
            self._db.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes made inside into one transaction; committed when any batch ends.

        Batches may overlap (sources on different hosts run at once over the one
        connection): the first opens the transaction, each one ending commits what
        all have written so far, and the transaction reopens while others still run.
        """
        with self._lock:
            if not self._db.in_transaction:
                self._db.execute("BEGIN")
            self._batches += 1
        try:
            yield
        finally:
            with self._lock:
                self._batches -= 1
                if self._db.in_transaction:
                    self._db.execute("COMMIT")
                if self._batches:
                    self._db.execute("BEGIN")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- raw pages ---------------------------------------------------------------------------
    def cached_page(self, key: str) -> CachedPage | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM pages WHERE key = ?", (key,)).fetchone()
        if row is None or not (self.state_dir / row["raw_path"]).is_file():
            return None
        return CachedPage(row["url"], row["etag"], row["last_modified"], row["content_type"], self.state_dir / row["raw_path"])

    def save_page(self, key: str, url: str, method: str, content: bytes, headers: dict[str, str]) -> Path:
        """Keep a page's bytes on disk (atomically, and only when they differ from the copy kept) and its validators."""
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        rel = Path(RAW_DIR) / (urlsplit(url).hostname or "unknown") / digest[:2] / digest
        path = self.state_dir / rel
        sha = hashlib.sha256(content).hexdigest()
        with self._lock:
            row = self._db.execute("SELECT sha256 FROM pages WHERE key = ?", (key,)).fetchone()
        if row is None or row["sha256"] != sha or not path.is_file():
            write_atomic(path, content)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, url, method, headers.get("etag"), headers.get("last-modified"), headers.get("content-type"),
                 rel.as_posix(), sha, self.now()),
            )
        return path

    # -- items -------------------------------------------------------------------------------
    def item(self, url: str) -> Item | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM items WHERE url = ?", (url,)).fetchone()
        return _item(row) if row else None

    def items(self, source: str, status: str | None = None) -> Iterator[Item]:
        query, args = "SELECT * FROM items WHERE source = ?", [source]
        if status:
            query, args = query + " AND status = ?", [*args, status]
        with self._lock:
            rows = self._db.execute(query + " ORDER BY url", args).fetchall()
        return (_item(r) for r in rows)

    def record(self, *, url: str, source: str, ids: dict[str, str], title: str, published: str | None,
               content_hash: str | None, path: str | None, status: str, extra: dict[str, Any] | None = None,
               entry: dict[str, Any] | None = None, list_sig: str | None = None, canonical: str | None = None,
               match_key: str | None = None) -> None:
        """Insert or update an item seen in this run (last_seen = now, first_seen kept; no longer pending a removal check).

        ``entry`` and ``list_sig`` keep their stored values when not given.
        """
        assert status in STATUSES
        when = self.now()
        with self._lock:
            self._db.execute(
                """INSERT INTO items (url, source, ids, title, published, content_hash, path, status,
                                      first_seen, last_seen, updated_at, extra, entry, list_sig, canonical, match_key)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(url) DO UPDATE SET source=excluded.source, ids=excluded.ids, title=excluded.title,
                     published=excluded.published, content_hash=excluded.content_hash, path=excluded.path,
                     status=excluded.status, last_seen=excluded.last_seen, extra=excluded.extra,
                     entry=COALESCE(excluded.entry, items.entry), list_sig=COALESCE(excluded.list_sig, items.list_sig),
                     canonical=excluded.canonical, match_key=excluded.match_key, check_pending=0,
                     updated_at=CASE WHEN items.content_hash IS excluded.content_hash AND items.status = excluded.status
                                     THEN items.updated_at ELSE excluded.updated_at END""",
                (url, source, json.dumps(ids, ensure_ascii=False), title, published, content_hash, path, status,
                 when, when, when, json.dumps(extra or {}, ensure_ascii=False),
                 json.dumps(entry, ensure_ascii=False, default=str) if entry is not None else None, list_sig, canonical, match_key),
            )

    def seen(self, url: str, *, entry: dict[str, Any] | None = None, list_sig: str | None = None) -> None:
        """Mark an item seen in this run (an unchanged article), no longer pending a removal check."""
        with self._lock:
            self._db.execute(
                """UPDATE items SET last_seen = ?, check_pending = 0, entry = COALESCE(?, entry), list_sig = COALESCE(?, list_sig)
                   WHERE url = ?""",
                (self.now(), json.dumps(entry, ensure_ascii=False, default=str) if entry is not None else None, list_sig, url),
            )

    def set_status(self, url: str, status: str) -> None:
        """Change an item's status without touching last_seen (removal keeps the date it was last seen)."""
        assert status in STATUSES
        with self._lock:
            self._db.execute("UPDATE items SET status = ?, updated_at = ?, check_pending = 0 WHERE url = ?", (status, self.now(), url))

    # -- schedule ----------------------------------------------------------------------------
    def fetched(self, url: str, *, next_due: dt.datetime, changed: bool) -> None:
        """An article's page was fetched now: when it is due again, and whether its file changed."""
        when = self.now()
        with self._lock:
            self._db.execute(
                "UPDATE items SET last_fetched = ?, next_due = ?, last_changed = CASE WHEN ? THEN ? ELSE last_changed END WHERE url = ?",
                (when, stamp(next_due), changed, when, url),
            )

    def due(self, source: str, limit: int) -> list[Item]:
        """Articles of a source due for a revisit now, oldest due first."""
        with self._lock:
            rows = self._db.execute(
                """SELECT * FROM items WHERE source = ? AND status IN ('active', 'conflict') AND next_due IS NOT NULL
                   AND next_due <= ? AND check_pending = 0 ORDER BY next_due, url LIMIT ?""",
                (source, self.now(), limit),
            ).fetchall()
        return [_item(r) for r in rows]

    def refused_assets(self, source: str) -> int:
        """How many assets of the source's archived articles were refused for good (dead links, robots.txt, refused types)."""
        with self._lock:
            rows = self._db.execute("SELECT extra FROM items WHERE source = ? AND status = 'active' AND extra LIKE '%\"refused\"%'",
                                    (source,)).fetchall()
        return sum(len(json.loads(r["extra"]).get("refused") or {}) for r in rows)

    def mark_unlisted(self, source: str, listed: set[str]) -> None:
        """After a complete full walk: the source's active articles it no longer lists wait for a removal check."""
        with self._lock:
            rows = self._db.execute("SELECT url FROM items WHERE source = ? AND status = 'active'", (source,)).fetchall()
            gone = [(r["url"],) for r in rows if r["url"] not in listed]
            self._db.executemany("UPDATE items SET check_pending = 1 WHERE url = ?", gone)

    def pending_checks(self, source: str) -> list[Item]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM items WHERE source = ? AND status = 'active' AND check_pending = 1 ORDER BY last_seen, url", (source,),
            ).fetchall()
        return [_item(r) for r in rows]

    def same_article(self, match_key: str) -> list[Item]:
        """Archived articles (not second URLs) with this normalised title and day, any source."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM items WHERE match_key = ? AND status IN ('active', 'conflict', 'removed') AND path IS NOT NULL",
                (match_key,),
            ).fetchall()
        return [_item(r) for r in rows]

    def aliases(self, canonical: str) -> list[Item]:
        """The other URLs of an article archived under ``canonical``."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM items WHERE canonical = ? ORDER BY url", (canonical,)).fetchall()
        return [_item(r) for r in rows]

    def update_extra(self, url: str, changes: dict[str, Any]) -> None:
        """Merge keys into an item's ``extra``."""
        with self._lock:
            row = self._db.execute("SELECT extra FROM items WHERE url = ?", (url,)).fetchone()
            if row is not None:
                extra = {**json.loads(row["extra"] or "{}"), **changes}
                self._db.execute("UPDATE items SET extra = ? WHERE url = ?", (json.dumps(extra, ensure_ascii=False), url))

    def promote(self, url: str, previous: str) -> None:
        """Make ``url`` (a second URL of ``previous``'s article) the one the article is archived under."""
        with self._lock:
            old = self._db.execute("SELECT * FROM items WHERE url = ?", (previous,)).fetchone()
            self._db.execute(
                """UPDATE items SET status = ?, canonical = NULL, path = ?, content_hash = ?, extra = ?, match_key = ?,
                   next_due = ?, last_fetched = ?, last_changed = ? WHERE url = ?""",
                (old["status"] if old["status"] != "removed" else "active", old["path"], old["content_hash"], old["extra"],
                 old["match_key"], old["next_due"], old["last_fetched"], old["last_changed"], url),
            )
            self._db.execute("UPDATE items SET canonical = ? WHERE canonical = ? AND url != ?", (url, previous, url))
            self._db.execute("UPDATE items SET status = 'merged', canonical = ?, check_pending = 0 WHERE url = ?", (url, previous))

    # -- sources -----------------------------------------------------------------------------
    def last_full_walk(self, source: str) -> dt.datetime | None:
        with self._lock:
            row = self._db.execute("SELECT last_full_walk FROM sources WHERE name = ?", (source,)).fetchone()
        return dt.datetime.fromisoformat(row["last_full_walk"]) if row and row["last_full_walk"] else None

    def full_walk_wanted(self, source: str) -> None:
        """Make the source's next walk a full one (a revisited page has gone: only a full walk may lead to its removal)."""
        with self._lock:
            self._db.execute("UPDATE sources SET last_full_walk = NULL WHERE name = ?", (source,))

    def full_walk_done(self, source: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO sources (name, last_full_walk) VALUES (?, ?)", (source, self.now()))

    def place(self, url: str, *, path: str, content_hash: str | None, status: str, file_sha: str,
              assets: list[str] | None = None) -> None:
        """Point an item at another file (a held change moved aside or put in place), keeping its extraction key
        (and its asset names unless ``assets`` gives the new folder's)."""
        assert status in STATUSES
        item = self.item(url)
        extra = {**(item.extra if item else {}), "file_sha": file_sha, **({"assets": assets} if assets is not None else {})}
        with self._lock:
            self._db.execute(
                "UPDATE items SET path = ?, content_hash = ?, status = ?, updated_at = ?, extra = ? WHERE url = ?",
                (path, content_hash, status, self.now(), json.dumps(extra, ensure_ascii=False), url),
            )

    # -- held changes ------------------------------------------------------------------------
    def hold(self, *, url: str, source: str, kind: str, path: str | None, new_path: str, held_path: str,
             published_text: str | None, held_text: str, reasons: list[str], run: str) -> Held:
        """Record a held change; an open hold of the same article is replaced (its published text kept)."""
        with self._lock:
            self._db.execute("UPDATE held SET status = 'superseded', decided_at = ? WHERE url = ? AND status = 'held'", (self.now(), url))
            cursor = self._db.execute(
                """INSERT INTO held (url, source, kind, path, new_path, held_path, published_text, held_text, reasons, run,
                                     held_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'held')""",
                (url, source, kind, path, new_path, held_path, published_text, held_text, json.dumps(reasons, ensure_ascii=False),
                 run, self.now()),
            )
            row = self._db.execute("SELECT * FROM held WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _held(row)

    def held(self, status: str | None = "held") -> list[Held]:
        """Held changes with this status (all when None), oldest first."""
        query, args = "SELECT * FROM held", ()
        if status:
            query, args = query + " WHERE status = ?", (status,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [_held(r) for r in rows]

    def decide(self, held_id: int, status: str) -> None:
        """Close a held change: accepted, rejected or superseded."""
        assert status in HELD_STATUSES and status != "held"
        with self._lock:
            self._db.execute("UPDATE held SET status = ?, decided_at = ? WHERE id = ?", (status, self.now(), held_id))

    # -- history -----------------------------------------------------------------------------
    def add_history(self, url: str, source: str, markdown: str, content_hash: str | None, path: str | None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO history (url, source, replaced_at, content_hash, path, markdown) VALUES (?, ?, ?, ?, ?, ?)",
                (url, source, self.now(), content_hash, path, markdown),
            )

    def history(self, url: str) -> list[dict[str, Any]]:
        """Previous versions of an article, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM history WHERE url = ? ORDER BY id", (url,)).fetchall()
        return [dict(r) for r in rows]


@dataclass(frozen=True)
class Held:
    """A change kept back from publication: ``path`` is the published file (None for a new article),
    ``new_path`` where the held version goes when accepted, ``held_path`` where it waits meanwhile."""

    id: int
    url: str
    source: str
    kind: str  # new | changed | removed | deleted
    path: str | None
    new_path: str
    held_path: str
    published_text: str | None
    held_text: str
    reasons: list[str]
    run: str
    held_at: str
    status: str
    decided_at: str | None


def _held(row: sqlite3.Row) -> Held:
    return Held(**{**dict(row), "reasons": json.loads(row["reasons"])})


def _item(row: sqlite3.Row) -> Item:
    return Item(
        url=row["url"], source=row["source"], ids=json.loads(row["ids"]), title=row["title"], published=row["published"],
        content_hash=row["content_hash"], path=row["path"], status=row["status"], first_seen=row["first_seen"],
        last_seen=row["last_seen"], extra=json.loads(row["extra"] or "{}"), entry=json.loads(row["entry"]) if row["entry"] else None,
        list_sig=row["list_sig"], last_fetched=row["last_fetched"], last_changed=row["last_changed"], next_due=row["next_due"],
        canonical=row["canonical"], check_pending=bool(row["check_pending"]),
    )
