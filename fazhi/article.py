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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

import yaml
from pypinyin import lazy_pinyin

from fazhi.errors import ArticleInvalid, Problem
from fazhi.law.names import law_table
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
# Front matter keys in the order they are written.
FIELDS = (
    "title", "date", "column", "source", "publisher", "origin_url", "origin_urls", "attachments", "laws",
    "tags", "summary", "slug", "origin", "content_hash", "removed_upstream", "withdrawn", "withdrawn_reason",
)
REQUIRED = ("title", "date", "column", "slug")


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so a bad date gets our message, not YAML's."""


class _FastFrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml when PyYAML has it: a whole tree loads many times faster (site build, indexer)."""


_FrontMatterLoader.yaml_implicit_resolvers = _FastFrontMatterLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Attachment:
    """A downloadable file: ``file`` is relative to the article folder, ``url`` the original."""

    title: str
    file: str
    url: str | None = None
    line: int = field(default=1, compare=False, repr=False)  # where the file names it, for problems


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
        return {k: values[k] for k in FIELDS if values[k] not in (None, [], "")}

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


def _str_list(value: Any, name: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problems.append(f"{name} must be a list of strings")
    return ()


def parse_article(text: str, path: str | PurePosixPath) -> Article:
    """Parse and validate one article file; every problem found is raised together."""
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

    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(where, lines.get(key, 1), message))

    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            bad(key, f"missing {key}")
    for key in meta:
        if key not in FIELDS:
            bad(key, f"unknown field {key!r} (known: {', '.join(FIELDS)})")

    title = str(meta.get("title") or "").strip()
    date, time_known = dt.datetime(1970, 1, 1), False
    if meta.get("date") not in (None, ""):
        try:
            date, time_known = parse_date(meta["date"])
        except ValueError as exc:
            bad("date", f"unparseable date: {exc}")
    column = str(meta.get("column") or "")
    if column and column not in COLUMNS:
        bad("column", f"unknown column {column!r} (known: {', '.join(COLUMNS)})")
    slug = str(meta.get("slug") or "")
    if slug and not SLUG_RE.match(slug):
        bad("slug", f"slug {slug!r} must be lower-case ASCII letters, digits and single hyphens")
    origin = str(meta.get("origin") or "staff")
    if origin not in ORIGINS:
        bad("origin", f"origin must be one of {', '.join(ORIGINS)}, not {origin!r}")
    if origin == "scraped" and not meta.get("origin_url"):
        bad("origin", "a scraped article needs origin_url")

    attachments: list[Attachment] = []
    raw_attachments = meta.get("attachments") or []
    if not isinstance(raw_attachments, list):
        bad("attachments", "attachments must be a list of {title, file, url}")
        raw_attachments = []
    for i, item in enumerate(raw_attachments, 1):
        item_key = f"attachments[{i - 1}]" if f"attachments[{i - 1}]" in lines else "attachments"
        if not isinstance(item, dict) or not item.get("file"):
            bad(item_key, f"attachment {i} needs at least a file")
            continue
        file = str(item["file"])
        if file.startswith("/") or ".." in PurePosixPath(file).parts or "://" in file:
            bad(item_key, f"attachment {i}: file {file!r} must be a path inside the article folder")
            continue
        label = str(item.get("title") or PurePosixPath(file).name)
        attachments.append(Attachment(label, file, item.get("url"), line=lines.get(item_key, 1)))

    field_problems: list[str] = []
    laws = _str_list(meta.get("laws"), "laws", field_problems)
    tags = _str_list(meta.get("tags"), "tags", field_problems)
    origin_urls = _str_list(meta.get("origin_urls"), "origin_urls", field_problems)
    for message in field_problems:
        bad(message.split()[0], message)

    removed = None
    if meta.get("removed_upstream") not in (None, ""):
        try:
            removed = parse_date(meta["removed_upstream"])[0].date()
        except ValueError as exc:
            bad("removed_upstream", f"unparseable removed_upstream: {exc}")
    withdrawn, withdrawn_reason = _withdrawal(meta, bad)

    if problems:
        raise ArticleInvalid(problems)
    return Article(
        title=title,
        date=date,
        time_known=time_known,
        column=column,
        slug=slug,
        body=normalize_body(body),
        source=_opt_str(meta.get("source")),
        publisher=_opt_str(meta.get("publisher")),
        origin_url=_opt_str(meta.get("origin_url")),
        origin_urls=origin_urls,
        attachments=tuple(attachments),
        laws=laws,
        tags=tags,
        summary=_opt_str(meta.get("summary")),
        origin=origin,
        content_hash=_opt_str(meta.get("content_hash")),
        removed_upstream=removed,
        withdrawn=withdrawn,
        withdrawn_reason=withdrawn_reason,
        path=PurePosixPath(path),
    )


def _withdrawal(meta: dict[str, Any], bad: Callable[[str, str], None]) -> tuple[dt.date | None, str | None]:
    """The ``withdrawn`` day and ``withdrawn_reason``: both or neither, so every withdrawal says why."""
    raw_day, reason = meta.get("withdrawn"), _opt_str(meta.get("withdrawn_reason"))
    day = None
    if raw_day not in (None, ""):
        try:
            day = parse_date(raw_day)[0].date()
        except ValueError as exc:
            bad("withdrawn", f"unparseable withdrawn: {exc}")
            return None, reason
        if not reason:
            bad("withdrawn", "a withdrawn article needs withdrawn_reason: why it was taken down")
    elif reason:
        bad("withdrawn_reason", "withdrawn_reason without withdrawn: give the day it was withdrawn, or remove the reason")
    return day, reason


def _opt_str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
