"""Helpers for the scraper tests: the scraped tree indexed by origin URL, and an HTML safety check."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from fazhi.article import Article
from fazhi.content import load_tree

EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "form", "frame", "frameset", "base", "meta", "link", "style"}


class _Unsafe(HTMLParser):
    """Collects everything in rendered HTML that could run code."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in EXECUTABLE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"{tag}[{name}]")
            scheme = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            url_attribute = name.lower() in ("href", "src", "action", "data", "xlink:href", "formaction")
            if url_attribute and scheme.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag}[{name}={value}]")
            if name.lower() == "style" and value and "javascript" in value.lower():
                self.found.append(f"{tag}[style]")


def unsafe_parts(html: str) -> list[str]:
    """Executable parts of an HTML fragment (empty when it is safe)."""
    parser = _Unsafe()
    parser.feed(html)
    return parser.found


def render(body: str) -> str:
    """A body rendered the way MkDocs renders Markdown (Python-Markdown with tables)."""
    return markdown.markdown(body, extensions=["tables", "attr_list", "md_in_html"])


def articles_by_url(content: Path) -> dict[str, Article]:
    tree = load_tree(content)
    assert tree.ok, "\n".join(str(p) for p in tree.problems)
    return {a.origin_url: a for a in tree.articles if a.origin_url}


@pytest.fixture(scope="module")
def scraped_articles(scraped) -> dict[str, Article]:  # type: ignore[no-untyped-def]
    return articles_by_url(scraped.content)


class Clock:
    """A settable clock for the revisit schedule: starts now, moves only when told."""

    def __init__(self) -> None:
        self.now = dt.datetime.now().replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, days: float) -> None:
        self.now += dt.timedelta(days=days)
