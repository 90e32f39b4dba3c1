"""Whoosh's own writers write the index; the multi-process one fails a commit that would lose documents.

Whoosh's ``MpWriter`` commits whatever segments its writer processes handed
over: a process that died takes its documents with it, silently. And its
``cancel`` leaves the processes waiting for work, so the program cannot exit.
``CheckedMpWriter`` fixes both through private members of Whoosh's writer, checked
against the Whoosh release pinned in ``WHOOSH_CHECKED`` (ranking's block reads too).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
from importlib.metadata import version
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.multiproc import MpWriter
from whoosh.writing import IndexingError, SegmentWriter

from search import indexer
from search.index_writer import CheckedMpWriter
from search.ranking import _read_matcher
from search.schema import build_schema, document
from tests.fixtures.search import sample_articles

# The Whoosh release the private members below were read and tested against; another one must be read again.
WHOOSH_CHECKED = "2.7.5"
PRIVATE_MEMBERS = {
    MpWriter: ("_commit", "_enqueue", "_merge_segments", "_added", "_finalize_segment", "_close_segment", "_commit_toc", "_finish"),
    W3LeafMatcher: ("_ids", "_weights", "_read_ids", "_read_weights", "_next_block"),  # search/ranking.py
}


def test_whoosh_is_the_release_our_private_member_uses_were_checked_against() -> None:
    assert version("whoosh-reloaded") == WHOOSH_CHECKED
    for cls, names in PRIVATE_MEMBERS.items():
        # Methods of the class, or attributes its methods set (such as ``self._added``).
        codes = [member.__code__ for klass in cls.__mro__ for member in vars(klass).values() if hasattr(member, "__code__")]
        known = set(dir(cls)) | {name for code in codes for name in code.co_names}
        assert not [name for name in names if name not in known], cls.__name__


def test_rankings_block_reads_give_what_the_matcher_gives_posting_by_posting(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with SegmentWriter(ix) as writer:
        for doc in documents(300):
            writer.add_document(**doc)
    blocks = 0
    with ix.reader() as reader:
        for fieldname, btext in reader.all_terms():
            matcher = reader.postings(fieldname, btext)
            assert type(matcher) is W3LeafMatcher
            ids, tfs = _read_matcher(matcher, 5)
            matcher = reader.postings(fieldname, btext)
            one_by_one = []
            while matcher.is_active():
                one_by_one.append((matcher.id() + 5, matcher.weight()))
                matcher.next()
            assert list(zip(ids.tolist(), tfs.tolist(), strict=True)) == one_by_one, (fieldname, btext)
            blocks = max(blocks, len(ids) // 128)
    assert blocks >= 2  # terms of several posting blocks were read


def documents(count: int = 120) -> list[dict[str, object]]:
    """The sample archive, and copies of it under other slugs up to ``count`` documents."""
    articles = sample_articles()
    more = [dataclasses.replace(articles[n % len(articles)], slug=f"copy-{n}") for n in range(count - len(articles))]
    return [document(article) for article in articles + more]


def snapshot(where: Path) -> dict[str, bytes]:
    """Every file of the index directory with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(where.iterdir()) if path.is_file()}


def indexed(where: Path) -> list[str]:
    ix = whoosh_index.open_dir(str(where))
    with ix.reader() as reader:
        slugs = reader.column_reader("slug")
        found = sorted(slugs[n] for n in reader.all_doc_ids())
    ix.close()
    return found


@pytest.fixture()
def index(tmp_path: Path) -> Path:
    """An index holding the sample archive, written by Whoosh's one-process writer."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with SegmentWriter(ix) as writer:
        for doc in documents(len(sample_articles())):
            writer.add_document(**doc)
    ix.close()
    return tmp_path


def started_writer(where: Path, docs: list[dict[str, object]]) -> CheckedMpWriter:
    """A two-process writer that has been given ``docs``, both of its processes started."""
    writer = CheckedMpWriter(whoosh_index.open_dir(str(where)), procs=2, batchsize=4, limitmb=32)
    for doc in docs:
        writer.add_document(**doc)
    assert len(writer.tasks) == 2
    return writer


def end_processes(writer: MpWriter) -> None:
    """Leave no writer process behind, whatever the writer did."""
    for task in writer.tasks:
        if task.is_alive():
            task.kill()
        task.join()


def test_all_processes_done_commits_every_document_one_segment_each(index: Path) -> None:
    before = indexed(index)
    docs = documents()
    writer = started_writer(index, docs[len(before):])
    writer.commit(merge=False)
    assert indexed(index) == sorted(str(doc["slug"]) for doc in docs)
    with whoosh_index.open_dir(str(index)).reader() as reader:
        assert len(list(reader.leaf_readers())) == 3  # the old segment and one from each writer process
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("how", ["killed", "failed"])
def test_a_writer_process_that_dies_fails_the_commit_and_the_index_is_unchanged(index: Path, how: str) -> None:
    before, files = indexed(index), snapshot(index)
    docs = documents()[len(before):]
    if how == "failed":
        docs[-1] = docs[-1] | {"body": 42}  # a writer process raises on it and ends
    writer = started_writer(index, docs)
    try:
        if how == "killed":
            assert writer.tasks[0].is_alive()
            os.kill(writer.tasks[0].pid, signal.SIGKILL)
        with pytest.raises(IndexingError, match="writer process"):
            writer.commit()
    finally:
        end_processes(writer)
    assert snapshot(index) == files
    assert indexed(index) == before
    assert not multiprocessing.active_children()
    # Whoosh's lock was let go: the next writer commits.
    with SegmentWriter(whoosh_index.open_dir(str(index))) as after:
        after.add_document(**documents()[-1])
    assert indexed(index) == sorted([*before, str(documents()[-1]["slug"])])


def test_cancelling_ends_the_writer_processes_and_leaves_the_index_as_it_was(index: Path) -> None:
    before, files = indexed(index), snapshot(index)
    writer = started_writer(index, documents()[len(before):])
    try:
        writer.cancel()
        assert not any(task.is_alive() for task in writer.tasks)
        assert not multiprocessing.active_children()
    finally:
        end_processes(writer)
    assert snapshot(index) == files
    assert indexed(index) == before


def test_the_indexer_writes_with_whooshs_writers(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    one = indexer._writer(ix, 10, None)
    assert type(one) is SegmentWriter
    one.cancel()
    many = indexer._writer(ix, 10, 2)
    assert type(many) is CheckedMpWriter
    many.cancel()
