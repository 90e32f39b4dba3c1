"""Whoosh's segment writer with each segment's postings grouped by term as documents arrive.

Whoosh's ``SegmentWriter`` turns every posting into a tuple (field, term,
document, weight, value) in a sorting pool, sorts them all at commit (spilling
runs to temporary files when the pool is full), then looks up the field length
of every posting's document while writing it. For the law library that is 8.7
million tuples, the largest share of the build.

Here a segment keeps field -> term -> [(document, weight, value)] instead,
appended in document order, so the commit sorts only the terms, and reads each
document's field length once from the segment's length column (as the stock
writer reads it per posting). Each term's bytes are then made in one piece:
its blocks of 128 postings (statistics, pickled and zlib-compressed exactly as
``W3PostingsWriter`` makes them) and its ``W3TermInfo`` entry, added to
Whoosh's own term table. Everything else (stored fields, columns, lengths,
deletions, merges of older segments, the compound file, the TOC) is Whoosh's
code. The files are byte for byte what Whoosh's writer writes for the same
documents and commits (tests/search/test_grouped_writer.py compares every
segment file), so Whoosh's merge, ``optimize`` and readers take them as their
own: the on-disk format is Whoosh's stock W3 (whoosh-reloaded 2.7.5, pinned;
the test catches a release that writes differently).

``GroupedMpWriter`` is Whoosh's multi-process writer (one segment per
process) whose processes use this writer, and which fails the commit when a
writer process did not deliver its segment instead of committing without it.
"""

from __future__ import annotations

import gc
import zlib
from array import array
from collections.abc import Iterator
from itertools import pairwise
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3PostingsWriter, W3TermInfo
from whoosh.compat import queue
from whoosh.fields import FieldType
from whoosh.filedb import filetables
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import IndexingError, SegmentWriter

# One posting of a term: (document number, weight, encoded value).
Posting = tuple[int, float, bytes | None]
_TERM_INFO = W3TermInfo._struct.pack
_KEY_VALUE_LENGTHS = filetables._lengths.pack


class TermPostings:
    """The postings of one segment, field -> term bytes -> [(document, weight, value)]; in place of Whoosh's pool.

    Documents are numbered in the order they are added and a merged segment's
    documents come after them, so each term's postings stay in document order;
    ``ordered`` turns False when that may not hold (a document failed half-way
    and its number is used again), and the commit then sorts as Whoosh's pool would.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, list[Posting]]] = {}
        self.fieldnames: set[str] = set()  # read by Whoosh's multi-process writer, as from its pool
        self.ordered = True

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting as Whoosh's pool takes it (documents of a merged segment arrive this way)."""
        fieldname, btext, docnum, weight, vbytes = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        if docnum == -1:  # Whoosh's marker for a spelling-only word: the field is started, nothing is written
            return
        postings = terms.get(btext)
        if postings is None:
            postings = terms[btext] = []
        elif postings[-1][0] >= docnum:
            self.ordered = False
        postings.append((docnum, weight, vbytes))

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        """Every posting sorted as Whoosh's pool yields them (field, term, document)."""
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                for docnum, weight, vbytes in _in_order(terms[btext]):
                    yield fieldname, btext, docnum, weight, vbytes

    def cleanup(self) -> None:
        self.fields.clear()


class GroupedSegmentWriter(SegmentWriter):
    """``SegmentWriter`` whose postings are grouped by term as they come (see the module docstring)."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool = TermPostings()

    def add_document(self, **fields: Any) -> None:
        # Whoosh's SegmentWriter.add_document, with each field's terms appended to their term's postings.
        self._check_state()
        schema, perdocwriter, pool, docnum = self.schema, self.perdocwriter, self.pool, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                if field.separate_spelling():
                    raise IndexingError(f"field {fieldname!r}: separate spelling words are not written by this writer")
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    length = _add_terms(pool, fieldname, field, value, docnum, boost)
                if field.vector:
                    items = field.vector.word_values(value, field.analyzer, mode="index")
                    perdocwriter.add_vector_items(fieldname, field, sorted((text, weight, vbytes) for text, _, weight, vbytes in items))
                custom = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, custom if field.stored else None, length)
                if field.column_type and custom is not None:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(custom))
        except Exception:
            perdocwriter.cancel_doc()
            pool.ordered = False  # the postings it left share their number with the next document
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        flush_grouped(self)


def flush_grouped(writer: SegmentWriter) -> None:
    """What ``SegmentWriter._flush_segment`` does, for a writer whose pool is a ``TermPostings``."""
    writer.perdocwriter.close()
    lengths = writer.per_document_reader() if writer.codec.length_stats else None
    if type(writer.fieldwriter) is W3FieldWriter:
        write_grouped(writer.fieldwriter, writer.schema, writer.pool, lengths, writer.docnum)
    else:  # another codec: its own per-posting path
        writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
    writer.fieldwriter.close()
    if lengths is not None:
        lengths.close()


def _add_terms(pool: TermPostings, fieldname: str, field: Any, value: Any, docnum: int, boost: float) -> int:
    """Append one document's terms of one field to the pool; returns the field length (0 when not scorable)."""
    if type(field).index is FieldType.index:
        # FieldType.index encodes the format's words as UTF-8; done here without a generator per posting.
        if not field.format:
            raise ValueError(f"{type(field).__name__} field {fieldname!r} cannot index without a format")
        if not isinstance(value, (str, list, tuple)):
            raise ValueError(f"{value!r} is not unicode or sequence")
        items = field.format.word_values(value, field.analyzer, mode="index")
        encode = True
    else:
        items = field.index(value)
        encode = False
    terms = pool.fields.get(fieldname)
    new = terms is None
    if new:
        terms = {}
    length = 0
    # Values stay as the format gives them: the commit drops empty ones (and None) as the postings writer does.
    for text, freq, weight, vbytes in items:
        key = text.encode() if encode else text
        postings = terms.get(key)
        if postings is None:
            terms[key] = [(docnum, weight * boost, vbytes)]
        else:
            postings.append((docnum, weight * boost, vbytes))
        length += freq
    if new and terms:  # a field without postings is never started, as in the stock writer
        pool.fields[fieldname] = terms
        pool.fieldnames.add(fieldname)
    return length if field.scorable else 0


