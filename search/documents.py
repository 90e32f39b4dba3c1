"""Whatever the index holds, as index fields and a fingerprint: the archive's articles, the law library's texts and their articles.

The indexer and ``search.verify`` treat both kinds alike: a document's id is its
``slug``, it is written from ``document`` and compared by ``fingerprint``. An
article's document also holds the text read from its files (``FileTexts``, handed
in as plain data: this layer reads no file and extracts nothing) and the statute
articles it cites (``Cites``): resolved by ``fazhi.law.citations.cited_articles``, the
scanner the site build links citations with, against the laws indexed beside it, to
the version in force on the article's date, so a card's article lists the archive's
articles that cite it as their pages link it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from fazhi.article import Article
from fazhi.file_text import FileText
from fazhi.law.citations import cited_articles
from fazhi.law.library import Library
from search import schema
from search.law_documents import LawDocument, LawIndexed, ProvisionUnit, document_fields, unit_fields, unit_id

Indexed = Article | LawIndexed
# The texts of the articles' files by article path relative to the content root (``cases/2024/slug/index.md``).
FileTexts = Mapping[str, Sequence[FileText]]
NO_FILES: FileTexts = {}
# The statute articles each archive article cites (``cited_key``), by article slug.
Cites = Mapping[str, Sequence[str]]
NO_CITES: Cites = {}


def cited_key(unit: str, version: str) -> str:
    """The index term of the statute article whose unit id is ``unit`` (``search.law_documents.unit_id``) in the version
    keyed ``version``: ``laws/<slug>/#a25@2015-01-01``.

    The version is part of it: an amendment may renumber, and 第六条 of the text an article cited is then another
    article than 第六条 of the text in force.
    """
    return f"{unit}@{version}"


def citations(articles: Iterable[Article], laws: Iterable[LawIndexed], files: FileTexts = NO_FILES) -> dict[str, tuple[str, ...]]:
    """Per article slug, the statute articles its body and file texts cite, among the laws indexed (none without laws)."""
    library = Library(Path(), {law.law.name: law.law for law in laws if isinstance(law, LawDocument)})
    if not library.laws:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for article in articles:
        texts = [part.text for part in schema.searchable(texts_of(article, files))]
        refs = cited_articles(library, article.date.date(), article.body, texts)
        keys = tuple(dict.fromkeys(cited_key(unit_id(ref.law.name, no), ref.version.key) for ref in refs for no in ref.articles))
        if keys:
            found[article.slug] = keys
    return found


def texts_of(item: Indexed, files: FileTexts) -> Sequence[FileText]:
    """The file texts of ``item`` (none for a law or an article unit, or for an article with no path)."""
    if not isinstance(item, Article) or item.path is None:
        return ()
    return files.get(item.path.as_posix(), ())


def fingerprint(item: Indexed, files: FileTexts = NO_FILES, cites: Cites = NO_CITES) -> str:
    """Changes when anything the index holds of ``item`` changes, its file texts and cited articles included."""
    if isinstance(item, Article):
        return schema.fingerprint(item, texts_of(item, files), cites.get(item.slug, ()))
    return item.fingerprint


def document(item: Indexed, stamp: str | None = None, files: FileTexts = NO_FILES, cites: Cites = NO_CITES) -> dict[str, object]:
    """The index fields of ``item`` (``stamp``: its fingerprint, when already computed)."""
    if isinstance(item, LawDocument):
        return document_fields(item)
    if isinstance(item, ProvisionUnit):
        return unit_fields(item)
    return schema.document(item, stamp, texts_of(item, files), cites.get(item.slug, ()))
