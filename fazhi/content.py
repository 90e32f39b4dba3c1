"""The content tree: find, load and validate every article file.

An article file is ``<column>/<year>/<slug>/index.md`` under the content root.
Other Markdown files (the home page, 投稿指南, the search page) are site pages
and are not articles. Loading never stops at the first bad file: it returns
every problem so ``fazhi check`` and the build can print them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fazhi.article import COLUMNS, Article, article_path, parse_article, split_front_matter
from fazhi.errors import ArticleInvalid, Problem

# Local links in a body: ![alt](file.png) and [text](file.pdf), not URLs or anchors.
LOCAL_LINK_RE = re.compile(r"!?\[[^\]]*\]\((?!https?:|mailto:|#|/)([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@dataclass
class ContentTree:
    """Every valid article in a content root, plus the problems of the rest."""

    root: Path
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_column(self, column: str) -> list[Article]:
        """Articles of one column, newest first."""
        return [a for a in self.articles if a.column == column]


def article_files(root: Path) -> list[Path]:
    """Every article file under ``root``, sorted, found by the ``<column>/<year>/<slug>/index.md`` shape."""
    files: list[Path] = []
    for column in COLUMNS:
        base = root / column
        if base.is_dir():
            files.extend(p for p in base.glob("*/*/index.md") if p.is_file())
    return sorted(files)


def check_article(article: Article, root: Path, body_line: int = 1) -> list[Problem]:
    """Problems that need the file's location or its folder: wrong place, missing files.

    ``body_line`` is the file line where the body starts, so link problems name the real line.
    """
    assert article.path is not None
    where = str(article.path)
    problems: list[Problem] = []
    expected = article_path(article.column, article.date, article.slug)
    if PurePosixPath(article.path) != expected:
        problems.append(Problem(where, 1, f"file is at {article.path} but its column, date and slug put it at {expected}"))
    folder = root / PurePosixPath(article.path).parent
    for attachment in article.attachments:
        if not (folder / attachment.file).is_file():
            problems.append(Problem(where, 1, f"broken attachment link: {attachment.file} does not exist beside the article"))
    for lineno, line in enumerate(article.body.split("\n"), 1):
        if "](" not in line:  # no link on this line: skip the regex (long law texts have thousands of lines)
            continue
        for match in LOCAL_LINK_RE.finditer(line):
            target = match.group(1).split("#")[0]
            if target and not target.endswith(".md") and not (folder / target).exists():
                problems.append(Problem(where, body_line + lineno - 1, f"broken link: {target} does not exist beside the article"))
    return problems


def load_tree(root: Path) -> ContentTree:
    """Load and validate every article under ``root``; newest first; duplicate slugs reported."""
    tree = ContentTree(root)
    seen: dict[str, Article] = {}
    for path in article_files(root):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        try:
            text = path.read_text("utf-8")
            article = parse_article(text, rel)
        except UnicodeDecodeError as exc:
            tree.problems.append(Problem(str(rel), 1, f"not UTF-8 text: {exc.reason}"))
            continue
        except ArticleInvalid as exc:
            tree.problems.extend(exc.problems)
            continue
        problems = check_article(article, root, _body_line(text))
        if article.slug in seen:
            problems.append(Problem(str(rel), 1, f"duplicate slug {article.slug!r}: also used by {seen[article.slug].path}"))
        if problems:
            tree.problems.extend(problems)
            continue
        seen[article.slug] = article
        tree.articles.append(article)
    tree.articles.sort(key=lambda a: (a.date, a.slug), reverse=True)
    return tree


def _body_line(text: str) -> int:
    """File line of the first body line (the body is stripped of leading blank lines on load)."""
    _, body, start = split_front_matter(text)
    stripped = body.lstrip("\n")
    return start + (len(body) - len(stripped))
