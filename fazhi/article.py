"""The article model: one Markdown file with YAML front matter per article.

Staff-written and scraped articles share this model. An article lives in its
own folder, ``<column>/<year>/<slug>/index.md``, with its images and attachments
beside it, so the URL is ``/<column>/<year>/<slug>/`` and relative links keep
working wherever the tree is copied.

Scraped files carry ``origin: scraped`` and ``content_hash``, the hash of the
body as the scraper wrote it: when the body no longer matches, staff edited
the file and the scraper must leave it alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import PurePosixPath
from typing import Annotated, Any, ClassVar

import yaml
from pydantic import AfterValidator, BeforeValidator, PlainValidator, ValidationError, ValidationInfo
from pypinyin import lazy_pinyin

from fazhi.errors import ArticleInvalid, Problem
from fazhi.file_text import FileText
from fazhi.law.names import law_table
from fazhi.schema import Elsewhere, Found, Trimmed, fields_of, problems, schema, setting, validate
from fazhi.yamlerrors import yaml_error_at


@dataclass(frozen=True)
class Column:
    """An archive column: its URL key, Chinese name and title keywords for classification."""

    key: str
    name: str
    keywords: tuple[str, ...]


# Order matters for classification: a title is checked against each column in turn.
COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("cases", "以案释法·典型案例", ("以案释法", "典型案例", "案例", "典型")),
        Column("interpretations", "政策法规解读", ("解读", "一图读懂", "一文读懂", "问答", "答记者问", "释义")),
        Column("summaries", "工作总结", ("工作总结", "年度报告", "总结", "报告", "工作情况", "普法责任清单")),
    )
}
ORIGINS = ("staff", "scraped")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
DATE_FORMS = "YYYY-MM-DD, or YYYY-MM-DD HH:MM when the time is known"


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date gets our message, not YAML's."""


class _FastFrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml when PyYAML has it: a whole tree loads many times faster (site build, indexer)."""


_FrontMatterLoader.yaml_implicit_resolvers = _FastFrontMatterLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _inside(file: str) -> str:
    if file.startswith("/") or ".." in PurePosixPath(file).parts or "://" in file:
        raise ValueError(f"file {file!r} must be a path inside the article folder")
    return file


@schema
class Attachment:
    """A downloadable file: ``file`` is relative to the article folder, ``url`` the original."""

    UNKNOWN: ClassVar[str] = "key"
    INTERNAL: ClassVar[tuple[str, ...]] = ("line",)  # not front matter: where the file names it, for problems

    title: Trimmed = setting(help="the link text", shown="the file's name")
    file: Annotated[Trimmed, AfterValidator(_inside)] = setting(help="the file beside the article: a path inside its folder")
    url: str | None = setting(None, "the original download address")
    line: int = field(default=1, compare=False, repr=False)


def _when(name: str, value: Any) -> tuple[dt.datetime, bool]:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise ValueError(f"unparseable {name}: {exc}") from None


def _day(name: str, value: Any) -> dt.date:
    return _when(name, value)[0].date()


def _column(value: str) -> str:
    if value not in COLUMNS:
        raise ValueError(f"unknown column {value!r} (known: {', '.join(COLUMNS)})")
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(f"slug {value!r} must be lower-case ASCII letters, digits and single hyphens")
    return value


def _origin(value: str, info: ValidationInfo) -> str:
    if value not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, not {value!r}")
    if value == "scraped" and info.data.get("origin_url", "given") is None:  # a bad origin_url is reported by itself
        raise ValueError("a scraped article needs origin_url")
    return value


def _reason(value: str | None, info: ValidationInfo) -> str | None:
    """``withdrawn`` and ``withdrawn_reason``: both or neither, so every withdrawal says why."""
    if "withdrawn" not in info.data:  # the day itself is wrong, and said so
        return value
    if info.data["withdrawn"] is not None and not value:
        raise Elsewhere(("withdrawn",), "a withdrawn article needs withdrawn_reason: why it was taken down")
    if info.data["withdrawn"] is None and value:
        raise ValueError("withdrawn_reason without withdrawn: give the day it was withdrawn, or remove the reason")
    return value


def _strings(name: str, value: Any) -> tuple[str, ...]:
    """A list of strings; one string is a list of one."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"{name} must be a list of strings")


def _given(mapping: dict[Any, Any]) -> dict[str, Any]:
    """The keys given a value: an empty or blank value counts as absent (``summary:``), so a required one is missing."""
    return {str(k): v for k, v in mapping.items() if v is not None and v != [] and not (isinstance(v, str) and not v.strip())}


