"""The content tree: find, load and validate every article file.

An article file is ``<column>/<year>/<slug>/index.md`` under the content root.
Any other Markdown file under a column folder, and any Markdown file with a
``column:`` field elsewhere, is a misplaced article: a problem of the tree (with
the place its front matter gives it), never a page built on its own. The
remaining Markdown files (the home page, 投稿指南, the search page, a column's
or year's introduction) are site pages. Withdrawn articles are loaded and
checked like the others but kept apart from the published ones. Loading never
stops at the first bad file: it returns every problem so ``fazhi check`` and the
build can print them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fazhi.article import COLUMNS, Article, article_path, parse_article, split_front_matter
from fazhi.errors import ArticleInvalid, Problem
from fazhi.tree_faults import TreeFault, tree_faults, within

# Local links in a body: ![alt](file.png) and [text](file.pdf), not URLs or anchors.
LOCAL_LINK_RE = re.compile(r"!?\[[^\]]*\]\((?!https?:|mailto:|#|/)([^)\s]+)(?:\s+\"[^\"]*\")?\)")


# The file in a built site's root listing the URL paths of withdrawn articles, one a line
# (``cases/2022/slug/``): their notice pages are answered with HTTP 410 where the server can.
WITHDRAWN_LIST = "withdrawn.txt"
# A column's own page and a year's page may carry a hand-written introduction to the listing.
INTRO_RE = re.compile(r"^[a-z]+/(?:\d{4}/)?index\.md$")
COLUMN_FIELD_RE = re.compile(r"^column\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Misplaced:
    """An article file not at ``<column>/<year>/<slug>/index.md`` of its own front matter.

    ``target`` is where it belongs, or None while its front matter is too broken to say.
    """

    path: PurePosixPath
    target: PurePosixPath | None


@dataclass
class ContentTree:
    """Every valid published article in a content root, the withdrawn ones, and the problems of the rest."""

    root: Path
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    withdrawn: list[Article] = field(default_factory=list)
    misplaced: list[Misplaced] = field(default_factory=list)
    faults: list[TreeFault] = field(default_factory=list)

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


def sound_article_files(root: Path, faults: list[TreeFault]) -> list[Path]:
    """The article files under ``root`` outside its ``faults``: those that may be read as articles."""
    faulty = {fault.path for fault in faults}
    return [path for path in article_files(root) if not within(path, faulty)]


def misplaced_candidates(root: Path, shaped_files: list[Path]) -> list[Path]:
    """Markdown files that look like articles but are not in the article shape (see the module docstring).

    ``shaped_files`` are the tree's ``article_files``, found once by the caller.
    """
    shaped = set(shaped_files)
    found: list[Path] = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if path in shaped or any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        under_column = rel.parts[0] in COLUMNS and len(rel.parts) > 1
        if (under_column and not INTRO_RE.match(rel.as_posix())) or _has_column_field(path):
            found.append(path)
    return found


def _has_column_field(path: Path) -> bool:
    """Whether a Markdown file's front matter has a ``column:`` field (unreadable front matter has none)."""
    try:
        meta, _, _ = split_front_matter(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return COLUMN_FIELD_RE.search(meta) is not None


def misplaced_problem(item: Misplaced) -> Problem:
    """The line ``fazhi check`` prints for a misplaced article."""
    if item.target is None:
        what = "fix its front matter so its place is known"
    else:
        what = f"it belongs at {item.target} (`fazhi check --fix` moves it there with its files)"
    return Problem(str(item.path), 1, f"misplaced article: articles live at <column>/<year>/<slug>/index.md; {what}")


def check_article(article: Article, root: Path, body_line: int = 1) -> list[Problem]:
    """Problems that need the file's location or its folder: wrong place, missing files.

    ``body_line`` is the file line where the body starts, so link problems name the real line.
    """
    assert article.path is not None
    where = str(article.path)
    problems: list[Problem] = []
    folder = root / PurePosixPath(article.path).parent
    for attachment in article.attachments:
        if not (folder / attachment.file).is_file():
            problems.append(Problem(where, attachment.line, f"broken attachment link: {attachment.file} does not exist beside the article"))
    for lineno, line in enumerate(article.body.split("\n"), 1):
        if "](" not in line:  # no link on this line: skip the regex (long law texts have thousands of lines)
            continue
        for match in LOCAL_LINK_RE.finditer(line):
            target = match.group(1).split("#")[0]
            if target and not target.endswith(".md") and not (folder / target).exists():
                problems.append(Problem(where, body_line + lineno - 1, f"broken link: {target} does not exist beside the article"))
    return problems


def load_tree(root: Path) -> ContentTree:
    """Load and validate every article under ``root``; newest first; duplicate slugs, misplaced files and
    what cannot be read or is not what its name says (``fazhi.tree_faults``, never read further) reported."""
    tree = ContentTree(root, faults=tree_faults(root))
    tree.problems.extend(fault.problem for fault in tree.faults)
    faulty = {fault.path for fault in tree.faults}
    seen: dict[str, Article] = {}
    shaped = sound_article_files(root, tree.faults)
    for path in [*shaped, *(p for p in misplaced_candidates(root, shaped) if not within(p, faulty))]:
        rel = PurePosixPath(path.relative_to(root).as_posix())
        loaded = _load_one(path, rel, tree)
        if loaded is None:
            continue
        article, text = loaded
        problems = check_article(article, root, _body_line(text))
        target = article_path(article.column, article.date, article.slug)
        if rel != target:
            tree.misplaced.append(Misplaced(rel, target))
            problems.append(misplaced_problem(tree.misplaced[-1]))
        if article.slug in seen:
            line = _field_line(text, "slug")
            problems.append(Problem(str(rel), line, f"duplicate slug {article.slug!r}: also used by {seen[article.slug].path}"))
        if problems:
            tree.problems.extend(problems)
            continue
        seen[article.slug] = article
        (tree.withdrawn if article.withdrawn else tree.articles).append(article)
    tree.articles.sort(key=lambda a: (a.date, a.slug), reverse=True)
    tree.problems.sort(key=lambda p: (p.path, p.line))
    return tree


def _load_one(path: Path, rel: PurePosixPath, tree: ContentTree) -> tuple[Article, str] | None:
    """One file parsed, or None with its problems added to ``tree`` (a misplaced one is recorded as such)."""
    shaped = len(rel.parts) == 4 and rel.parts[0] in COLUMNS and rel.name == "index.md"
    try:
        text = path.read_text("utf-8")
        return parse_article(text, rel), text
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        what = f"not UTF-8 text: {exc.reason} (byte 0x{exc.object[exc.start]:02x}); save it as UTF-8"
        tree.problems.append(Problem(str(rel), line, what))
    except ArticleInvalid as exc:
        tree.problems.extend(exc.problems)
    if not shaped:
        tree.misplaced.append(Misplaced(rel, None))
        tree.problems.append(misplaced_problem(tree.misplaced[-1]))
    return None


def _field_line(text: str, name: str) -> int:
    """File line of a top-level front-matter field, or 1 when it is not found."""
    match = re.search(rf"^{name}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _body_line(text: str) -> int:
    """File line of the first body line (the body is stripped of leading blank lines on load)."""
    _, body, start = split_front_matter(text)
    stripped = body.lstrip("\n")
    return start + (len(body) - len(stripped))
