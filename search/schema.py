"""The index fields, and how an ``Article`` becomes one index document.

Text is indexed twice: as words (title, body: ranking, phrases, highlighting)
and as character bigrams (title_bigram, body_bigram: recall of words inside
words and of words the dictionary does not know). Boosts are applied at query
time, so tuning them never needs a rebuild. Filter and facet fields are
sortable, so the query side reads them as columns instead of stored documents;
so are the text lengths in characters, which BM25 normalises by.

Postings are written in Whoosh's stock W3 format by its stock codec, so its
segment merges and ``optimize`` read them back; the formats below only compute
the same postings faster (tests/search/test_index_sequence.py runs the merges).

``schema_version()`` names both this layout and the analysis; the indexer
rebuilds when the version stored beside an index differs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from fazhi.article import Article, body_hash
from fazhi.file_text import FileText
from search.analysis import analysis_version, bigram_analyzer, word_analyzer

# Bump with any change to the fields below, to ``document()`` or to how postings are written.
# 4: Whoosh's stock W3 codec again (3 inlined short posting lists, which Whoosh's segment merge cannot read).
# 5: ``kind`` (articles / laws) and ``level`` (a law's place in the hierarchy of norms, fazhi.law.levels).
# 6: the text inside an article's files (``files``, ``files_bigram``, ``files_len``, ``file_parts``).
# 7: ``jurisdiction`` (the province a local regulation or rule belongs to, fazhi.law.regions).
# 8: statute articles as units of kind ``provisions`` (``unit_*`` fields, ``law_id``, ``repealed``, ``unit``).
# 9: per archive article, the statute articles it cites (``cites``: ``search.documents.cited_key``).
# 10: fingerprints, lengths, ``year``, ``repealed`` and ``law_id`` as columns only (``ColumnNumber``, ``ColumnID``).
SCHEMA_VERSION = 10
# The kinds of document: the archive's own articles, and the texts of the law library; and the law library's
# articles as units (``search.law_documents.ProvisionUnit``), searched only when asked for.
KINDS = ("articles", "laws", "provisions")
LAW_SEPARATOR = ","

# Markdown syntax that is not text: removed or reduced to its visible words before indexing. Each rule
# runs only when its trigger occurs in the text (most bodies are plain paragraphs).
_MARKDOWN = (
    (("<!--",), re.compile(r"<!--.*?-->", re.S), " "),
    (("```", "~~~"), re.compile(r"^\s*(```|~~~).*$", re.M), " "),
    (("![",), re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (("](",), re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (("][",), re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),
    (("]:",), re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M), " "),
    (("<",), re.compile(r"<[^>\n]+>"), " "),
    (("#", ">", "- ", "* ", "+ ", ". ", ") "), re.compile(r"^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+", re.M), ""),
    (("---",), re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M), " "),
    (("--", "**", "__", "* *", "- -", "_ _"), re.compile(r"^\s*([-*_]\s*){3,}$", re.M), " "),
    (("*", "__", "~~", "`"), re.compile(r"(\*{1,3}|_{2,3}|~~|`+)"), ""),
    (("|",), re.compile(r"\s*\|\s*"), " "),
    (("&",), re.compile(r"&(nbsp|ensp|emsp);"), " "),
    (("  ", "\t"), re.compile(r"[ \t]+"), " "),
    (("\n\n", "\n ", "\n\t"), re.compile(r"\n\s*\n+"), "\n"),
)


def schema_version() -> str:
    """The layout and analysis an index is built with."""
    return f"s{SCHEMA_VERSION}-{analysis_version()}"


class FastPositions(Positions):
    """Positions postings, taken from the analyzer's ``index_positions`` when it offers one.

    Same postings as the token stream (tests/search/test_analysis.py checks it),
    without a Token object per word: most of the indexing time otherwise.
    """

    def word_values(self, value: str, analyzer: object, **kwargs: object):  # type: ignore[no-untyped-def]
        fast = getattr(analyzer, "index_positions", None)
        if fast is None or kwargs.get("mode") != "index":
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for text, positions in fast(value).items():
            yield text, len(positions), len(positions) * boost, self.encode(positions)


class FastFrequency(Frequency):
    """Frequency postings from the analyzer's ``index_counts`` (same counts as the token stream, much faster)."""

    def word_values(self, value: str, analyzer: object, **kwargs: object):  # type: ignore[no-untyped-def]
        fast = getattr(analyzer, "index_counts", None)
        if fast is None or kwargs.get("mode") != "index":
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for text, count in fast(value).items():
            yield text, count, count * boost, pack_uint(count)


class ColumnNumber(NUMERIC):
    """A number read only as a column (a text length for BM25, the year facet, the repealed flag), never as terms.

    No query looks these terms up, and Whoosh indexes a number as eight tiered
    terms: for an article unit they were a tenth of its postings.
    """

    indexed = False


