"""Whatever the index holds, as index fields and a fingerprint: the archive's articles, the law library's texts and their articles.

The indexer and ``search.verify`` treat both kinds alike: a document's id is its
``slug``, it is written from ``document`` and compared by ``fingerprint``. An
article's document also holds the text read from its files (``FileTexts``, handed
in as plain data: this layer reads no file and extracts nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fazhi.article import Article
from fazhi.file_text import FileText
from search import schema
from search.law_documents import LawDocument, LawIndexed, ProvisionUnit, document_fields, unit_fields

Indexed = Article | LawIndexed
# The texts of the articles' files by article path relative to the content root (``cases/2024/slug/index.md``).
FileTexts = Mapping[str, Sequence[FileText]]
NO_FILES: FileTexts = {}


def texts_of(item: Indexed, files: FileTexts) -> Sequence[FileText]:
    """The file texts of ``item`` (none for a law or an article unit, or for an article with no path)."""
    if not isinstance(item, Article) or item.path is None:
        return ()
    return files.get(item.path.as_posix(), ())


def fingerprint(item: Indexed, files: FileTexts = NO_FILES) -> str:
    """Changes when anything the index holds of ``item`` changes, its file texts included."""
    return schema.fingerprint(item, texts_of(item, files)) if isinstance(item, Article) else item.fingerprint


def document(item: Indexed, stamp: str | None = None, files: FileTexts = NO_FILES) -> dict[str, object]:
    """The index fields of ``item`` (``stamp``: its fingerprint, when already computed)."""
    if isinstance(item, LawDocument):
        return document_fields(item)
    if isinstance(item, ProvisionUnit):
        return unit_fields(item)
    return schema.document(item, stamp, texts_of(item, files))
