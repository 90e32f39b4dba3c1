"""Staff authoring: scaffold a new article file and check the whole content tree.

``new_article`` writes ``<column>/<year>/<slug>/index.md`` with the front
matter filled in from the model, so a new file is valid before a word of body
text is written. ``check_content`` is ``fazhi check``: the same validation the
build runs, every problem as ``path:line: message``; ``fix_misplaced`` is
``fazhi check --fix``, which moves misplaced articles to their place.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fazhi.article import COLUMNS, SLUG_RE, Article, article_path, parse_article, parse_date, slugify
from fazhi.config import Settings
from fazhi.content import LOCAL_LINK_RE, ContentTree, load_tree
from fazhi.content_files import refused_problems
from fazhi.errors import ConfigError
from fazhi.files import write_atomic

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
    root = content_root(settings)
    title = title.strip()
    if not title:
        raise ConfigError("--title: the title must not be empty")
    if column not in COLUMNS:
        raise ConfigError(f"--column: unknown column {column!r} (known: {', '.join(COLUMNS)})")
    try:
        when, time_known = parse_date(date) if date else (dt.datetime.combine(dt.date.today(), dt.time()), False)
    except ValueError as exc:
        raise ConfigError(f"--date: unparseable date: {exc}") from None
    slug = slug or slugify(title, fallback="")
    if not slug:
        raise ConfigError(f"--title: {title!r} gives no usable slug (no letter, digit or Chinese character); pass --slug")
    if not SLUG_RE.match(slug):
        raise ConfigError(f"--slug: {slug!r} must be lower-case ASCII letters, digits and single hyphens")
    taken = sorted(root.glob(f"*/*/{slug}/index.md"))
    if taken:
        raise ConfigError(f"--slug: slug {slug!r} is already used by {taken[0].relative_to(root)}; pass another --slug")
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


def content_root(settings: Settings) -> Path:
    """The content tree's folder; a missing one is a configuration error, never created by accident."""
    root = settings.paths.content
    if not root.is_dir():
        raise ConfigError(f"{root}: content directory not found" if not root.exists() else f"{root}: not a directory")
    return root


def check_content(settings: Settings) -> ContentTree:
    """Load and validate every article under the content root (what the build refuses on), and judge
    every file beside them by its bytes (refused files the build leaves out)."""
    root = content_root(settings)
    tree = load_tree(root)
    tree.problems.extend(refused_problems(root, file_verdicts(settings), {fault.path for fault in tree.faults}))
    return tree


def file_verdicts(settings: Settings) -> Path:
    """Where the verdicts on content files are cached (``fazhi.content_files``)."""
    return settings.paths.state / "content-files.json"


@dataclass(frozen=True)
class Moved:
    """A misplaced article moved to its place, with the files it links to; or why it was not."""

    source: PurePosixPath
    target: PurePosixPath
    files: tuple[str, ...] = ()
    refused: str | None = None


def fix_misplaced(settings: Settings) -> list[Moved]:
    """Move every misplaced article whose front matter gives its place there, with the files it links to.

    A file whose target is taken, or whose front matter is broken, stays where it is
    (the next check reports it again). Links are kept: files the article names
    relative to its own folder move with it to the same relative place.
    """
    root = content_root(settings)
    moved: list[Moved] = []
    for item in load_tree(root).misplaced:
        if item.target is not None:
            moved.append(_move(root, item.path, item.target))
    return moved


def _move(root: Path, rel: PurePosixPath, target: PurePosixPath) -> Moved:
    source, dest = root / rel, root / target
    if dest.exists() or (dest.parent.exists() and any(dest.parent.iterdir())):
        return Moved(rel, target, refused=f"{target.parent} already exists")
    folder = source.parent
    own_folder = folder != root and folder not in dest.parents and not any(p != source for p in folder.rglob("*.md"))
    if source.name == "index.md" and own_folder:
        # an article folder in the wrong place: it moves whole, with everything beside it
        files = tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p != source))
        dest.parent.parent.mkdir(parents=True, exist_ok=True)
        if dest.parent.exists():
            dest.parent.rmdir()
        folder.rename(dest.parent)
        _remove_empty_folders(folder.parent, root)
        return Moved(rel, target, files)
    text = source.read_text("utf-8")
    article = parse_article(text, rel)
    names = [a.file for a in article.attachments] + [m.group(1).split("#")[0] for m in LOCAL_LINK_RE.finditer(article.body)]
    files = [n for n in dict.fromkeys(names) if n and (folder / n).is_file() and ".." not in PurePosixPath(n).parts]
    dest.parent.mkdir(parents=True, exist_ok=True)
    for name in files:
        (dest.parent / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder / name, dest.parent / name)
    write_atomic(dest, text)
    source.unlink()
    _remove_empty_folders(folder, root)
    return Moved(rel, target, tuple(files))


def _remove_empty_folders(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty, so no husk is left behind."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