def write_grouped(fieldwriter: W3FieldWriter, schema: Any, pool: TermPostings, lengths: Any, doccount: int) -> None:
    """Write the pool through the W3 field writer: fields and terms sorted, each term's postings in one piece.

    Each term's bytes in the postings file and its entry in the term table are
    what ``W3PostingsWriter`` and ``W3TermInfo`` make of the same postings fed
    one at a time (blocks of ``blocklimit``, block statistics, pickling,
    compression); the term table itself is Whoosh's writer.
    """
    for fieldname in sorted(pool.fields):
        terms = pool.fields[fieldname]
        fieldwriter.start_field(fieldname, schema[fieldname])
        if terms:
            postwriter = fieldwriter._postwriter
            assert type(postwriter) is W3PostingsWriter, postwriter
            # The length the stock writer passes with each posting: the segment's length column, per document.
            field_length = lengths.doc_field_length if lengths is not None else None
            known = [field_length(n, fieldname) if field_length else 0 for n in range(doccount)]
            blocks = _BlockWriter(postwriter, schema[fieldname].format, known)
            table = _TermTable(fieldwriter._tindex, pack_ushort(fieldwriter._fieldid))
            postfile = fieldwriter._postfile
            offset = postfile.tell()
            for btext in sorted(terms):
                postings = terms[btext]
                if not pool.ordered and not _increasing(postings):
                    postings = _in_order(postings)
                data, info = blocks.term(postings, offset)
                postfile.write(data)
                offset += len(data)
                table.add(btext, info)
            table.close()
        fieldwriter.finish_field()


class _TermTable:
    """``OrderedHashWriter.add`` for one field's terms, keeping the file position instead of asking for it."""

    def __init__(self, tindex: OrderedHashWriter, prefix: bytes):
        self.tindex, self.prefix = tindex, prefix
        self.position = tindex.dbfile.tell()
        self.lastkey = tindex.lastkey

    def add(self, btext: bytes, value: bytes) -> None:
        key = self.prefix + btext
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        tindex, position = self.tindex, self.position
        tindex.index.append(position)
        record = _KEY_VALUE_LENGTHS(len(key), len(value)) + key + value
        tindex.dbfile.write(record)
        self.position = position + len(record)
        digest = tindex.hashfn(key)
        tindex.buckets[digest & 255].append((digest, position))
        self.lastkey = key

    def close(self) -> None:
        self.tindex.lastkey = self.lastkey