class ColumnID(ID):
    """An id read only as a column (a fingerprint compared by the indexer, a unit's law): no query looks its term up."""

    indexed = False


def _text(analyzer: object, stored: bool = False, positions: bool = True) -> TEXT:
    field = TEXT(analyzer=analyzer, stored=stored, phrase=positions)
    field.format = FastPositions() if positions else FastFrequency()
    return field


def build_schema() -> Schema:
    words, bigrams = word_analyzer(), bigram_analyzer()
    return Schema(
        slug=ID(stored=True, unique=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        jurisdiction=ID(stored=True, sortable=True),
        fingerprint=ColumnID(sortable=True),
        title=_text(words, stored=True),
        title_bigram=_text(bigrams, positions=False),
        body=_text(words, stored=True),
        body_bigram=_text(bigrams, positions=False),
        column=ID(stored=True, sortable=True),
        date=DATETIME(stored=True, sortable=True),
        year=ColumnNumber(int, stored=True, sortable=True),
        title_len=ColumnNumber(int, sortable=True),
        body_len=ColumnNumber(int, sortable=True),
        files=_text(words),
        files_bigram=_text(bigrams, positions=False),
        files_len=ColumnNumber(int, sortable=True),
        file_parts=STORED,
        source=ID(stored=True, sortable=True),
        laws=KEYWORD(stored=True, commas=True, scorable=False),
        cites=KEYWORD(commas=True, scorable=False),
        url=STORED,
        date_text=STORED,
        # statute article units only (kind ``provisions``): fields of their own, so their statistics are their own
        law_id=ColumnID(sortable=True),
        repealed=ColumnNumber(int, sortable=True),
        unit_title=_text(words),
        unit_title_bigram=_text(bigrams, positions=False),
        unit_text=_text(words),
        unit_text_bigram=_text(bigrams, positions=False),
        unit_questions=_text(words),
        unit_questions_bigram=_text(bigrams, positions=False),
        unit_title_len=ColumnNumber(int, sortable=True),
        unit_text_len=ColumnNumber(int, sortable=True),
        unit_questions_len=ColumnNumber(int, sortable=True),
        unit=STORED,
    )


def plain_text(markdown: str) -> str:
    """The readable text of a Markdown body: links and images reduced to their words, markup dropped."""
    text = markdown
    for triggers, pattern, replacement in _MARKDOWN:
        if any(trigger in text for trigger in triggers):
            text = pattern.sub(replacement, text)
    return text.strip()


def searchable(files: Sequence[FileText]) -> list[FileText]:
    """The file texts worth indexing: read without trouble and not empty."""
    return [part for part in files if part.status == "ok" and part.text.strip()]


def fingerprint(article: Article, files: Sequence[FileText] = (), cites: Sequence[str] = ()) -> str:
    """Changes when anything the index holds of the article changes (cited laws follow from laws, title, body and file texts).

    ``files``: the texts read from the article's files; an article without any keeps the fingerprint it always had.
    ``cites``: the statute articles it cites, as resolved against the law library (which may change without the article).
    """
    meta = {
        "title": article.title, "date": article.date_text, "column": article.column, "slug": article.slug,
        "source": article.source, "laws": article.laws, "url": article.url, "body": body_hash(article.body),
    }
    parts = searchable(files)
    if parts:
        meta["files"] = [[part.name, part.page, part.text] for part in parts]
    if cites:
        meta["cites"] = list(cites)
    return hashlib.sha256(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def document(article: Article, stamp: str | None = None, files: Sequence[FileText] = (), cites: Sequence[str] = ()) -> dict[str, object]:
    """The index document of one article (``stamp``: its fingerprint, when already computed; ``files``: its file texts;
    ``cites``: the statute articles it cites, ``search.documents.cited_key``).

    File texts go to fields of their own, scored below title and body (``search.ranking``); each part is also
    stored with its file name and page, so a hit found inside a file can say where. Laws they cite (《…》第N条)
    count as the body's do.
    """
    body = plain_text(article.body)
    parts = searchable(files)
    text = "\n".join(part.text for part in parts)
    cited = article.laws_cited_with(parts)
    doc: dict[str, object] = {
        "slug": article.slug,
        "kind": "articles",
        "fingerprint": stamp or fingerprint(article, files, cites),
        "title": article.title,
        "title_bigram": article.title,
        "body": body,
        "body_bigram": body,
        "column": article.column,
        "date": article.date,
        "year": article.year,
        "title_len": len(article.title),
        "body_len": len(body),
        "laws": LAW_SEPARATOR.join(law.replace(LAW_SEPARATOR, " ") for law in cited),
        "url": article.url,
        "date_text": article.date_text,
    }
    if text:
        doc.update(files=text, files_bigram=text, files_len=len(text), file_parts=[(part.name, part.page, part.text) for part in parts])
    if article.source:
        doc["source"] = article.source
    if cites:
        doc["cites"] = LAW_SEPARATOR.join(cites)
    return doc
