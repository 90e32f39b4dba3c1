"""Content tree -> Whoosh index, incremental, and never half-written for a reader.

Layout of an index directory::

    <index>/CURRENT          name of the live generation, replaced atomically (os.replace)
    <index>/gen-<n>/         a Whoosh index plus fazhi-index.json (schema version, counts)
    <index>/.lock            held while a run writes

``fazhi-index.json`` also records the size and SHA-256 of every file of the
generation's last Whoosh commit, so a deleted, truncated or altered segment file
is found without reading the postings (``file_damage``; ``search.verify``
compares the documents with the content tree too). Whoosh writes its stock W3
format here and merges small segments on commit, as it is made to.

An update compares each article's fingerprint (``search.schema.fingerprint``:
body hash plus metadata plus the text read from its files) with the one stored in the live generation and touches only added, changed and
removed articles (with a law library, its laws too: ``search.law_documents``, one document of kind ``laws``
each and one unit of kind ``provisions`` per article in force, each by its own fingerprint); Whoosh commits
atomically, so readers see the old or the new state.
When the schema version differs (a field or the analysis changed) or on
``rebuild``, the whole index is written into a new generation and CURRENT is
switched to it; the previous generation is kept for readers that opened it a
moment ago, older ones are deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from fazhi.article import Article
from fazhi.content import ContentTree, load_tree
from fazhi.errors import ArticleInvalid, LockHeld
from fazhi.files import write_atomic, write_json
from search.documents import NO_FILES, Cites, FileTexts, Indexed, citations, document, fingerprint
from search.index_writer import CheckedMpWriter
from search.law_documents import LawIndexed, library_documents
from search.schema import build_schema, schema_version

POINTER = "CURRENT"
META = "fazhi-index.json"
# The meta key of the digest of the known questions the index was written with ("" for none).
QUESTIONS = "questions"
GENERATION_PREFIX = "gen-"
# Whoosh's names: the index inside a generation, its scratch folder and the temporary copy of a commit's TOC.
INDEX_NAME = "MAIN"  # Whoosh's default
SCRATCH = f"{INDEX_NAME}.tmp"
TOC_TEMP = f"_{INDEX_NAME}_*.toc.*"
_TOC_RE = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
LOCK_TIMEOUT = 60.0
# Below this many documents to write, one process is faster than forking writers.
PARALLEL_FROM = 400
# Posting buffer per run, split between writer processes, as Whoosh counts it. Once a buffer is full Whoosh
# writes every posting of the run to disk and merges them back in Python: the build's CPU time grows (doubled at
# 256 MB). 3,475 laws fit (about 1.2 GB resident per process). The LawRefBook library's 3,207 laws and 140,000
# article units spill about three times at this size, costing some 45 % more writer CPU; holding them all would
# take 3.9 GB resident per writer process, too much for a rare rebuild on a modest server
# (bench/RESULTS.md, "Index build: the law library with its article units").
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


def update_index(
    content_dir: Path, index_dir: Path, procs: int | None = None, law_library: Path | None = None, files: FileTexts = NO_FILES,
) -> IndexStats:
    """Bring the index in line with the content tree (and the law library, when given, and the texts read from the
    articles' files); creates it when missing, rebuilds on a schema change."""
    return sync_articles(content_articles(content_dir), index_dir, procs=procs, laws=library_documents(law_library), files=files)


def rebuild_index(
    content_dir: Path, index_dir: Path, procs: int | None = None, law_library: Path | None = None, files: FileTexts = NO_FILES,
) -> IndexStats:
    """Write the whole index (articles with their file texts, and the law library's texts when given) into a new generation
    and switch to it."""
    return sync_articles(content_articles(content_dir), index_dir, rebuild=True, procs=procs, laws=library_documents(law_library),
                         files=files)


def sync_articles(
    articles: Iterable[Article], index_dir: Path, rebuild: bool = False, procs: int | None = None, laws: Iterable[LawIndexed] = (),
    files: FileTexts = NO_FILES, questions: str = "",
) -> IndexStats:
    """Index exactly ``articles`` (with their ``files``' texts, by article path) and ``laws`` (by slug) into ``index_dir``;
    the content-tree commands and the benchmarks share it. ``questions``: the digest of the known questions the
    application passes (``fazhi.law.questions.questions_digest``), recorded so ``--verify`` sees a stale set."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with _index_lock(index_dir):
        articles, laws = list(articles), list(laws)
        cites = citations(articles, laws, files)
        by_slug: dict[str, Indexed] = {article.slug: article for article in articles}
        by_slug.update((law.slug, law) for law in laws)
        stamps = {slug: fingerprint(article, files, cites) for slug, article in by_slug.items()}
        live = current_generation(index_dir)
        remove_leftovers(index_dir)
        if rebuild or live is None or read_meta(live).get("schema") != schema_version():
            counts = _write_generation(index_dir, live, by_slug, stamps, procs, files, cites)
        else:
            counts = _update_generation(live, by_slug, stamps, procs, files, cites)
        generation = current_generation(index_dir)
        assert generation is not None
        meta = read_meta(generation)
        if meta.get(QUESTIONS, "") != questions:
            write_json(generation / META, {**meta, QUESTIONS: questions}, indent=1)
    return IndexStats(**counts, documents=len(by_slug), seconds=round(time.perf_counter() - started, 3), directory=str(generation))


def optimize_index(index_dir: Path) -> IndexStats:
    """Merge the live generation into one segment with Whoosh's own ``optimize`` (searches get a little faster)."""
    started = time.perf_counter()
    with _index_lock(Path(index_dir)):
        live = current_generation(Path(index_dir))
        if live is None:
            raise FileNotFoundError(f"{index_dir}: no index to optimize (run `fazhi index` first)")
        ix = whoosh_index.open_dir(str(live))
        try:
            ix.optimize()
            count = ix.doc_count()
        finally:
            ix.close()
        _write_meta(live, count)
    return IndexStats(0, 0, 0, count, count, False, round(time.perf_counter() - started, 3), str(live))


def remove_leftovers(index_dir: Path) -> list[str]:
    """Remove what a killed writer left: unfinished generations, Whoosh's scratch folders and temporary TOCs.

    Call with the index lock held. Generations older than the live one stay: the
    last one is kept for readers that opened it a moment ago, and a rebuild removes the rest.
    """
    removed: list[str] = []
    live = current_generation(index_dir)
    live_number = _generation_number(live) if live is not None else 0
    for path in sorted(Path(index_dir).glob(f"{GENERATION_PREFIX}*")):
        if path.is_dir() and _generation_number(path) > live_number:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for generation in sorted(Path(index_dir).glob(f"{GENERATION_PREFIX}*")):
        for path in [generation / SCRATCH, *generation.glob(TOC_TEMP)]:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink()
            else:
                continue
            removed.append(f"{generation.name}/{path.name}")
    return removed


def file_damage(generation: Path, deep: bool = False) -> list[tuple[str, str]]:
    """(file name, what is wrong) for each file of the last commit that is not as it was written.

    Sizes only by default (a few system calls: the search API asks after a failed
    search); ``deep`` also compares SHA-256 hashes, which reads every file once.
    """
    try:
        meta = read_meta(generation)
    except (OSError, ValueError) as exc:
        return [(META, f"cannot read the index record: {exc}")]
    recorded = meta.get("files")
    if not isinstance(recorded, dict):
        return [(META, "no record of the index files (written by an older fazhi): rebuild the index")]
    damage: list[tuple[str, str]] = []
    commit = _latest_commit(generation)
    if commit != meta.get("commit"):
        recorded_commit = meta.get("commit")
        damage.append((_toc_name(commit), f"Whoosh commit {commit} is not the recorded one, {recorded_commit} (an interrupted write?)"))
    for name, (size, digest) in sorted(recorded.items()):
        path = generation / name
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            damage.append((name, "missing: the file was deleted"))
            continue
        if actual != size:
            damage.append((name, f"{'truncated' if actual < size else 'grown'}: {actual} bytes, written as {size}"))
        elif deep and _sha256(path) != digest:
            damage.append((name, "altered: its content is not what was written"))
    return damage


@contextmanager
def _index_lock(index_dir: Path) -> Iterator[None]:
    """The lock every writer of ``index_dir`` holds; LockHeld after LOCK_TIMEOUT seconds."""
    lock = FileLock(str(index_dir / ".lock"))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise LockHeld(f"{index_dir}: another run is writing this index (lock {index_dir / '.lock'})") from None
    try:
        yield
    finally:
        lock.release()


def valid_tree(content_dir: Path) -> ContentTree:
    """The content tree; a tree the site build would refuse is refused here too (ArticleInvalid)."""
    tree = load_tree(Path(content_dir))
    if tree.problems:
        raise ArticleInvalid(tree.problems)
    return tree


def content_articles(content_dir: Path) -> list[Article]:
    """The content tree's articles, of a tree the site build would accept."""
    return valid_tree(content_dir).articles


def _writer(ix: whoosh_index.Index, count: int, procs: int | None) -> object:
    """Whoosh's own writer: one process, or one segment per writer process (``search.index_writer``)."""
    procs = procs if procs is not None else (min(2, os.cpu_count() or 1) if count >= PARALLEL_FROM else 1)
    if procs > 1:
        return CheckedMpWriter(ix, procs=procs, batchsize=64, limitmb=WRITER_MB // procs)
    return ix.writer(limitmb=WRITER_MB)


def write_documents(index_dir: Path, documents: Iterable[dict[str, object]], count: int, procs: int | None = None) -> None:
    """Write ``count`` prepared index documents (``search.documents.document``) as a new generation and switch to it.

    The indexer's rebuilds go through here; a benchmark uses it for documents no content tree describes.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    _new_generation(index_dir, current_generation(index_dir), documents, count, procs)


def _write_generation(
    index_dir: Path, live: Path | None, articles: dict[str, Indexed], stamps: dict[str, str], procs: int | None, files: FileTexts,
    cites: Cites,
) -> dict[str, object]:
    """A complete new generation of ``articles``, then the atomic switch, then cleanup of old generations."""
    documents = (document(article, stamps[slug], files, cites) for slug, article in articles.items())
    _new_generation(index_dir, live, documents, len(articles), procs)
    return {"added": len(articles), "updated": 0, "removed": 0, "unchanged": 0, "rebuilt": True}


def _new_generation(index_dir: Path, live: Path | None, documents: Iterable[dict[str, object]], count: int, procs: int | None) -> None:
    number = 1 + max((_generation_number(p) for p in index_dir.glob(f"{GENERATION_PREFIX}*")), default=0)
    target = index_dir / f"{GENERATION_PREFIX}{number}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    ix = whoosh_index.create_in(str(target), build_schema())
    writer = _writer(ix, count, procs)
    try:
        for fields in documents:
            writer.add_document(**fields)
    except BaseException:
        writer.cancel()
        ix.close()
        shutil.rmtree(target, ignore_errors=True)
        raise
    writer.commit()
    ix.close()
    _write_meta(target, count)
    write_atomic(index_dir / POINTER, target.name + "\n")
    keep = {target.name, live.name if live else None}
    for old in index_dir.glob(f"{GENERATION_PREFIX}*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _update_generation(
    live: Path, articles: dict[str, Indexed], stamps: dict[str, str], procs: int | None, files: FileTexts, cites: Cites,
) -> dict[str, object]:
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
                    writer.add_document(**document(articles[slug], stamps[slug], files, cites))
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
    """Record the schema, the document count and every file of the last commit (size, SHA-256)."""
    try:
        old = read_meta(generation)
    except (OSError, ValueError):
        old = {}
    known, recorded = old.get("files") or {}, old.get(QUESTIONS, "")
    commit = _latest_commit(generation)
    segments = {segment.segment_id() for segment in TOC.read(FileStorage(str(generation)), INDEX_NAME).segments}
    files: dict[str, list[object]] = {}
    for path in sorted(generation.iterdir()):
        if path.name != _toc_name(commit) and path.name.split(".", 1)[0] not in segments:
            continue
        size = path.stat().st_size
        old = known.get(path.name)
        # Whoosh never rewrites a segment file (new ones get new names), so a known name and size keeps its hash.
        files[path.name] = [size, old[1] if old and old[0] == size and path.name.split(".", 1)[0] in segments else _sha256(path)]
    meta = {
        "schema": schema_version(), "documents": count, "written": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "commit": commit, "files": files, QUESTIONS: recorded,
    }
    write_json(generation / META, meta, indent=1)


def _latest_commit(generation: Path) -> int:
    """The number of the newest Whoosh commit (TOC file) in a generation, -1 when there is none."""
    numbers = (_TOC_RE.match(path.name) for path in generation.iterdir())
    return max((int(m.group(1)) for m in numbers if m), default=-1)


def _toc_name(commit: int) -> str:
    return f"_{INDEX_NAME}_{commit}.toc"


def _generation_number(path: Path) -> int:
    number = path.name.removeprefix(GENERATION_PREFIX)
    return int(number) if number.isdigit() else 0


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
