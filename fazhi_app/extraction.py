"""The text read from each article's files, as the build and the index get it: from the extraction cache only.

The nightly job reads files into ``<state>/extract.sqlite`` (tables ``files``: path, size, mtime_ns, sha256,
extractor; ``extractions``: sha256, extractor, version, status, reason, text, pages); here it is only looked up,
never read from the files, so a build costs no extraction. A file changed since it was read (size or mtime)
or read by an older reader has no text until a night reads it again.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path, PurePosixPath

from extract import EXTRACTOR_VERSIONS
from fazhi.config import Settings
from fazhi.content import ContentTree
from fazhi.file_text import FileText

CACHE_FILE = "extract.sqlite"


def file_texts(settings: Settings, tree: ContentTree) -> dict[str, list[FileText]]:
    """``article path (column/year/slug/index.md) -> its files' texts``, one per page of a paged file; read from the cache."""
    path = settings.paths.state / CACHE_FILE
    if not path.is_file():
        return {}
    folders = {str(a.path.parent): str(a.path) for a in tree.articles if a.path is not None}
    found: dict[str, list[FileText]] = {}
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = db.execute("SELECT f.path, f.size, f.mtime_ns, e.extractor, e.version, e.status, e.text, e.pages "
                              "FROM files f JOIN extractions e ON e.sha256 = f.sha256 AND e.extractor = f.extractor "
                              "ORDER BY f.path").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return {}  # no text yet: the nightly job sets a damaged cache aside and reads the files again
    for rel, size, mtime_ns, extractor, version, status, text, pages in rows:
        folder = next((str(up) for up in PurePosixPath(rel).parents if str(up) in folders), None)
        if folder is None or EXTRACTOR_VERSIONS.get(extractor) != version or not _unchanged(tree.root / rel, size, mtime_ns):
            continue
        article, name = folders[folder], str(PurePosixPath(rel).relative_to(folder))
        kind = "image" if extractor == "ocr" else "attachment"
        paged = list(json.loads(pages)) if status == "ok" else []
        texts = ([FileText(name, kind, n, page, status) for n, page in enumerate(paged, 1) if page] if paged
                 else [FileText(name, kind, None, text if status == "ok" else "", status)])
        found.setdefault(article, []).extend(texts)
    return found


def _unchanged(path: Path, size: int, mtime_ns: int) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime_ns
