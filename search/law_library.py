"""The law library as searches read it: loaded once per process, read again when the index's laws change.

A query naming a law and one of its articles (环境保护法第二十五条) is answered with
that article's text (``fazhi.law.citations.named_article``), which needs the library
itself, not only the index. Reading a library of 3,000 laws takes seconds, so each
process keeps the one it read and reads the folder again only when the law
documents of the index it searches no longer match it (by fingerprint,
``search.law_documents``): after the nightly job indexed a changed library, or when
another version came into force. That check runs once per index generation and
commit, not per search, and before a search's time budget starts.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from whoosh import query as wq

from fazhi.law.citations import QUERY_ARTICLE_RE, NamedArticle, named_article
from fazhi.law.library import Library, load_library
from search.indexer import current_generation
from search.law_documents import KIND, law_documents
from search.normalize import normalize_query
from search.searchers import open_view


@dataclass
class _Loaded:
    library: Library
    prints: dict[str, str]  # document id -> fingerprint, as computed from this library the day it was read
    index_key: tuple[str, int] | None = None


_loaded: dict[str, _Loaded] = {}
_lock = threading.Lock()


def searched_library(root: Path, index_dir: Path) -> Library:
    """The library in ``root`` as the index in ``index_dir`` knows it (see the module docstring)."""
    key = str(Path(root).resolve())
    generation = current_generation(Path(index_dir))
    index_key = (str(generation), os.stat(generation).st_mtime_ns) if generation is not None else None
    with _lock:
        loaded = _loaded.get(key)
        if loaded is not None and loaded.index_key == index_key:
            return loaded.library
        if loaded is None or (index_key is not None and _indexed_laws(index_dir) != loaded.prints):
            library = load_library(Path(root))
            loaded = _Loaded(library, {doc.slug: doc.fingerprint for doc in law_documents(library)})
        loaded.index_key = index_key
        _loaded[key] = loaded
        return loaded.library


def named_in_query(query: str, library: Library) -> NamedArticle | None:
    """The article ``query`` names, in the version in force today (第25条 and 第二十五条 alike); None when it names none."""
    text = normalize_query(query)
    if QUERY_ARTICLE_RE.search(text) is None:
        return None
    return named_article(text, library, dt.date.today())


def _indexed_laws(index_dir: Path) -> dict[str, str]:
    """Document id -> fingerprint of every law document in the live index."""
    view = open_view(index_dir)
    docs = view.searcher.docs_for_query(wq.Term("kind", KIND))
    slugs = view.reader.column_reader("slug")
    prints = view.reader.column_reader("fingerprint")
    return {slugs[n]: prints[n] for n in docs if n in view.live}
