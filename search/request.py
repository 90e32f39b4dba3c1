"""The search contract: what a search asks (``SearchRequest``) and what it answers (``SearchResponse``).

``SearchRequest.from_params`` reads the string parameters of the HTTP API and the
command line; ``validate`` refuses out-of-range values with a SearchQueryError (400)
that names the parameter. The response is plain data, ``to_dict`` is the JSON body.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from fazhi.article import COLUMNS
from fazhi.errors import SearchQueryError
from search.schema import KINDS

MAX_QUERY_CHARS = 500
MAX_PER_PAGE = 100
MAX_PAGE = 500
SORTS = ("relevance", "date")
# Where a match may be asked to be (``in``): ``files``, the text read from an article's attachments and images.
WITHIN = ("files",)
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query text plus filters, sort and page. ``from_params`` reads HTTP/CLI strings."""

    q: str = ""
    column: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    year: int | None = None
    source: str | None = None
    law: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    kind: str | None = None
    within: str | None = None  # the ``in`` parameter: ``files`` keeps the documents found in their files' text

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchRequest:
        """From string parameters ``q, kind, in, column, from, to, year, source, law, sort, page, per_page``."""

        def text(name: str) -> str | None:
            value = params.get(name)
            value = str(value).strip() if value is not None else ""
            return value or None

        page, per_page = _parse_int("page", text("page")), _parse_int("per_page", text("per_page"))
        return cls(
            q=text("q") or "",
            column=text("column"),
            date_from=_parse_date("from", text("from")),
            date_to=_parse_date("to", text("to")),
            year=_parse_int("year", text("year")),
            source=text("source"),
            law=text("law"),
            sort=text("sort") or "relevance",
            page=1 if page is None else page,
            per_page=10 if per_page is None else per_page,
            kind=text("kind"),
            within=text("in"),
        )

    @property
    def has_filters(self) -> bool:
        filters = (self.kind, self.within, self.column, self.date_from, self.date_to, self.year, self.source, self.law)
        return any(v is not None for v in filters)

    def without_filters(self) -> SearchRequest:
        return replace(self, kind=None, within=None, column=None, date_from=None, date_to=None, year=None, source=None, law=None, page=1)


@dataclass(frozen=True)
class FoundIn:
    """Where in an article's files a hit was found: the file's name in the article folder, its page (PDF, OFD; else
    None) and a snippet of that text (HTML, <mark> around matches)."""

    file: str
    page: int | None
    snippet: str


@dataclass(frozen=True)
class Hit:
    """One result. ``snippet`` and ``title_html`` are HTML: <mark> around matches, everything else escaped.

    ``kind`` is ``articles`` (the archive's own) or ``laws`` (a law library text: no column or source,
    its ``level`` in the hierarchy of norms, ``fazhi.law.levels``, and the date of the version in force).
    ``found_in`` is set when the query's words occur in the text read from one of the article's files.
    """

    title: str
    url: str
    date: str
    column: str
    column_name: str
    source: str | None
    laws: list[str]
    snippet: str
    title_html: str
    score: float
    kind: str = "articles"
    level: str | None = None
    level_name: str | None = None
    found_in: FoundIn | None = None


@dataclass(frozen=True)
class LawRepeal:
    """The day a law was repealed (``YYYY-MM-DD``) and the law that repealed it."""

    date: str
    by: str


@dataclass(frozen=True)
class LawArticle:
    """The article a query names (环境保护法第二十五条), in the version in force today.

    ``label`` as the statute prints it (第二十五条), ``anchor`` its id on the law page (a25),
    ``url`` that place (``/laws/<slug>/#a25``), ``text`` its paragraphs (款), one a line;
    ``repeal`` is set when the law has been repealed (its last text is the one given).
    """

    label: str
    anchor: str
    url: str
    text: str
    repeal: LawRepeal | None = None


