"""Whatever the index holds, as index fields and a fingerprint: the archive's articles and the law library's texts.

The indexer and ``search.verify`` treat both kinds alike: a document's id is its
``slug``, it is written from ``document`` and compared by ``fingerprint``.
"""

from __future__ import annotations

from fazhi.article import Article
from search import schema
from search.law_documents import LawDocument, document_fields

Indexed = Article | LawDocument


def fingerprint(item: Indexed) -> str:
    """Changes when anything the index holds of ``item`` changes."""
    return item.fingerprint if isinstance(item, LawDocument) else schema.fingerprint(item)


def document(item: Indexed, stamp: str | None = None) -> dict[str, object]:
    """The index fields of ``item`` (``stamp``: its fingerprint, when already computed)."""
    return document_fields(item) if isinstance(item, LawDocument) else schema.document(item, stamp)
