"""The grouped-postings writer writes what Whoosh's own writer writes, and Whoosh reads it as its own.

The same documents and the same sequence of commits (incremental additions,
deletions, Whoosh's small-segment merges, an optimize through the writer) go
through Whoosh's stock ``SegmentWriter`` and through ``GroupedSegmentWriter``:
every file of every segment must be byte for byte the same, segment names
aside. The multi-process writer splits documents between processes as they
come, so its index is compared by content: every field's terms with their
postings (document, weight, positions), stored fields, lengths and columns,
before and after Whoosh's own ``optimize`` rewrites it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import IndexingError, SegmentWriter

from fazhi.article import Article
from search import indexer
from search.grouped_writer import GroupedMpWriter, GroupedSegmentWriter
from search.schema import build_schema, document
from tests.fixtures.search import sample_articles

Writer = Callable[[whoosh_index.Index], SegmentWriter]
_WORDS = ("执法", "检查", "企业", "排放", "整改", "处罚", "环境", "监测", "固体废物", "大气污染", "水污染", "噪声", "许可证", "听证")


def varied_articles(count: int = 300) -> list[Article]:
    """The sample archive and generated documents: words in 129+ documents (several posting blocks), ASCII, empty bodies."""
    articles = sample_articles()
    for n in range(count - len(articles)):
        words = [_WORDS[(n * 7 + k * 3) % len(_WORDS)] for k in range(1 + n % 9)]
        body = "，".join(words) * (1 + n % 5) + f"。第{n}号记录。"
        if n % 11 == 0:
            body = f"GB 3095-2012 PM2.5 limit {n} mg/m3; Case No. {n}, see Article {n % 40}."
        if n % 17 == 0:
            body = ""
        articles.append(Article(
            title=f"{words[0]}情况通报第{n}号" if n % 13 else f"Notice {n}", date=dt.datetime(2015 + n % 9, 1 + n % 12, 1 + n % 28),
            column=("cases", "summaries", "interpretations")[n % 3], slug=f"doc-{n}", source="执法局" if n % 4 else "",
            body=body, laws=("大气污染防治法",) if n % 5 == 0 else (),
        ))
    return articles


def segment_files(where: Path) -> list[dict[str, bytes]]:
    """Each segment of the latest commit, in order: its files (inside the compound file) with the segment id blanked."""
    storage = FileStorage(str(where))
    ix = whoosh_index.open_dir(str(where))
    segments = []
    for segment in ix._segments():
        sid = segment.segment_id()
        files = segment.open_compound_file(storage) if segment.is_compound() else storage
        segments.append({
            name.replace(sid, "SEG"): files.open_file(name).read().replace(sid.encode(), b"SEG")
            for name in files.list() if sid in name
        } | {"deleted": repr(sorted(segment.deleted_docs())).encode(), "count": str(segment.doc_count_all()).encode()})
    ix.close()
    return segments


def build_sequence(where: Path, writer: Writer, articles: list[Article]) -> list[list[dict[str, bytes]]]:
    """A first commit, small commits with deletions and merges, then an optimize; the segments after each commit."""
    docs = [document(a) for a in articles]
    where.mkdir()
    ix = whoosh_index.create_in(str(where), build_schema())
    states = []
    batches = [docs[:150]] + [docs[150 + 12 * k:150 + 12 * (k + 1)] for k in range(8)] + [docs[246:]]
    for step, batch in enumerate(batches):
        w = writer(ix)
        if step >= 2:
            w.delete_document(step * 13)
        for doc in batch:
            w.add_document(**doc)
        w.commit(merge=step % 3 != 1)
        states.append(segment_files(where))
    w = writer(ix)
    w.commit(optimize=True)
    states.append(segment_files(where))
    ix.close()
    return states


def test_the_grouped_writer_writes_the_same_bytes_as_whooshs_writer(tmp_path: Path) -> None:
    articles = varied_articles()
    stock = build_sequence(tmp_path / "stock", SegmentWriter, articles)
    grouped = build_sequence(tmp_path / "grouped", GroupedSegmentWriter, articles)
    assert [len(state) for state in grouped] == [len(state) for state in stock]
    # Whoosh merged small segments along the way (its merges feed the writer too), and deletions were kept.
    assert min(len(state) for state in stock[2:-1]) < max(len(state) for state in stock)
    assert len(stock[-1]) == 1
    for step, (want, got) in enumerate(zip(stock, grouped, strict=True)):
        for n, (want_files, got_files) in enumerate(zip(want, got, strict=True)):
            assert sorted(got_files) == sorted(want_files), (step, n)
            different = [name for name in want_files if got_files[name] != want_files[name]]
            assert not different, f"commit {step}, segment {n}: {different} differ"


def index_content(where: Path, statistics: bool = True) -> dict[str, object]:
    """Everything a reader sees, keyed by slug instead of document number (term statistics count deleted documents too)."""
    schema = build_schema()
    ix = whoosh_index.open_dir(str(where))
    with ix.reader() as reader:
        slugs = reader.column_reader("slug")
        live = {n: slugs[n] for n in reader.all_doc_ids()}
        postings: dict[tuple[str, bytes], object] = {}
        for fieldname, btext in reader.all_terms():
            matcher = reader.postings(fieldname, btext)
            found = set()
            while matcher.is_active():
                found.add((live[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            if found:
                stats = (reader.doc_frequency(fieldname, btext), reader.frequency(fieldname, btext)) if statistics else ()
                postings[fieldname, btext] = (found, *stats)
        content: dict[str, object] = {
            "postings": postings,
            "stored": {slug: reader.stored_fields(n) for n, slug in live.items()},
            "lengths": {(f, slug): reader.doc_field_length(n, f) for n, slug in live.items() for f in schema.scorable_names()},
            "totals": {f: reader.field_length(f) for f in schema.scorable_names()} if statistics else {},
            "columns": {
                (f, live[offset + n]): leaf.column_reader(f)[n]
                for leaf, offset in reader.leaf_readers() for f in schema.names() if schema[f].column_type and leaf.has_column(f)
                for n in leaf.all_doc_ids()
            },
        }
    ix.close()
    return content


def stock_and_empty(tmp_path: Path, docs: list[dict[str, object]]) -> tuple[whoosh_index.Index, whoosh_index.Index]:
    """An index of ``docs`` written by Whoosh's writer in one commit (tmp_path/stock), and an empty one (tmp_path/mp)."""
    (tmp_path / "stock").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "stock"), build_schema())
    with SegmentWriter(ix) as w:
        for doc in docs:
            w.add_document(**doc)
    (tmp_path / "mp").mkdir()
    return ix, whoosh_index.create_in(str(tmp_path / "mp"), build_schema())


