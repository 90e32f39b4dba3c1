"""What a generated page is, and the one paginator every listing shares.

A generator returns ``PageSpec``s. The plugin turns each into a generated
MkDocs file held in memory (never written into docs/) that MkDocs builds like
any other page, renders it with ``template`` and hands ``context`` to that
template as ``fazhi``. When the content tree already holds a file at ``src_uri`` (a
hand-written home page or column introduction), that file is built instead and
its text shows above what the template adds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fazhi_app.hooks.archive import Archive

T = TypeVar("T")
# Page links shown around the current page before a gap ("…") in long listings.
PAGER_WINDOW = 2


@dataclass(frozen=True)
class PageSpec:
    """One generated page: where it lives (as if in docs/), title, template and its data.

    ``hide`` lists Material's hideable sidebars (``navigation``, ``toc``); ``description``
    is the page's own meta description (empty: the site's).
    """

    src_uri: str
    title: str
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    markdown: str = ""
    hide: tuple[str, ...] = ("toc",)
    description: str = ""

    def source(self) -> str:
        """The Markdown file MkDocs reads; title, template and hide are set as page meta by the plugin."""
        return self.markdown + "\n"


# A generator: every page of one kind, from the archive.
Generator = Callable[["Archive"], Iterable[PageSpec]]


@dataclass(frozen=True)
class Pager:
    """Where one page of a listing sits: its number, neighbours and the page links to show.

    ``links`` holds (number, url) pairs; (None, None) marks a gap.
    """

    number: int
    count: int
    url: str
    prev_url: str | None
    next_url: str | None
    links: tuple[tuple[int | None, str | None], ...]


def page_url(base: str, number: int) -> str:
    """URL of page ``number`` of the listing at ``base``: page 1 is ``base`` itself, then ``base/page/N/``."""
    return base if number == 1 else f"{base}page/{number}/"


def src_uri(url: str) -> str:
    """The docs-relative file that MkDocs turns into ``url`` (directory URLs)."""
    return f"{url}index.md"


def paginate(items: Sequence[T], per_page: int, base: str) -> list[tuple[Pager, Sequence[T]]]:
    """Split ``items`` into pages of ``per_page``; an empty list still gets its first page."""
    per_page = max(1, per_page)
    count = max(1, -(-len(items) // per_page))
    urls = [page_url(base, n) for n in range(1, count + 1)]
    result = []
    for number in range(1, count + 1):
        window = range(max(1, number - PAGER_WINDOW), min(count, number + PAGER_WINDOW) + 1)
        links: list[tuple[int | None, str | None]] = []
        previous = 0
        for n in sorted({1, count, *window}):
            if n - previous > 1:
                links.append((None, None))
            links.append((n, urls[n - 1]))
            previous = n
        pager = Pager(
            number=number,
            count=count,
            url=urls[number - 1],
            prev_url=urls[number - 2] if number > 1 else None,
            next_url=urls[number] if number < count else None,
            links=tuple(links),
        )
        result.append((pager, items[(number - 1) * per_page : number * per_page]))
    return result
