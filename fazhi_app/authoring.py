"""Staff authoring: scaffold a new article file and check the whole content tree.

``new_article`` writes ``<column>/<year>/<slug>/index.md`` with the front
matter filled in from the model, so a new file is valid before a word of body
text is written. ``check_content`` is ``fazhi check``: the same validation the
build runs, every problem as ``path:line: message``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fazhi.article import COLUMNS, SLUG_RE, Article, article_path, parse_article, parse_date, slugify
from fazhi.config import Settings
from fazhi.content import ContentTree, load_tree
from fazhi.errors import ConfigError, FazhiError

BODY_PLACEHOLDER = """在此撰写正文（Markdown）。小标题用“## 一、……”；图片和附件放在本文件夹内，正文中用文件名引用，
附件另在上方 attachments 中登记。写完后运行 fazhi check 检查。
"""


def new_article(
    settings: Settings,
    *,
    column: str,
    title: str,
    date: str | None = None,
    slug: str | None = None,
    source: str | None = None,
    publisher: str | None = None,
    body: str = BODY_PLACEHOLDER,
) -> Path:
    """Create a staff article file and return its path; refuses a slug already in use."""
    root = settings.paths.content
    title = title.strip()
    if not title:
        raise FazhiError("the title must not be empty")
    if column not in COLUMNS:
        raise FazhiError(f"unknown column {column!r} (known: {', '.join(COLUMNS)})")
    try:
        when, time_known = parse_date(date) if date else (dt.datetime.combine(dt.date.today(), dt.time()), False)
    except ValueError as exc:
        raise FazhiError(f"unparseable date: {exc}") from None
    slug = slug or slugify(title)
    if not SLUG_RE.match(slug):
        raise FazhiError(f"slug {slug!r} must be lower-case ASCII letters, digits and single hyphens")
    taken = sorted(root.glob(f"*/*/{slug}/index.md"))
    if taken:
        raise FazhiError(f"slug {slug!r} is already used by {taken[0].relative_to(root)}")
    article = Article(
        title=title,
        date=when,
        time_known=time_known,
        column=column,
        slug=slug,
        body=body,
        source=source or None,
        publisher=publisher if publisher is not None else settings.publisher,
    )
    rel = article_path(column, when, slug)
    text = article.to_markdown()
    parse_article(text, rel)  # the scaffold must pass the same validation as the build
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:
        out.write(text)
    return path


def check_content(settings: Settings) -> ContentTree:
    """Load and validate every article under the content root (what the build refuses on)."""
    root = settings.paths.content
    if not root.is_dir():
        raise ConfigError(f"{root}: content directory not found")
    return load_tree(root)
