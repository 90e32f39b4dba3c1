"""The text inside the content tree's files: read once per file by the nightly job, kept, and handed on.

``extract_tree`` is the nightly ``extract`` step: every attachment and image beside an article whose
bytes have no kept result is read (``extract.extract_file``), newest years first, until the night's
budget (``extract.night_seconds``, and no later than the build's reserve before ``run_limit``) is spent;
the rest wait for the next night and are counted. ``file_texts`` and ``extraction_digest`` only read
what is kept (``extract.cache``): the build, the index and the fingerprint never read a file themselves,
so a night with nothing new reads nothing, and a night whose only news is new text still reindexes. They
do not list the tree either: the cache's record of the paths it hashed is the list, each checked with one
``stat`` (a file not in it has no text yet, one changed since has none until it is read again).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from extract import EXTRACTOR_VERSIONS, extract_file, extractor_for
from extract.cache import ExtractCache, KnownFile, open_cache, reading_cache
from fazhi.config import Settings
from fazhi.content import ContentTree
from fazhi.content_files import content_files
from fazhi.errors import FileRefused
from fazhi.file_text import FileText
from fazhi.filetypes import identify
from fazhi_app.run_record import ExtractSection

# How many of the files waiting for a later night the record names (all are counted).
WAITING_NAMED = 20


def extract_tree(settings: Settings, until: float, warn: Callable[[str], None]) -> ExtractSection:
    """Read the new and changed files of ``settings``' content tree until ``until`` (``time.monotonic()``); the step's section."""
    limits = settings.extract
    started = time.monotonic()
    until = min(until, started + limits.night_seconds)
    section = ExtractSection()
    cache, repair = open_cache(settings.paths.state)
    if repair:
        warn(repair)
    with cache:
        known = cache.known_files()
        listing = _listing(settings.paths.content)
        cache.forget(set(known) - set(listing))
        for rel in sorted(listing, key=_newest_first):
            path = listing[rel]
            entry = _hashed(cache, rel, path, known.get(rel))
            if entry is None or not entry.extractor:
                continue
            section.extract_seen += 1
            version = EXTRACTOR_VERSIONS[entry.extractor]
            if cache.get(entry.sha256, entry.extractor, version, limits) is not None:
                section.extract_from_cache += 1
            elif time.monotonic() >= until:
                section.extract_waiting += 1
                if len(section.extract_waiting_files) < WAITING_NAMED:
                    section.extract_waiting_files.append(rel)
            else:
                _read(cache, section, rel, path, entry, settings)
    section.extract_seconds = round(time.monotonic() - started, 3)
    return section


def file_texts(settings: Settings, tree: ContentTree) -> dict[str, list[FileText]]:
    """``{article path (cases/2024/slug/index.md): its files' texts}`` as kept; reads no file, extracts nothing.

    A paged document (PDF, OFD) gives one ``FileText`` per page with text; a file read without text (or
    skipped, or failed) one with empty text and its status. A file not yet read, or changed since, has none.
    """
    found: dict[str, list[FileText]] = {}
    with reading_cache(settings.paths.state) as cache:
        if cache is None:
            return found
        articles = {article.path.parent.as_posix(): article.path.as_posix() for article in tree.articles if article.path is not None}
        kept = _kept(tree.root, articles, cache.known_files())
        for article_rel, rel, entry in kept:
            done = cache.get(entry.sha256, entry.extractor, EXTRACTOR_VERSIONS[entry.extractor], settings.extract)
            if done is None:
                continue
            name = PurePosixPath(rel).relative_to(PurePosixPath(article_rel).parent).as_posix()
            kind = "image" if entry.extractor == "ocr" else "attachment"
            texts = found.setdefault(article_rel, [])
            if done.status == "ok" and done.pages:
                texts.extend(FileText(name, kind, page, text, "ok") for page, text in enumerate(done.pages, 1) if text)
            else:
                texts.append(FileText(name, kind, None, done.text, done.status))
    return found


def extraction_digest(settings: Settings) -> str:
    """One hash of the results kept for the files beside the content tree's articles (each file's path, bytes, reader and
    text): a fingerprint value, so new text alone makes a new release."""
    h = hashlib.sha256()
    root = settings.paths.content
    with reading_cache(settings.paths.state) as cache:
        if cache is not None:
            known = cache.known_files()
            articles = {folder: f"{folder}/index.md" for folder in {_folder(rel) for rel in known}
                        if (root / folder / "index.md").is_file()}
            for _article, rel, entry in sorted(_kept(root, articles, known), key=lambda item: item[1]):
                digest = cache.digest(entry.sha256, entry.extractor, EXTRACTOR_VERSIONS[entry.extractor], settings.extract)
                if digest is not None:
                    h.update(f"{rel}\0{entry.sha256}\0{entry.extractor}\0{digest}\n".encode())
    return h.hexdigest()


def _kept(root: Path, articles: dict[str, str], known: dict[str, KnownFile]) -> list[tuple[str, str, KnownFile]]:
    """(article path, file path, entry) of each ``known`` file (the cache's record) beside one of ``articles`` (folder ->
    article path) that is still as it was when last hashed: one ``stat`` per remembered file, no listing of the tree."""
    kept: list[tuple[str, str, KnownFile]] = []
    for rel, entry in known.items():
        article = articles.get(_folder(rel))
        if article is None or not entry.extractor:
            continue
        try:
            stat = (root / rel).stat()
        except OSError:
            continue  # gone, or left out of the publish view
        if (stat.st_size, stat.st_mtime_ns) == (entry.size, entry.mtime_ns):
            kept.append((article, rel, entry))
    return kept


def _read(cache: ExtractCache, section: ExtractSection, rel: str, path: Path, entry: KnownFile, settings: Settings) -> None:
    """Read one file and keep what it gave; a result that is no verdict on the file (OCR off or missing) is counted, not kept."""
    try:
        verdict = identify(path.read_bytes())
    except (FileRefused, OSError):
        return  # changed under us into a refused or unreadable file: the next night hashes it again
    done = extract_file(path, verdict, settings.extract)
    if not cache.put(entry.sha256, done, settings.extract):
        section.extract_unavailable += 1
        section.extract_unavailable_reason = section.extract_unavailable_reason or done.reason
        return
    section.extract_read += 1
    if done.status in ("skipped", "failed"):
        section.extract_unread.append({"file": rel, "status": done.status, "reason": done.reason})


def _hashed(cache: ExtractCache, rel: str, path: Path, known: KnownFile | None) -> KnownFile | None:
    """The file's entry: as remembered while its size and mtime hold, else hashed (and judged) again; None when unreadable."""
    try:
        stat = path.stat()
        if known is not None and (stat.st_size, stat.st_mtime_ns) == (known.size, known.mtime_ns):
            return known
        data = path.read_bytes()
    except OSError:
        return None
    try:
        reader = extractor_for(identify(data))
    except FileRefused:
        reader = None  # refused files are ``fazhi check``'s to report; they have no text here
    entry = KnownFile(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest(), reader.name if reader else "")
    cache.remember(rel, entry)
    return entry


def _listing(root: Path) -> dict[str, Path]:
    """The files beside articles (``<column>/<year>/<slug>/…``), by path relative to ``root``."""
    listing = {path.relative_to(root).as_posix(): path for path in content_files(root)}
    return {rel: path for rel, path in listing.items() if rel.count("/") >= 3}


def _folder(rel: str) -> str:
    return "/".join(rel.split("/")[:3])


def _newest_first(rel: str) -> tuple[int, str]:
    """Sort key: later years first (a backlog is read from the newest articles back), then by path."""
    year = rel.split("/")[1]
    return (-int(year) if year.isdigit() else 0, rel)


__all__ = ["extract_tree", "extraction_digest", "file_texts"]
