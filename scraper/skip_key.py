"""The incremental skip: whether an article's last extraction still stands, without parsing it again.

The store keeps, per article, a key over everything its file is made from: the list
entry, the page bytes (a 304 gives the stored copy), the source's settings and the
extracting code (``extractor_version``), plus the hash of the file it wrote and the
names of its assets. When the key matches, the file on disk is byte for byte what the
scraper wrote (so no staff edit) and every asset is still there, the article is
unchanged. ``--offline`` always re-extracts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fazhi.config import Source
from scraper import extractor
from scraper.http import Page
from scraper.platforms.base import ListEntry
from scraper.store import Item


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extraction_key(source: Source, publisher: str, entry: ListEntry, page: Page | None) -> str:
    """A hash of everything an article file is made from (module docstring)."""
    parts = {
        "code": extractor.extractor_version(),
        "source": [source.name, source.platform, source.column, source.default_column, publisher],
        "entry": [entry.url, entry.title, entry.date, entry.time_known, dict(entry.ids), dict(entry.extra)],
        "page": None if page is None else [page.url, page.headers.get("content-type"), sha256(page.content)],
    }
    return sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))


def still_as_written(item: Item, key: str, content: Path) -> bool:
    """Whether the last extraction from the same inputs still stands: same key, file and assets untouched."""
    written = item.extra
    if item.status != "active" or not item.path or written.get("key") != key:
        return False
    path = content / item.path
    try:
        if sha256(path.read_bytes()) != written.get("file_sha"):
            return False  # edited (by staff, or by hand) or replaced: the full path decides
    except OSError:
        return False
    return all((path.parent / name).is_file() for name in written.get("assets", ()))


def written_record(key: str, text: str, files: tuple[str, ...]) -> dict[str, object]:
    """What a later run needs to skip this extraction (stored with the item)."""
    return {"key": key, "file_sha": sha256(text.encode("utf-8")), "assets": list(files), "code": extractor.extractor_version()}
