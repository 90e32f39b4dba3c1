"""Law pages with text, from the law library (``fazhi.law.library``).

``/laws/<slug>/`` shows the version in force today: its dates, every known version
(older ones at ``/laws/<slug>/<YYYY-MM-DD>/``), a table of contents by chapter, and
the text with one ASCII anchor per article (``#a25``, ``#a120-1``); below it, as
without a library, the archive's articles citing the law. A repealed law says so
and names its successor. The HTML of a text is made only when its page renders
(``StatuteText``), so thousands of law pages never sit in memory at once.

``statute_json`` is what the citation popovers load: the articles of one version in
blocks of ``CHUNK_ARTICLES`` by number, one small file per block actually cited,
written beside the law's pages (``/laws/<slug>/<key>.<block>.json``), so a citation
of 民法典 第一千二百三十四条 loads articles 1200–1299, not the whole code.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from fazhi.law.library import LawText, Library, Repeal, Version, day_text
from fazhi.law.names import law_slug, law_url

CHUNK_ARTICLES = 100


def is_current(law: LawText, version: Version, today: dt.date) -> bool:
    return law.current(today) is version


def version_url(law: LawText, version: Version, today: dt.date) -> str:
    """The page of one version: the law's own page for the version in force today."""
    base = law_url(law_slug(law.name))
    return base if is_current(law, version, today) else f"{base}{version.key}/"


def json_url(law: LawText, version: Version, block: int) -> str:
    """The popover file holding the articles numbered ``block * CHUNK_ARTICLES`` up to the next block."""
    return f"{law_url(law_slug(law.name))}{version.key}.{block}.json"


@dataclass(frozen=True)
class StatuteText:
    """A version's table of contents and text as HTML, made when the page is rendered."""

    version: Version

    def toc(self) -> Markup:
        headings = self.version.headings
        if not headings:
            return Markup("")
        top = min(h.level for h in headings)
        items = []
        for number, heading in enumerate(headings, 1):
            depth = min(heading.level - top, 3)
            items.append(f'<li class="fz-law-toc__l{depth}"><a href="#c{number}">{html.escape(heading.title)}</a></li>')
        return Markup('<nav class="fz-law-toc" aria-label="目录"><h2 id="fz-law-toc">目录</h2><ol>' + "".join(items) + "</ol></nav>")

    def body(self) -> Markup:
        version = self.version
        starts: dict[int, list[tuple[int, str, int]]] = {}
        top = min((h.level for h in version.headings), default=2)
        for number, heading in enumerate(version.headings, 1):
            starts.setdefault(heading.first, []).append((number, heading.title, heading.level))
        out: list[str] = ['<div class="fz-law-text">']
        for index, article in enumerate(version.articles):
            out.extend(self._headings(starts.get(index, ()), top))
            anchor = article.no.anchor
            paragraphs = [html.escape(p) for p in article.paragraphs]
            first = paragraphs[0] if paragraphs else ""
            out.append(f'<div class="fz-law-article" id="{anchor}"><p><a class="fz-law-article__no" href="#{anchor}">'
                       f"{article.no.label}</a> {first}</p>")
            out.extend(f"<p>{p}</p>" for p in paragraphs[1:])
            out.append("</div>")
        out.extend(self._headings(starts.get(len(version.articles), ()), top))
        out.append("</div>")
        return Markup("".join(out))

    @staticmethod
    def _headings(headings: Iterable[tuple[int, str, int]], top: int) -> Iterator[str]:
        for number, title, level in headings:
            tag = f"h{min(2 + level - top, 4)}"
            yield f'<{tag} id="c{number}" class="fz-law-heading">{html.escape(title)}</{tag}>'



def repeal_context(library: Library, repeal: Repeal | None) -> dict[str, Any] | None:
    if repeal is None:
        return None
    successor = library.laws.get(repeal.by)
    return {"date": day_text(repeal.date), "by": repeal.by, "url": law_url(law_slug(repeal.by)) if successor else None}


def law_context(library: Library, law: LawText, version: Version, today: dt.date) -> dict[str, Any]:
    """What ``law.html`` shows of one version of a law (entries and pager are added by the caller)."""
    current = law.current(today)
    return {
        "name": law.name,
        "title": version.title,
        "version": {
            "date": day_text(version.date),
            "effective": day_text(version.effective),
            "effective_stated": version.effective_stated,
            "pending": version.effective > today,
            "current": version is current,
            "history": version.history,
        },
        "current_url": version_url(law, current, today),
        "versions": [
            {"date": day_text(v.date), "effective": day_text(v.effective), "url": version_url(law, v, today), "current": v is current,
             "shown": v is version}
            for v in reversed(law.versions)
        ],
        "repeal": repeal_context(library, law.repeal),
        "text": StatuteText(version),
        "articles": len(version.articles),
    }


def statute_json(law: LawText, version: Version, block: int, library: Library) -> dict[str, Any]:
    """The popover data of one block of a version: its dates and the block's articles (label and paragraphs) by anchor."""
    return {
        "law": law.name,
        "version": version.key,
        "date": day_text(version.date),
        "effective": day_text(version.effective),
        "repeal": repeal_context(library, law.repeal),
        "articles": {a.no.anchor: [a.no.label, *a.paragraphs] for a in version.articles if a.no.number // CHUNK_ARTICLES == block},
    }