def _attachment_items(value: Any, info: ValidationInfo) -> list[dict[str, Any]]:
    """Attachments as written, each item a mapping that knows its line; the title defaults to the file's name."""
    if not isinstance(value, list):
        raise ValueError("attachments must be a list of {title, file, url}")
    lines = (info.context or {}).get("lines", {})
    items = []
    for i, item in enumerate(value):
        entry = _given(item) if isinstance(item, dict) else {}
        if "line" in entry:
            raise ValueError(f"attachment {i + 1}: unknown key 'line' (known: {', '.join(fields_of(Attachment))})")
        entry.setdefault("title", PurePosixPath(str(entry["file"])).name if "file" in entry else "")  # no file: that alone is said
        items.append({**entry, "line": lines.get(f"attachments[{i}]", lines.get("attachments", 1))})
    return items


Names = tuple[str, ...]
# (file name in the article folder, staff's text of it), in the order written.
Transcripts = tuple[tuple[str, str], ...]


def _transcripts(value: Any) -> Transcripts:
    """``{file name: text}`` as pairs: the name a path inside the folder, the text not blank."""
    if not isinstance(value, dict):
        raise ValueError("transcripts must be a mapping of file name: text")
    pairs = []
    for name, text in value.items():
        try:
            _inside(str(name))
        except ValueError as exc:
            raise ValueError(f"transcripts: {exc}") from None
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"transcripts: the text of {str(name)!r} is empty")
        pairs.append((str(name), normalize_body(text).rstrip("\n")))
    return tuple(pairs)


@schema
class FrontMatter:
    """An article's front matter, in the order it is written; the Markdown body follows it.

    ``date`` holds (when, whether the time is known); ``parse_article`` makes the ``Article`` of it.
    """

    UNKNOWN: ClassVar[str] = "field"

    title: Trimmed = setting(help="the title")
    date: Annotated[tuple[dt.datetime, bool], PlainValidator(partial(_when, "date"))] = setting(help="the day it was published",
                                                                                              expects=DATE_FORMS)
    column: Annotated[str, AfterValidator(_column)] = setting(
        help="summaries (工作总结), interpretations (政策法规解读) or cases (以案释法·典型案例)", expects="a column key")
    source: Trimmed | None = setting(None, "信息来源: the issuing office")
    publisher: Trimmed | None = setting(None, "the publishing body")
    origin_url: Trimmed | None = setting(None, "link to the original; a scraped article needs it")
    origin_urls: Annotated[Names, BeforeValidator(partial(_strings, "origin_urls"))] = setting(
        (), "other addresses of the same article upstream (another source, column or site generation); the scraper lists them",
        expects="a list of URLs")
    attachments: Annotated[tuple[Attachment, ...], BeforeValidator(_attachment_items)] = setting(
        (), "files beside the article, each {title, file, url} (below)", expects="a list of {title, file, url}")
    transcripts: Annotated[Transcripts, PlainValidator(_transcripts)] = setting(
        (), "staff's own text of an image or attachment, by its file name in the article folder: shown on the article page and its "
            "text version instead of the machine-read text; the scraper keeps it", expects="a mapping of file name: text", shown="{}")
    laws: Annotated[Names, BeforeValidator(partial(_strings, "laws"))] = setting(
        (), "laws to register besides those cited as 《…》 in the title or body (found automatically)", expects="a list of law names")
    tags: Annotated[Names, BeforeValidator(partial(_strings, "tags"))] = setting((), "tags", expects="a list of tags")
    summary: Trimmed | None = setting(None, "listing excerpt; unset: the start of the body")
    slug: Annotated[str, AfterValidator(_slug)] = setting(
        help="the URL name, unique across the site and equal to the folder name",
        expects="lower-case ASCII letters, digits and single hyphens")
    origin: Annotated[str, AfterValidator(_origin)] = setting("staff", "who wrote it: staff, or the scraper (scraped)",
                                                              expects="staff or scraped")
    content_hash: Trimmed | None = setting(None, "scraped: hash of the body as the scraper wrote it; a body that no longer matches "
                                                 "was edited by staff, and the scraper never overwrites it")
    removed_upstream: Annotated[dt.date | None, PlainValidator(partial(_day, "removed_upstream"))] = setting(
        None, "scraped: the day the article was last seen upstream, once the source removed it; the article stays and says so",
        expects="a date, YYYY-MM-DD")
    withdrawn: Annotated[dt.date | None, PlainValidator(partial(_day, "withdrawn"))] = setting(
        None, "the day fazhi withdraw took the article off the site; needs withdrawn_reason", expects="a date, YYYY-MM-DD")
    withdrawn_reason: Annotated[Trimmed | None, AfterValidator(_reason)] = setting(
        None, "why it was withdrawn; kept in the file, never shown on the site", check_default=True)