def test_the_multi_process_writer_holds_the_same_index_and_whooshs_optimize_reads_it(tmp_path: Path) -> None:
    docs = [document(a) for a in varied_articles(200)]
    ix, mp = stock_and_empty(tmp_path, docs)
    writer = GroupedMpWriter(mp, procs=2, batchsize=16)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    assert len(mp._segments()) == 2  # one segment per process
    want = index_content(tmp_path / "stock")
    assert index_content(tmp_path / "mp") == want
    # Whoosh's own writer reads every posting back and rewrites one segment (its merge sums the lengths as
    # stored, one byte each, so the field totals are compared with Whoosh's optimize of its own index).
    mp.optimize()
    ix.optimize()
    assert len(mp._segments()) == 1
    assert index_content(tmp_path / "mp") == index_content(tmp_path / "stock")


def test_the_multi_process_writer_merges_older_segments_itself(tmp_path: Path) -> None:
    """A second multi-process commit that optimizes: the parent writes the older segments' postings as one segment."""
    docs = [document(a) for a in varied_articles(160)]
    _, mp = stock_and_empty(tmp_path, docs)
    for part, optimize in ((docs[:100], False), (docs[100:], True)):
        writer = GroupedMpWriter(mp, procs=2, batchsize=8)
        for doc in part:
            writer.add_document(**doc)
        writer.commit(optimize=optimize)
    assert len(mp._segments()) == 3  # the merged older two, and one from each process
    assert index_content(tmp_path / "mp", statistics=False) == index_content(tmp_path / "stock", statistics=False)


def test_a_writer_process_that_fails_fails_the_commit(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = GroupedMpWriter(ix, procs=2, batchsize=4)
    for article in sample_articles():
        writer.add_document(**document(article))
    writer.add_document(**(document(sample_articles()[0]) | {"slug": "broken", "body": 42}))  # fails in a writer process
    with pytest.raises(IndexingError, match="writer processes failed"):
        writer.commit()
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 0  # nothing half-committed


def test_cancelling_ends_the_writer_processes(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    writer = GroupedMpWriter(ix, procs=2, batchsize=2)
    for article in sample_articles():
        writer.add_document(**document(article))
    assert writer.tasks and any(task.is_alive() for task in writer.tasks)
    writer.cancel()
    assert not any(task.is_alive() for task in writer.tasks)
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 0


def test_the_indexer_writes_with_the_grouped_writers(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    one, many = indexer._writer(ix, 10, None), None
    assert type(one) is GroupedSegmentWriter
    one.cancel()
    many = indexer._writer(ix, 10, 2)
    assert type(many) is GroupedMpWriter
    many.cancel()


def test_a_changed_article_moves_its_postings(tmp_path: Path) -> None:
    """An update deletes the old document and adds the new one: the index holds only the new text."""
    articles = varied_articles(40)
    changed = dataclasses.replace(articles[3], body="全新的正文：噪声监测。")
    (tmp_path / "a").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "a"), build_schema())
    with GroupedSegmentWriter(ix) as w:
        for article in articles:
            w.add_document(**document(article))
    with GroupedSegmentWriter(ix) as w:
        w.delete_document(3)
        w.add_document(**document(changed))
    (tmp_path / "b").mkdir()
    fresh = whoosh_index.create_in(str(tmp_path / "b"), build_schema())
    with SegmentWriter(fresh) as w:
        for article in [*articles[:3], changed, *articles[4:]]:
            w.add_document(**document(article))
    assert index_content(tmp_path / "a", statistics=False) == index_content(tmp_path / "b", statistics=False)