@dataclass(frozen=True)
class LawBlock:
    """The law a query names: canonical name, its law page (``/laws/<slug>/``) and how many indexed articles cite it.

    ``article`` is set when the query also names one of its articles and the law library holds it.
    """

    name: str
    url: str
    articles: int
    article: LawArticle | None = None


@dataclass(frozen=True)
class Citing:
    """An archive article citing a card's statute article: its title, site-relative URL and date."""

    title: str
    url: str
    date: str


@dataclass(frozen=True)
class Answer:
    """A statute article that answers the question (``search.answers``), in the version in force.

    ``law`` its law's title and ``law_url`` that law's page (``/laws/<slug>/``); ``label`` as the statute prints it
    (第二十五条), ``anchor`` its id on the page (a25), ``url`` that place; ``text`` its paragraphs, one a line;
    ``version`` the version's key (the date it was adopted); ``repealed`` set for a repealed law's last text;
    ``citing`` the archive's articles that cite this article in this version, newest first.
    """

    law: str
    law_url: str
    label: str
    anchor: str
    url: str
    text: str
    version: str
    repealed: bool
    citing: list[Citing]


@dataclass(frozen=True)
class SearchResponse:
    """A page of results, facet counts, the law the query names and, when nothing matched, a suggestion.

    ``suggestion`` is a query to try instead (or None); ``suggestion_reason``
    says why: ``drop_filters`` (the same query finds documents without the
    filters), ``fewer_terms`` (without its phrases and exclusions) or
    ``similar_term`` (a word of the titles one edit away from a word of the query).
    ``law`` is set when the query names a law (by name, short form or in 《》). ``hint`` says what to write
    instead when the query has text but no word to search for (only question words, emoji or punctuation). ``answers``
    holds the statute articles that answer the question when a law library is indexed and one answers with confidence
    (else empty).
    """

    query: str
    total: int
    page: int
    pages: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    suggestion_reason: str | None = None
    partial: bool = False
    took_ms: float = 0.0
    law: LawBlock | None = None
    hint: str | None = None
    answers: list[Answer] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body; the law block has an ``article`` only when the query names one."""
        body = asdict(self)
        if body["law"] is not None and body["law"]["article"] is None:
            del body["law"]["article"]
        return body


def validate(request: SearchRequest) -> None:
    """Refuse values out of range, naming the parameter (SearchQueryError, 400)."""
    if request.kind is not None and request.kind not in KINDS:
        raise SearchQueryError(f"unknown kind {request.kind!r} (known: {', '.join(KINDS)})")
    if request.within is not None and request.within not in WITHIN:
        raise SearchQueryError(f"unknown 'in' {request.within!r} (known: {', '.join(WITHIN)})")
    if request.column is not None and request.column not in COLUMNS:
        raise SearchQueryError(f"unknown column {request.column!r} (known: {', '.join(COLUMNS)})")
    if request.sort not in SORTS:
        raise SearchQueryError(f"unknown sort {request.sort!r} (known: {', '.join(SORTS)})")
    if not 1 <= request.page <= MAX_PAGE:
        raise SearchQueryError(f"page must be between 1 and {MAX_PAGE}")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise SearchQueryError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise SearchQueryError("the 'from' date is after the 'to' date")
    if request.year is not None and not 1900 <= request.year <= 2999:
        raise SearchQueryError(f"year {request.year} is out of range")
    if len(request.q) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"the query is {len(request.q)} characters long; at most {MAX_QUERY_CHARS} are allowed")
    for name, value in (("source", request.source), ("law", request.law)):
        if value is not None and len(value) > MAX_QUERY_CHARS:
            raise SearchQueryError(f"{name} is longer than {MAX_QUERY_CHARS} characters")


def _parse_date(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    match = _DATE.match(value)
    try:
        if not match:
            raise ValueError
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise SearchQueryError(f"'{name}' must be a date YYYY-MM-DD, not {value[:40]!r}") from None


def _parse_int(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise SearchQueryError(f"'{name}' must be a whole number, not {value[:40]!r}")
    return int(value)