# Front matter keys in the order they are written, and the ones every article needs: the schema's.
FIELDS = tuple(fields_of(FrontMatter))
REQUIRED = tuple(name for name, info in fields_of(FrontMatter).items() if info.is_required())


@dataclass(frozen=True)
class Article:
    """One archived article. ``path`` is relative to the content tree and is not front matter."""

    title: str
    date: dt.datetime
    column: str
    slug: str
    body: str = ""
    time_known: bool = False
    source: str | None = None
    publisher: str | None = None
    origin_url: str | None = None
    # Other addresses of the same article upstream (another source, column or site generation).
    origin_urls: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # staff's own text of a file beside the article, by file name (see ``transcript``)
    transcripts: Transcripts = ()
    laws: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str | None = None
    origin: str = "staff"
    content_hash: str | None = None
    removed_upstream: dt.date | None = None
    withdrawn: dt.date | None = None
    withdrawn_reason: str | None = None
    path: PurePosixPath | None = field(default=None, compare=False)

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def url(self) -> str:
        """Site-relative URL with a trailing slash, e.g. ``summaries/2020/soil-report/``."""
        return f"{self.column}/{self.year}/{self.slug}/"

    @property
    def column_name(self) -> str:
        return COLUMNS[self.column].name

    @property
    def date_text(self) -> str:
        return self.date.strftime("%Y-%m-%d %H:%M" if self.time_known else "%Y-%m-%d")

    @property
    def cited_laws(self) -> tuple[str, ...]:
        """Laws named in front matter plus every 《…》 law cited in title or body, canonical names."""
        table = law_table()
        names = dict.fromkeys(table.canonical(n) for n in self.laws)
        names.update(dict.fromkeys(table.extract(self.title + "\n" + self.body)))
        return tuple(names)

    def laws_cited_with(self, files: Sequence[FileText]) -> tuple[str, ...]:
        """``cited_laws`` plus the laws cited in the text read from the article's ``files``: a citation in an attachment
        counts like one in the body, for the index and the law pages alike."""
        text = "\n".join(part.text for part in files if part.status == "ok")
        return tuple(dict.fromkeys((*self.cited_laws, *law_table().extract(text)))) if text.strip() else self.cited_laws

    def transcript(self, name: str) -> str | None:
        """Staff's text of the file ``name`` (a path inside the article folder), None when they gave none."""
        return next((text for file, text in self.transcripts if file == name), None)

    @property
    def staff_edited(self) -> bool:
        """True when a scraped file's body was changed after the scraper wrote it."""
        return self.origin == "scraped" and self.content_hash is not None and self.content_hash != body_hash(self.body)

    def with_hash(self) -> Article:
        """This article stamped with the hash of its current body (what the scraper writes)."""
        return replace(self, content_hash=body_hash(self.body))

    def front_matter(self) -> dict[str, Any]:
        """Front matter as written to disk: fixed key order, empty values left out."""
        values: dict[str, Any] = {
            "title": self.title,
            "date": self.date_text,
            "column": self.column,
            "source": self.source,
            "publisher": self.publisher,
            "origin_url": self.origin_url,
            "origin_urls": list(self.origin_urls),
            "attachments": [
                {k: v for k, v in (("title", a.title), ("file", a.file), ("url", a.url)) if v}
                for a in self.attachments
            ],
            "transcripts": dict(self.transcripts),
            "laws": list(self.laws),
            "tags": list(self.tags),
            "summary": self.summary,
            "slug": self.slug,
            "origin": self.origin,
            "content_hash": self.content_hash,
            "removed_upstream": self.removed_upstream.isoformat() if self.removed_upstream else None,
            "withdrawn": self.withdrawn.isoformat() if self.withdrawn else None,
            "withdrawn_reason": self.withdrawn_reason,
        }
        return {k: values[k] for k in FIELDS if values[k] not in (None, [], {}, "")}

    def to_markdown(self) -> str:
        """The whole file: front matter then body, ending in one newline."""
        meta = yaml.safe_dump(self.front_matter(), allow_unicode=True, sort_keys=False, width=1000)
        return f"---\n{meta}---\n\n{normalize_body(self.body)}"


def normalize_body(body: str) -> str:
    """Line endings unified, trailing spaces and surrounding blank lines dropped, one final newline."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    return text + "\n" if text else ""


def body_hash(body: str) -> str:
    """Stable hash of a body, insensitive to line endings and trailing whitespace."""
    return "sha256:" + hashlib.sha256(normalize_body(body).encode("utf-8")).hexdigest()


def article_path(column: str, date: dt.date, slug: str) -> PurePosixPath:
    """Where an article file lives in the content tree."""
    return PurePosixPath(column, f"{date.year:04d}", slug, "index.md")


def slugify(text: str, max_words: int = 8, fallback: str = "article") -> str:
    """An ASCII slug: pinyin for Chinese, lower-case words, hyphens, at most ``max_words`` parts.

    ``fallback`` is returned when the text gives no letter or digit (punctuation only).
    """
    words: list[str] = []
    for part in lazy_pinyin(text):
        words.extend(w for w in re.split(r"[^a-z0-9]+", part.lower()) if w)
    return "-".join(words[:max_words]) or fallback


def classify(title: str) -> str | None:
    """The column a title's keywords point to, or None when no keyword matches."""
    for column in COLUMNS.values():
        if any(k in title for k in column.keywords):
            return column.key
    return None


