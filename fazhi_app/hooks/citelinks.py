"""Citations in an article's HTML become links to the cited article of the version then in force.

Runs on the HTML MkDocs made of an article body (so citations in tables, lists and
quotes are found alike), scanning only text outside tags, never inside links, code or
preformatted blocks. A block element (paragraph, list item, table cell, heading) ends
the reach of a bare 第N条 continuing the last law cited.

Each link is plain HTML: ``href`` goes to the article on its law page, so it works
without script; ``data-statute`` names the version's JSON (``statute_json``) and
``data-articles`` the anchors, which ``assets/fazhi/cite.js`` shows in place.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from mkdocs.utils import get_relative_url

from fazhi.law.citations import ArticleRef, CitationScanner
from fazhi.law.library import LawText, Library, Version
from fazhi_app.hooks.law_text import CHUNK_ARTICLES, day_text, json_url, version_url

TAG_RE = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>", re.S)
BLOCK_TAGS = frozenset({"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "div",
                        "tr", "table", "ul", "ol", "section", "figcaption", "details", "summary", "br", "hr"})
SKIP_TAGS = frozenset({"a", "code", "pre", "script", "style", "kbd", "samp", "textarea"})


@dataclass
class CitationLinker:
    """Links citations page by page and remembers which law versions the pages need as JSON."""

    library: Library
    today: dt.date
    used: dict[str, tuple[LawText, Version, int]] = field(default_factory=dict)
    links: int = 0

    def link(self, page_html: str, day: dt.date, page_url: str) -> str:
        """``page_html`` with each resolvable citation wrapped in a link; unresolvable ones stay as they are."""
        if "第" not in page_html:
            return page_html
        scanner = CitationScanner(self.library, day)
        out: list[str] = []
        position = 0
        skipping = 0
        for tag in TAG_RE.finditer(page_html):
            out.append(self._text(page_html[position:tag.start()], scanner, page_url, skipping))
            out.append(tag.group(0))
            position = tag.end()
            name = (tag.group(2) or "").lower()
            if name in SKIP_TAGS and not tag.group(0).endswith("/>"):
                skipping = max(0, skipping + (-1 if tag.group(1) else 1))
            if name in BLOCK_TAGS:
                scanner.reset()
        out.append(self._text(page_html[position:], scanner, page_url, skipping))
        return "".join(out)

    def _text(self, text: str, scanner: CitationScanner, page_url: str, skipping: int) -> str:
        if skipping or not text:
            return text
        refs, _ = scanner.scan(text)  # also where no 第 is: a 《law》 here may be continued in the next piece
        if not refs:
            return text
        out: list[str] = []
        position = 0
        for ref in refs:
            out.append(text[position:ref.start])
            out.append(self._anchor(ref, text[ref.start:ref.end], page_url))
            position = ref.end
        out.append(text[position:])
        return "".join(out)

    def _anchor(self, ref: ArticleRef, label: str, page_url: str) -> str:
        law, version = ref.law, ref.version
        block = ref.articles[0].number // CHUNK_ARTICLES  # a range is read from the block of its first article
        target = json_url(law, version, block)
        self.used[target] = (law, version, block)
        self.links += 1
        href = get_relative_url(version_url(law, version, self.today), page_url) + "#" + ref.anchor
        classes = ["fz-cite"]
        notes = []
        if ref.early:
            classes.append("fz-cite--early")
            notes.append(f"本文发布时此版本尚未施行：站内最早的文本是{day_text(version.date)}的版本（{day_text(version.effective)}起施行）。")
        if ref.repeal is not None:
            classes.append("fz-cite--repealed")
            notes.append(f"《{law.name}》已于{day_text(ref.repeal.date)}废止，由《{ref.repeal.by}》取代。")
        attributes = [
            f'class="{" ".join(classes)}"',
            f'href="{html.escape(href)}"',
            f'data-statute="{html.escape(get_relative_url(target, page_url))}"',
            f'data-articles="{" ".join(a.anchor for a in ref.articles)}"',
            f'data-law="{html.escape(law.name)}"',
            f'data-version="{day_text(version.date)}版，{day_text(version.effective)}起施行"',
        ]
        if notes:
            attributes.append(f'data-note="{html.escape("".join(notes))}"')
        return f"<a {' '.join(attributes)}>{label}</a>"
