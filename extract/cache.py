"""What reading each file gave, kept at ``<state>/extract.sqlite`` so a file is read once in its life.

Two tables. ``extractions`` is keyed by the file's SHA-256 and its reader's name and version: the same
bytes under another name or in another article are not read again, and a reader whose version is bumped
reads its files again. A result a cap decided (``skipped``, ``failed``) also keeps a digest of the caps it
was read under, and counts only while they hold: raised caps give such files another try. ``files``
remembers, per path in the content tree, the size and mtime it had when hashed, its hash and its reader,
so a later night, the build and the index find a file's text with one ``stat`` and no reading.

The cache is derived state: losing it costs only reading the files again. ``open_cache`` sets a damaged
one aside (``extract.sqlite.damaged``) and starts an empty one, saying so in one line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from extract.result import Extraction, Limits
from fazhi.files import set_aside_database

CACHE_FILE = "extract.sqlite"
# Statuses kept: ``unavailable`` (no Tesseract) and OCR switched off are not verdicts on the file.
KEPT = ("ok", "empty", "skipped", "failed")
# Settings that are no cap on one file: changing them reads nothing again.
NOT_CAPS = ("ocr", "night_seconds")
SCHEMA = """
CREATE TABLE IF NOT EXISTS extractions (
    sha256 TEXT NOT NULL, extractor TEXT NOT NULL, version INTEGER NOT NULL,
    status TEXT NOT NULL, reason TEXT NOT NULL, text TEXT NOT NULL, pages TEXT NOT NULL,
    seconds REAL NOT NULL, caps TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (sha256, extractor, version)
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, extractor TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class KnownFile:
    """A path of the content tree as last hashed: its stamp, its hash, and its reader (empty: a type without text)."""

    size: int
    mtime_ns: int
    sha256: str
    extractor: str


class ExtractCache:
    """The open cache; use ``open_cache``. Writes commit at once, so a run killed midway keeps what it read."""

    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db = db
        self.path = path

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ExtractCache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def known_files(self) -> dict[str, KnownFile]:
        """Every path remembered, relative to the content root."""
        rows = self.db.execute("SELECT path, size, mtime_ns, sha256, extractor FROM files")
        return {path: KnownFile(size, mtime, sha, extractor) for path, size, mtime, sha, extractor in rows}

    def remember(self, path: str, known: KnownFile) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                            (path, known.size, known.mtime_ns, known.sha256, known.extractor))

    def forget(self, paths: Iterable[str]) -> None:
        """Drop paths gone from the tree (their extractions stay: the same bytes may come back)."""
        with self.db:
            self.db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in paths))

    def get(self, sha256: str, extractor: str, version: int, limits: Limits) -> Extraction | None:
        """The kept result for these bytes read by this reader, or None when they are still to be read."""
        row = self.db.execute("SELECT status, reason, text, pages, seconds, caps FROM extractions "
                              "WHERE sha256 = ? AND extractor = ? AND version = ?", (sha256, extractor, version)).fetchone()
        if row is None:
            return None
        status, reason, text, pages, seconds, caps = row
        if _outdated(status, caps, limits):
            return None
        return Extraction(status, reason, text, tuple(json.loads(pages)), extractor, version, seconds)

    def digest(self, sha256: str, extractor: str, version: int, limits: Limits) -> str | None:
        """A digest of the kept result's status and text (None when ``get`` would give none), without reading the text."""
        row = self.db.execute("SELECT status, caps, digest FROM extractions WHERE sha256 = ? AND extractor = ? AND version = ?",
                              (sha256, extractor, version)).fetchone()
        if row is None or _outdated(row[0], row[1], limits):
            return None
        return row[2]

    def put(self, sha256: str, done: Extraction, limits: Limits) -> bool:
        """Keep ``done`` for these bytes; False when it is no verdict on the file (reader unavailable, OCR off) and was not kept."""
        if done.status not in KEPT or (done.status == "skipped" and not limits.ocr and done.extractor == "ocr"):
            return False
        digest = hashlib.sha256(f"{done.status}\0{done.text}".encode()).hexdigest()
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (sha256, done.extractor, done.version, done.status, done.reason, done.text,
                             json.dumps(list(done.pages), ensure_ascii=False), done.seconds, caps_digest(limits), digest))
        return True


def _outdated(status: str, caps: str, limits: Limits) -> bool:
    """A result a cap decided, read under other caps than ``limits``: the file gets another try."""
    return status in ("skipped", "failed") and caps != caps_digest(limits)


def caps_digest(limits: Limits) -> str:
    """The caps one file is read under, as a short digest."""
    caps = {f.name: getattr(limits, f.name) for f in fields(limits) if f.name not in NOT_CAPS}
    return hashlib.sha256(json.dumps(caps, sort_keys=True).encode()).hexdigest()[:16]


def open_cache(state: Path) -> tuple[ExtractCache, str | None]:
    """The cache in the state folder, made when missing; a damaged one is set aside and begun afresh.

    Returns the cache and the repair made (one line naming the file), or None.
    """
    path = state / CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path), None
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    aside = set_aside_database(path)
    return _open(path), (f"{path}: the extraction cache was damaged ({problem}); set aside as {aside.name} and begun afresh, "
                         f"so its files are read again within the nights' budget")


@contextlib.contextmanager
def reading_cache(state: Path) -> Iterator[ExtractCache | None]:
    """The cache for reading only, or None when there is none or it cannot be read (no text yet: the nightly job heals it)."""
    path = state / CACHE_FILE
    if not path.is_file():
        yield None
        return
    try:
        cache = ExtractCache(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30), path)
        cache.db.execute("SELECT 1 FROM files, extractions LIMIT 1").fetchall()
    except sqlite3.DatabaseError:
        yield None
        return
    with cache:
        yield cache


def _open(path: Path) -> ExtractCache:
    db = sqlite3.connect(path, timeout=30)
    try:
        checked = [row[0] for row in db.execute("PRAGMA quick_check")]
        if checked != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(checked[:3]))
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript(SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(extractions)")}
        if "digest" not in columns:
            raise sqlite3.DatabaseError("its tables are not the extraction cache's")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return ExtractCache(db, path)


__all__ = ["CACHE_FILE", "ExtractCache", "KnownFile", "caps_digest", "open_cache", "reading_cache"]
