"""The one pass over every article that all generated pages are cut from.

``build_archive`` walks the articles once and files each under its column, its
year and every law it cites, so no generator ever scans the whole list again
(a listing per column, per year and per law would otherwise be quadratic).
An ``Entry`` is what templates show of an article in a list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fazhi.article import COLUMNS, Article
from fazhi.config import Settings
from fazhi.file_text import FileText
from fazhi.law.library import Library
from fazhi.law.names import law_table, law_url

if TYPE_CHECKING:
    from fazhi_app.hooks.file_texts import Readable

# Columns in the order the site shows them (COLUMNS is ordered for title classification).
COLUMN_ORDER = tuple(dict.fromkeys(("summaries", "interpretations", "cases", *COLUMNS)))
EXCERPT_CHARS = 120

_SKIP_LINE = ("#", "|", "<", "![", "```", "~~~", "---", "***", "!!!", "???", "[^")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP_RE = re.compile(r"[*_`~]+|^\s*(?:[-+>]|\d+[.)])\s+")


@dataclass(frozen=True, slots=True)
class LawRef:
    """A cited law as pages link to it: canonical name and its index page."""

    name: str
    slug: str
    url: str


@dataclass(frozen=True, slots=True)
class Entry:
    """An article as lists show it; URLs are site-relative (``summaries/2020/x/``)."""

    article: Article
    src_uri: str
    title: str
    url: str
    date_text: str
    date_iso: str
    column: str
    column_name: str
    source: str | None
    summary: str
    laws: tuple[LawRef, ...]


@dataclass
class Archive:
    """Every valid article, filed once under column, year and cited law, newest first everywhere."""

    settings: Settings
    entries: list[Entry] = field(default_factory=list)
    columns: dict[str, list[Entry]] = field(default_factory=dict)
    years: dict[str, dict[int, list[Entry]]] = field(default_factory=dict)
    laws: dict[str, list[Entry]] = field(default_factory=dict)
    law_refs: dict[str, LawRef] = field(default_factory=dict)
    by_src: dict[str, Entry] = field(default_factory=dict)
    # src_uri -> (older, newer) neighbour in the same column
    neighbours: dict[str, tuple[Entry | None, Entry | None]] = field(default_factory=dict)
    # src_uri -> {file name -> its text as the site shows it} (``file_texts.readable``), for articles whose files have text
    readable: dict[str, dict[str, Readable]] = field(default_factory=dict)
    # the law library (``law_library`` setting), if any, and the day its "version in force today" means
    library: Library | None = None
    today: dt.date = field(default_factory=dt.date.today)


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of a body's running text, without Markdown syntax."""
    parts: list[str] = []
    size = 0
    for line in body[: limit * 30].split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith(_SKIP_LINE):
            continue
        text = _MARKUP_RE.sub("", _LINK_RE.sub(r"\1", stripped)).strip()
        if text:
            parts.append(text)
            size += len(text)
            if size >= limit:
                break
    text = " ".join(parts)
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def build_archive(articles: list[Article], settings: Settings, texts: Mapping[str, Sequence[FileText]] | None = None) -> Archive:
    """File every article under its column, year and cited laws in one pass; ``texts`` (article path -> the text read from
    its files, ``fazhi_app.extraction.file_texts``): laws cited there count like the body's."""
    texts = texts or {}
    table = law_table()
    archive = Archive(settings)
    archive.columns = {key: [] for key in COLUMN_ORDER}
    archive.years = {key: {} for key in COLUMN_ORDER}
    for article in sorted(articles, key=lambda a: (a.date, a.slug), reverse=True):
        src_uri = str(article.path) if article.path else f"{article.url}index.md"
        refs = []
        for name in article.laws_cited_with(texts.get(src_uri, ())):
            ref = archive.law_refs.get(name)
            if ref is None:
                slug = table.slug(name)
                ref = archive.law_refs[name] = LawRef(name, slug, law_url(slug))
            refs.append(ref)
        entry = Entry(
            article=article,
            src_uri=src_uri,
            title=article.title,
            url=article.url,
            date_text=article.date_text,
            date_iso=article.date.isoformat() if article.time_known else article.date.date().isoformat(),
            column=article.column,
            column_name=COLUMNS[article.column].name,
            source=article.source,
            summary=article.summary or excerpt(article.body),
            laws=tuple(refs),
        )
        archive.entries.append(entry)
        archive.by_src[src_uri] = entry
        column = archive.columns[article.column]
        if column:
            newer = column[-1]
            archive.neighbours[newer.src_uri] = (entry, archive.neighbours[newer.src_uri][1])
        archive.neighbours[src_uri] = (None, column[-1] if column else None)
        column.append(entry)
        archive.years[article.column].setdefault(article.year, []).append(entry)
        for ref in refs:
            archive.laws.setdefault(ref.name, []).append(entry)
    return archive
