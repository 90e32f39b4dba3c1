"""Article citations in running text: 《X》第N条 resolved to an article of the version then in force.

Forms read: ``《环境保护法》第二十五条``, ``第二十五条第一款``, ``第25条``, ``第一百二十条之一``,
``第二十五条、第二十六条`` (and 和/及/或), ``第二十五至二十八条`` / ``第二十五条至第二十八条``, a
later bare ``第N条`` in the same block continuing the last law cited there, and short forms
(《环保法》) through the law table. ``CitationScanner`` keeps that "last law" between calls,
so a caller walking text piece by piece (HTML text nodes, Markdown lines) calls ``reset()``
at each block boundary (paragraph, list item, table cell).

A citation that cannot be resolved (law not in the library, article beyond the law's text)
comes back as ``Unresolved`` with the reason; the caller leaves its text as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from fazhi.law.library import LawText, Library, Repeal, Version, written_names
from fazhi.law.names import LAW_SUFFIXES
from fazhi.law.numerals import NUMBER, ArticleNo, to_int

# A reference: 第N条[之M][第K款][第J项], or a range 第N[条]至[第]M条.
REFERENCE_RE = re.compile(
    r"《(?P<law>[^《》\n]{2,60})》"
    rf"|第(?P<rn>{NUMBER})条?(?:至|到|－|—|～|~)第?(?P<re>{NUMBER})条"
    rf"|第(?P<n>{NUMBER})条(?:之(?P<s>{NUMBER}))?(?:第(?P<k>{NUMBER})款)?(?:第(?:{NUMBER})项)?"
)
# What may stand between 《X》 and its 第N条, and between the members of a list of articles.
_GLUE_RE = re.compile(r"^[\s\u3000]*(?:的)?[\s\u3000]*$")
_LIST_GLUE_RE = re.compile(r"^[\s\u3000]*(?:[、，,和及或以与]|以及|和|或者)?[\s\u3000]*$")
# How far (characters) a bare 第N条 may follow the last reference to a law and still continue it.
CONTINUATION_SPAN = 160
MAX_RANGE = 30
# A Markdown line that starts a new block: blank, heading, list item, table row, quote.
BLOCK_START_RE = re.compile(r"^\s*(?:#|[-*+]\s|\d+[.)]\s|\||>|$)")
# A citation naming its version: 《…（2021年修订）》, 《…(2018年修正)》.
QUALIFIER_YEAR_RE = re.compile(r"[（(](\d{4})年(?:修订|修正|修改|版)?[）)]$")


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """A resolved reference: ``text[start:end]`` names ``articles`` of ``version`` of ``law``."""

    start: int
    end: int
    law: LawText
    version: Version
    articles: tuple[ArticleNo, ...]
    paragraph: int | None
    early: bool
    repeal: Repeal | None

    @property
    def anchor(self) -> str:
        return self.articles[0].anchor


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A reference that stays plain text, and why."""

    start: int
    end: int
    text: str
    reason: str


def looks_like_law(name: str) -> bool:
    """Whether text in 《》 names a law (not a book or a newspaper)."""
    bare = written_names(name)[-1]
    return bare.endswith(LAW_SUFFIXES)


class CitationScanner:
    """Finds and resolves references in the text of one article dated ``day``."""

    def __init__(self, library: Library, day: dt.date):
        self.library = library
        self.day = day
        self._law: str | None = None
        self._last_end = -1
        self._offset = 0

    def reset(self) -> None:
        """A block boundary: a later bare 第N条 no longer continues the last law."""
        self._law = None

    def scan(self, text: str) -> tuple[list[ArticleRef], list[Unresolved]]:
        """References in ``text`` (a piece of the article following the pieces scanned before)."""
        found: list[ArticleRef] = []
        problems: list[Unresolved] = []
        pending: str | None = None  # a law cited just before, waiting for its 第N条
        pending_end = 0
        previous_ref_end = -1
        for match in REFERENCE_RE.finditer(text):
            if match.group("law") is not None:
                name = match.group("law")
                if looks_like_law(name) or self.library.find(name) is not None:
                    pending, pending_end = name, match.end()
                    self._law = name
                else:
                    pending = None
                    self._law = None
                continue
            direct = pending is not None and _GLUE_RE.match(text[pending_end:match.start()])
            listed = previous_ref_end >= 0 and _LIST_GLUE_RE.match(text[previous_ref_end:match.start()])
            start = match.start()
            guessed = False
            if direct:
                law, start = pending, text.rfind("《", 0, pending_end)
            elif listed:
                law = self._law
            else:
                law = self._law if self._law is not None and self._within(match.start()) else None
                guessed = True
            pending = None
            if law is None:
                continue
            articles, paragraph = _articles(match)
            result = self._resolve(law, articles, paragraph, start, match.end(), text[start:match.end()])
            if isinstance(result, ArticleRef):
                found.append(result)
            elif not guessed:  # a bare 第N条 further on may mean something else: no warning for it
                problems.append(result)
            else:
                continue
            previous_ref_end = match.end()
            self._law = law
            self._last_end = self._offset + match.end()
        self._offset += len(text)
        return found, problems

    def _within(self, position: int) -> bool:
        return self._last_end >= 0 and self._offset + position - self._last_end <= CONTINUATION_SPAN

    def _resolve(self, cited: str, articles: tuple[ArticleNo, ...], paragraph: int | None,
                 start: int, end: int, text: str) -> ArticleRef | Unresolved:
        law = self.library.find(cited)
        if law is None:
            repeal = self.library.repeal_of(cited)
            if repeal is not None:
                name, info = repeal
                if self.day >= info.date:
                    reason = f"《{name}》 was repealed on {info.date} by 《{info.by}》 and its text is not in the law library"
                else:
                    reason = f"《{name}》 is not in the law library (in force on {self.day}; repealed on {info.date} by 《{info.by}》)"
                return Unresolved(start, end, text, reason)
            return Unresolved(start, end, text, f"《{cited}》 is not in the law library")
        version, early = law.in_force(self.day)
        named = _named_version(law, cited)
        if named is not None:
            version, early = named, False
        missing = [no for no in articles if version.article(no) is None]
        if missing:
            return Unresolved(start, end, text, f"{missing[0].label} is not in 《{law.name}》 as of {version.key} (its last article is "
                                                f"{ArticleNo(version.last_number).label})")
        repeal = law.repeal if law.repealed_on(self.day) else None
        return ArticleRef(start, end, law, version, articles, paragraph, early, repeal)


