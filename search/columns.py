"""Every document's value of a sortable field, read segment by segment.

Whoosh's ``MultiReader.column_reader`` leaves out the segments that have no
column for a field (no document of the segment has a value), and then answers
the following segments' documents from the wrong places. An index holding two
kinds of document has such segments: an update that writes only laws makes a
segment without a ``column`` or ``source`` column. Each segment's own reader
answers its default for a column it lacks, so reading them one by one is right.
"""

from __future__ import annotations

from typing import Any


def column_values(reader: Any, name: str, default: Any = None, translate: bool = True) -> list[Any]:
    """The value of field ``name`` for every document number of ``reader`` (``default`` where a segment has none).

    An index written before the field existed (an older schema, served until the nightly job rebuilds it)
    answers ``default`` for every document.
    """
    if name not in reader.schema:
        return [default] * reader.doc_count_all()
    values: list[Any] = []
    for segment, offset in reader.leaf_readers():
        values.extend([default] * (offset - len(values)))
        if segment.has_column(name):
            values.extend(segment.column_reader(name, translate=translate))
        else:
            values.extend([default] * segment.doc_count_all())
    return values
