"""Reading a built site in tests: parse a page, follow its relative links, list article files."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin

from bs4 import BeautifulSoup, Tag

from fazhi.article import Article
from fazhi.content import load_tree

BASE = "http://site.test/"


def page(site: Path, url: str) -> BeautifulSoup:
    """The parsed HTML of the page at site-relative ``url`` (``summaries/``, ``""`` for home)."""
    path = site / unquote(url) / "index.html"
    assert path.is_file(), f"no page at /{url}"
    return BeautifulSoup(path.read_bytes(), "lxml")


def resolve(url: str, href: str) -> str:
    """A link found on the page at ``url``, as a site-relative URL."""
    target = urljoin(BASE + url, href)
    assert target.startswith(BASE), f"{href!r} on /{url} leaves the site"
    return target[len(BASE):]


def links(tree: Tag, url: str, selector: str) -> list[str]:
    """Site-relative targets (href, or src for images) of the elements matching a CSS selector, in page order."""
    return [resolve(url, str(a.get("href") or a["src"])) for a in tree.select(selector)]


def articles(content: Path) -> list[Article]:
    """Every valid article of a content tree, newest first (what the site must show)."""
    tree = load_tree(content)
    assert tree.ok, tree.problems
    return tree.articles


def content_copy(docs: Path, target: Path) -> Path:
    """The repository's site pages (home, guide, search, assets) without its articles, at ``target``."""
    from fazhi_app.hooks.archive import COLUMN_ORDER

    shutil.copytree(docs, target, ignore=lambda folder, names: [n for n in names if Path(folder) == docs and n in COLUMN_ORDER])
    return target


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path
