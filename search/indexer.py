"""Content tree -> Whoosh index, incremental, and never half-written for a reader.

Layout of an index directory::

    <index>/CURRENT          name of the live generation, replaced atomically (os.replace)
    <index>/gen-<n>/         a Whoosh index plus fazhi-index.json (schema version, counts)
    <index>/.lock            held while a run writes

An update compares each article's fingerprint (``search.schema.fingerprint``:
body hash plus metadata) with the one stored in the live generation and touches only added, changed and
removed articles; Whoosh commits atomically, so readers see the old or the new
state. When the schema version differs (a field or the analysis changed) or on
``rebuild``, the whole index is written into a new generation and CURRENT is
switched to it; the previous generation is kept for readers that opened it a
moment ago, older ones are deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index

from fazhi.article import Article
from fazhi.content import load_tree
from fazhi.errors import ArticleInvalid, LockHeld
from fazhi.files import write_atomic, write_json
from search.schema import Codec, build_schema, document, fingerprint, schema_version

POINTER = "CURRENT"
META = "fazhi-index.json"
LOCK_TIMEOUT = 60.0
# Below this many documents to write, one process is faster than forking writers.
PARALLEL_FROM = 400
# Posting buffer per run, split between writer processes. Whoosh spills a full buffer to disk and merges
# the runs in Python, which doubled the build time at 256 MB; 3,475 laws peak at about 1.2 GB per process.
WRITER_MB = 2048


@dataclass(frozen=True)
class IndexStats:
    """What one run did; ``rebuilt`` is True when a new generation was written."""

    added: int
    updated: int
    removed: int
    unchanged: int
    documents: int
    rebuilt: bool
    seconds: float
    directory: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def current_generation(index_dir: Path) -> Path | None:
    """The live generation directory, or None when there is no index yet."""
    try:
        name = (Path(index_dir) / POINTER).read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    path = Path(index_dir) / name
    return path if name and (path / META).is_file() else None


def read_meta(generation: Path) -> dict[str, object]:
    return json.loads((generation / META).read_text("utf-8"))


def update_index(content_dir: Path, index_dir: Path, procs: int | None = None) -> IndexStats:
    """Bring the index in line with the content tree; creates it when missing, rebuilds on a schema change."""
    return sync_articles(_articles(content_dir), index_dir, procs=procs)


def rebuild_index(content_dir: Path, index_dir: Path, procs: int | None = None) -> IndexStats:
    """Write the whole index into a new generation and switch to it."""
    return sync_articles(_articles(content_dir), index_dir, rebuild=True, procs=procs)


def sync_articles(articles: Iterable[Article], index_dir: Path, rebuild: bool = False, procs: int | None = None) -> IndexStats:
    """Index exactly ``articles`` (by slug) into ``index_dir``; the content-tree commands and the benchmarks share it."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise LockHeld(f"{index_dir}: another run is writing this index (lock {index_dir / '.lock'})") from None
    try:
        by_slug = {article.slug: article for article in articles}
        stamps = {slug: fingerprint(article) for slug, article in by_slug.items()}
        live = current_generation(index_dir)
        if rebuild or live is None or read_meta(live).get("schema") != schema_version():
            counts = _write_generation(index_dir, live, by_slug, stamps, procs)
        else:
            counts = _update_generation(live, by_slug, stamps, procs)
    finally:
        lock.release()
    generation = current_generation(index_dir)
    assert generation is not None
    return IndexStats(**counts, documents=len(by_slug), seconds=round(time.perf_counter() - started, 3), directory=str(generation))


def _articles(content_dir: Path) -> list[Article]:
    """The content tree's articles; a tree the site build would refuse is refused here too."""
    tree = load_tree(Path(content_dir))
    if tree.problems:
        raise ArticleInvalid(tree.problems)
    return tree.articles


def _writer(ix: whoosh_index.Index, count: int, procs: int | None) -> object:
    procs = procs if procs is not None else (min(2, os.cpu_count() or 1) if count >= PARALLEL_FROM else 1)
    if procs > 1:
        return ix.writer(procs=procs, limitmb=WRITER_MB // procs, multisegment=True, batchsize=64, codec=Codec())
    return ix.writer(limitmb=WRITER_MB, codec=Codec())


def _write_generation(
    index_dir: Path, live: Path | None, articles: dict[str, Article], stamps: dict[str, str], procs: int | None,
) -> dict[str, object]:
    """A complete new generation, then the atomic switch, then cleanup of old generations."""
    number = 1 + max((int(p.name.split("-")[1]) for p in index_dir.glob("gen-*") if p.name.split("-")[1].isdigit()), default=0)
    target = index_dir / f"gen-{number}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    ix = whoosh_index.create_in(str(target), build_schema())
    writer = _writer(ix, len(articles), procs)
    try:
        for slug, article in articles.items():
            writer.add_document(**document(article, stamps[slug]))
    except BaseException:
        writer.cancel()
        ix.close()
        shutil.rmtree(target, ignore_errors=True)
        raise
    writer.commit()
    ix.close()
    _write_meta(target, len(articles))
    write_atomic(index_dir / POINTER, target.name + "\n")
    keep = {target.name, live.name if live else None}
    for old in index_dir.glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return {"added": len(articles), "updated": 0, "removed": 0, "unchanged": 0, "rebuilt": True}


def _update_generation(live: Path, articles: dict[str, Article], stamps: dict[str, str], procs: int | None) -> dict[str, object]:
    """Only the changed documents: compares fingerprints read from the index's columns."""
    ix = whoosh_index.open_dir(str(live))
    try:
        with ix.reader() as reader:
            slugs = reader.column_reader("slug")
            prints = reader.column_reader("fingerprint")
            indexed = {slugs[n]: (n, prints[n]) for n in reader.all_doc_ids()}
        added = [slug for slug in stamps if slug not in indexed]
        updated = [slug for slug in stamps if slug in indexed and indexed[slug][1] != stamps[slug]]
        removed = [slug for slug in indexed if slug not in stamps]
        if added or updated or removed:
            writer = _writer(ix, len(added) + len(updated), procs)
            try:
                # By document number: the writer sees the segments the reader saw (we hold the lock), and
                # deleting by term would open a searcher per article.
                for slug in removed + updated:
                    writer.delete_document(indexed[slug][0])
                for slug in updated + added:
                    writer.add_document(**document(articles[slug], stamps[slug]))
            except BaseException:
                writer.cancel()  # nothing reaches the index: readers keep the last commit
                raise
            writer.commit()
            _write_meta(live, len(stamps))
    finally:
        ix.close()
    unchanged = len(stamps) - len(added) - len(updated)
    return {"added": len(added), "updated": len(updated), "removed": len(removed), "unchanged": unchanged, "rebuilt": False}


def _write_meta(generation: Path, count: int) -> None:
    meta = {"schema": schema_version(), "documents": count, "written": time.strftime("%Y-%m-%dT%H:%M:%S")}
    write_json(generation / META, meta, indent=1)