class _BlockWriter:
    """The bytes ``W3PostingsWriter`` writes for one term's postings, and its ``W3TermInfo`` entry."""

    def __init__(self, postwriter: W3PostingsWriter, format_: Any, known: list[Any]):
        self.limit = postwriter._blocklimit
        self.compression = postwriter._compression
        self.fixed = format_.fixed_value_size()
        self.known = known

    def term(self, postings: list[Posting], offset: int) -> tuple[bytes, bytes]:
        """(postings file bytes starting at ``offset``, term table value) of one term."""
        limit, known, compression = self.limit, self.known, self.compression
        count = len(postings)
        if count == 1:
            return self._single(postings[0], offset)
        chunks = (postings,) if count <= limit else [postings[start:start + limit] for start in range(0, count, limit)]
        last = len(chunks) - 1
        parts = [WHOOSH3_HEADER_MAGIC]
        weight, minlength, maxlength, maxweight = 0, None, 0, 0
        for n, chunk in enumerate(chunks):
            docs, raw, values = zip(*chunk, strict=True)
            weights = array("f", raw)
            # What add_posting keeps: the first strictly largest weight over 0, only non-empty values and lengths.
            heaviest = max(raw)
            block_weight = heaviest if heaviest > 0 else 0
            lengths = list(map(known.__getitem__, docs))
            if not all(lengths):
                lengths = [length for length in lengths if length]
            block_min = min(lengths) if lengths else None
            block_max = max(lengths) if lengths else 0
            # W3TermInfo.add_block
            weight += sum(weights)
            minlength = block_min if minlength is None else min(minlength, block_min)
            maxlength = max(maxlength, block_max)
            maxweight = max(maxweight, block_weight)
            # W3PostingsWriter._write_block
            data = dumps((_deltas(docs), _mini_weights(weights), self._mini_values(values)), 2)
            if compression:
                data = zlib.compress(data, compression)
            info = dumps((len(docs), docs[-1], block_weight, compression, length_to_byte(block_min), length_to_byte(block_max)), 2)
            size = len(info) + len(data)
            parts += (pack_int(-size if n == last else size), info, data)
        data = b"".join(parts)
        lowest = 0 if minlength is None else length_to_byte(minlength)
        entry = _TERM_INFO(False, weight, count, lowest, length_to_byte(maxlength), maxweight, postings[0][0], postings[-1][0])
        return data, entry + pack_long(offset) + pack_int(len(data))

    def _single(self, posting: Posting, offset: int) -> tuple[bytes, bytes]:
        """``term`` for a term in one document (half the terms): one block, the same bytes with less work."""
        docnum, raw, value = posting
        weight = array("f", (raw,))[0]
        block_weight = raw if raw > 0 else 0
        length = self.known[docnum]
        lowest = length_to_byte(length) if length else 0
        data = dumps(((docnum,), None if weight == 1.0 else weight, self._mini_values((value,))), 2)
        if self.compression:
            data = zlib.compress(data, self.compression)
        info = dumps((1, docnum, block_weight, self.compression, lowest, lowest), 2)
        data = b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-len(info) - len(data)), info, data))
        entry = _TERM_INFO(False, weight, 1, lowest, lowest, block_weight, docnum, docnum)
        return data, entry + pack_long(offset) + pack_int(len(data))

    def _mini_values(self, values: tuple[bytes, ...]) -> object:
        kept = values if all(values) else tuple(v for v in values if v)
        if self.fixed is None or self.fixed < 0:
            return kept
        return None if self.fixed == 0 else b"".join(kept)


def _deltas(docs: tuple[int, ...]) -> tuple[int, ...]:
    return (docs[0], *map(int.__sub__, docs[1:], docs))


def _mini_weights(weights: array) -> object:  # type: ignore[type-arg]
    """``W3PostingsWriter._mini_weights``: None when all are 1.0, one number when all are equal (``count`` compares with ==)."""
    count = len(weights)
    if weights.count(1.0) == count:
        return None
    first = weights[0]
    return first if weights.count(first) == count else tuple(weights)


def _increasing(postings: list[Posting]) -> bool:
    return all(a[0] < b[0] for a, b in pairwise(postings))


def _in_order(postings: list[Posting]) -> list[Posting]:
    """A term's postings sorted as Whoosh's pool sorts them (document, then weight, then value)."""
    return sorted(postings)


class GroupedSubWriterTask(SubWriterTask):
    """Whoosh's writer process, writing its segment with ``GroupedSegmentWriter``."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = GroupedSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
            gc.freeze()  # the postings so far live until the commit: later collections need not walk them again
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


class GroupedMpWriter(MpWriter):
    """Whoosh's multi-process writer, one segment per process (``multisegment``), grouped postings throughout.

    Unlike Whoosh's, the commit fails when a writer process did not hand over its
    segment (it crashed, or was killed): a commit without it would lose its documents;
    and ``cancel`` ends the writer processes, which Whoosh's leaves waiting for work
    (the program then cannot exit).
    """

    def __init__(self, ix: Any, procs: int, batchsize: int = 100, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=batchsize, multisegment=True, **kwargs)
        self.pool = TermPostings()

    def _new_task(self) -> SubWriterTask:
        task = GroupedSubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task

    def _flush_segment(self) -> None:
        flush_grouped(self)

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()  # what it wrote is in no commit: Whoosh deletes such files at the next one
            task.join()
        SegmentWriter.cancel(self)

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        segments = self._segments()
        for task in self.tasks:
            task.join()
        failed = [task.exitcode for task in self.tasks if task.exitcode != 0]
        if failed or len(segments) != len(self.tasks):
            self.cancel()
            raise IndexingError(f"{len(self.tasks) - len(segments)} of {len(self.tasks)} writer processes failed (exit codes {failed})")
        finalsegments += segments
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def _segments(self) -> list[Any]:
        """The segment each writer process hands over when it is done; fewer when a process died first."""
        segments: list[Any] = []
        while len(segments) < len(self.tasks):
            try:
                segments.append(self.resultqueue.get(timeout=1.0)[2])
            except queue.Empty:
                if any(task.is_alive() for task in self.tasks):
                    continue
                try:  # every process has ended: what one handed over just before is in the queue by now
                    while len(segments) < len(self.tasks):
                        segments.append(self.resultqueue.get(timeout=0.5)[2])
                except queue.Empty:
                    break
        return segments