def parse_date(value: Any) -> tuple[dt.datetime, bool]:
    """A front-matter date (``2020-12-22`` or ``2020-12-22 16:11``) as (datetime, time_known)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), True
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), False
    match = DATE_RE.match(str(value).strip())
    if not match:
        raise ValueError(f"date {value!r} is not YYYY-MM-DD or YYYY-MM-DD HH:MM")
    y, mo, d, h, mi, s = match.groups()
    try:
        when = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError as exc:
        raise ValueError(f"date {value!r} does not exist ({exc})") from None
    return when, h is not None


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter YAML, body, line number where the body starts); raises ValueError if absent."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        raise ValueError("no front matter: the file must start with a '---' line")
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise ValueError("front matter is not closed by a '---' line")


def _load_front_matter(yaml_text: str) -> tuple[Any, dict[str, int]]:
    """Front matter value and the line (1-based, in the file) of each top-level key and list item, from one parse.

    Errors are parsed again by the pure-Python loader, whose messages and lines are the ones we report.
    """
    try:
        return _compose_and_construct(yaml_text, _FastFrontMatterLoader)
    except yaml.YAMLError:
        return _compose_and_construct(yaml_text, _FrontMatterLoader)


def _compose_and_construct(yaml_text: str, loader_class: type) -> tuple[Any, dict[str, int]]:
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return value, {}
    lines: dict[str, int] = {}
    for key, item in node.value:
        if isinstance(key, yaml.ScalarNode):
            lines[key.value] = key.start_mark.line + 2
            if isinstance(item, yaml.SequenceNode):  # each list item's own line: "attachments[0]", ...
                lines.update({f"{key.value}[{i}]": _item_line(entry) for i, entry in enumerate(item.value)})
    return value, lines


def _item_line(node: yaml.Node) -> int:
    """File line of a list item: of its ``file:`` key when it names a file (attachments), else of its start."""
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "file":
                return key.start_mark.line + 2
    return node.start_mark.line + 2


def parse_article(text: str, path: str | PurePosixPath) -> Article:
    """Parse one article file and validate its front matter against ``FrontMatter``; every problem is raised
    together, top to bottom, each at the line of the key it concerns."""
    where = str(path)
    try:
        meta_text, body, _ = split_front_matter(text)
        meta, lines = _load_front_matter(meta_text)
        meta = meta or {}
    except ValueError as exc:
        raise ArticleInvalid([Problem(where, 1, str(exc))]) from None
    except yaml.YAMLError as exc:
        line, _, what = yaml_error_at(exc)
        raise ArticleInvalid([Problem(where, line + 2, f"front matter is not valid YAML: {what}")]) from None
    if not isinstance(meta, dict):
        raise ArticleInvalid([Problem(where, 1, "front matter must be a mapping of field: value")])
    try:
        front = validate(FrontMatter, _given(meta), context={"lines": lines})
    except ValidationError as exc:
        found = [_problem(where, lines, f) for f in problems(FrontMatter, exc)]
        raise ArticleInvalid(sorted(found, key=lambda p: p.line)) from None
    values = {name: getattr(front, name) for name in FIELDS}
    values["date"], values["time_known"] = front.date
    return Article(**values, body=normalize_body(body), path=PurePosixPath(path))


def _problem(where: str, lines: dict[str, int], found: Found) -> Problem:
    """A schema problem in the article's words, at the line of the key (or attachment) it concerns."""
    key, what = found.key, found.what
    if not key:  # a missing field: its key may still be there, blank
        return Problem(where, lines.get(what.removeprefix("missing "), 1), what)
    if what.startswith("expected "):  # a value of the wrong kind: say whose
        what = f"{'.'.join(str(k) for k in key if isinstance(k, str))}: {what}"
    if key[0] != "attachments" or len(key) < 2:
        return Problem(where, lines.get(str(key[0]), 1), what)
    i = int(key[1])
    line = lines.get(f"attachments[{i}]", lines.get("attachments", 1))
    if what == "missing file":
        return Problem(where, line, f"attachment {i + 1} needs at least a file")
    return Problem(where, line, f"attachment {i + 1}: {what.removeprefix('attachments.')}")