def scan_markdown(scanner: CitationScanner, lines: Sequence[str]) -> Iterator[tuple[int, list[ArticleRef], list[Unresolved]]]:
    """(line index, references, unresolved) per line and table cell of Markdown ``lines``, walked in the blocks the
    site build's HTML has: a blank line, heading, list item, table row or quote starts a block, a table cell is one."""
    for number, line in enumerate(lines):
        if BLOCK_START_RE.match(line):
            scanner.reset()
        for cell in line.split("|") if line.lstrip().startswith("|") else (line,):
            refs, unresolved = scanner.scan(cell)
            yield number, refs, unresolved
            if len(cell) != len(line):
                scanner.reset()


def cited_articles(library: Library, day: dt.date, body: str, texts: Iterable[str] = ()) -> list[ArticleRef]:
    """Every article the Markdown ``body`` of an article dated ``day`` cites and the site build links (resolved to the
    version then in force), then those cited in ``texts`` (the text read from its files, each a block of its own)."""
    scanner = CitationScanner(library, day)
    found = [ref for _, refs, _ in scan_markdown(scanner, body.split("\n")) for ref in refs]
    for text in texts:
        scanner.reset()
        found.extend(ref for _, refs, _ in scan_markdown(scanner, text.split("\n")) for ref in refs)
    return found


def _named_version(law: LawText, cited: str) -> Version | None:
    """The version a qualifier names, as in 《X（2021年修订）》: the last one adopted that year."""
    qualifier = QUALIFIER_YEAR_RE.search(cited)
    if qualifier is None:
        return None
    year = int(qualifier.group(1))
    matching = [v for v in law.versions if v.date is not None and v.date.year == year]
    return matching[-1] if matching else None


def _articles(match: re.Match[str]) -> tuple[tuple[ArticleNo, ...], int | None]:
    if match.group("rn") is not None:
        first, last = to_int(match.group("rn")) or 0, to_int(match.group("re")) or 0
        if last < first or last - first > MAX_RANGE:
            last = first
        return tuple(ArticleNo(n) for n in range(first, last + 1)), None
    number = to_int(match.group("n")) or 0
    sub = to_int(match.group("s")) if match.group("s") else 0
    paragraph = to_int(match.group("k")) if match.group("k") else None
    return (ArticleNo(number, sub or 0),), paragraph


QUERY_ARTICLE_RE = re.compile(rf"第(?P<n>{NUMBER})条(?:之(?P<s>{NUMBER}))?")
_QUERY_NOISE_RE = re.compile(r"[《》\s\u3000]+")


@dataclass(frozen=True, slots=True)
class NamedArticle:
    """A law and article a search query names (环境保护法第二十五条), in the version in force on ``day``."""

    law: LawText
    version: Version
    no: ArticleNo
    text: str


def named_article(query: str, library: Library, day: dt.date) -> NamedArticle | None:
    """The first 第N条 of ``query`` preceded by a law's name (full, short form, with or without 《》).

    第25条 and 第二十五条 are the same article; the name is the longest run of text before the
    number that names a law of the library. None when the query names no such article.
    """
    for match in QUERY_ARTICLE_RE.finditer(query):
        before = _QUERY_NOISE_RE.sub("", query[:match.start()])[-60:]
        for start in range(len(before)):
            law = library.find(before[start:])
            if law is None:
                continue
            number = to_int(match.group("n")) or 0
            no = ArticleNo(number, (to_int(match.group("s")) or 0) if match.group("s") else 0)
            version, _ = law.in_force(day)
            article = version.article(no)
            if article is None:
                break
            return NamedArticle(law, version, no, article.text)
    return None
