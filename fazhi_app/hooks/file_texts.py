"""The text inside an article's images and attachments, made readable on the site (WCAG 1.1.1, GB/T 37668).

Whose text: staff's ``transcripts`` entry for the file when there is one, else what the nightly job read out
of it (``fazhi_app.extraction.file_texts``, from the cache), marked 机器识别.

- An image whose text is substantial gets a 「图片文字」 disclosure (``<details>``, no script) right after
  the paragraph holding it, and the image points to it with ``aria-describedby``: a screen reader reads the
  text with the picture. A very long text is shown in part, with a link to its text version.
- Every image and attachment with text gets a text version: a plain page of its own URL
  (``<article>/text/<key>/``), saying whose text it is and that the original file is the authority, linking
  back to the article and to the file. Long texts live there, so article pages stay small.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from fazhi.article import Article
from fazhi.file_text import FileKind, FileText
from fazhi_app.hooks.archive import Archive, Entry
from fazhi_app.hooks.pages import PageSpec, src_uri

TEMPLATE = "file-text.html"
# Characters (not counting spaces) an image's text needs to be worth a disclosure: a logo's two words are not.
SUBSTANTIAL = 20
# Characters of an image's text shown in its disclosure; past it, the rest is on the text version.
INLINE_CHARS = 3000
_IMG_RE = re.compile(r"<img\b[^>]*>", re.I)
_SRC_RE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_ALT_RE = re.compile(r"""\salt\s*=\s*(?:"[^"]*[^"\s][^"]*"|'[^']*[^'\s][^']*')""", re.I)  # an alt that names something
_EMPTY_ALT_RE = re.compile(r"""\salt(?:\s*=\s*(?:"\s*"|'\s*'|(?=[\s/>])))?(?=[\s/>])""", re.I)
IMAGE_NAME = "图片（文字见下方“图片文字”）"
_P_OPEN_RE = re.compile(r"<p\b[^>]*>", re.I)


@dataclass(frozen=True)
class Readable:
    """The text of one file beside an article, as the site shows it.

    ``pages``: (page number or None, its text), in order; ``machine``: read by a machine, not staff's transcript.
    """

    name: str
    kind: FileKind
    machine: bool
    pages: tuple[tuple[int | None, str], ...]
    url: str

    @property
    def text(self) -> str:
        return "\n\n".join(text for _, text in self.pages)

    @property
    def substantial(self) -> bool:
        return len("".join(self.text.split())) >= SUBSTANTIAL


def text_url(article_url: str, name: str) -> str:
    """The text version's URL of the file ``name`` of the article at ``article_url``: stable while the name is."""
    return f"{article_url}text/{hashlib.sha1(name.encode('utf-8')).hexdigest()[:10]}/"


def readable(article: Article, texts: Iterable[FileText]) -> dict[str, Readable]:
    """``file name -> Readable`` for every file of ``article`` with text: staff's transcript first, else the machine's."""
    machine: dict[str, list[FileText]] = {}
    for item in texts:
        if item.status == "ok" and item.text.strip():
            machine.setdefault(item.name, []).append(item)
    kinds = {name: items[0].kind for name, items in machine.items()}
    found = {
        name: Readable(name, items[0].kind, items[0].machine, tuple((i.page, i.text) for i in sorted(items, key=lambda i: i.page or 0)),
                       text_url(article.url, name))
        for name, items in machine.items()
    }
    attached = {a.file for a in article.attachments}
    for name, text in article.transcripts:
        kind: FileKind = kinds.get(name, "attachment" if name in attached else "image")
        found[name] = Readable(name, kind, False, ((None, text),), text_url(article.url, name))
    return found


def pages(archive: Archive) -> Iterable[PageSpec]:
    """One text version per file with text, of every article."""
    for entry in archive.entries:
        titles = {a.file: a.title for a in entry.article.attachments}
        for item in archive.readable.get(entry.src_uri, {}).values():
            label = titles.get(item.name, posixpath.basename(item.name))
            yield PageSpec(
                src_uri(item.url), f"{label}（文本版本）", TEMPLATE,
                {"entry": entry, "file": item, "label": label, "file_url": entry.url + quote(item.name),
                 "pages": [(page, lines(text)) for page, text in item.pages]},
                hide=("navigation", "toc"),
                description=f"《{entry.title}》的{'图片' if item.kind == 'image' else '附件'}“{label}”中的文字",
            )


def lines(text: str) -> list[str]:
    """A text's non-blank lines: each one paragraph of the page."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def describe_images(content: str, entry: Entry, texts: dict[str, Readable], page_url: str) -> str:
    """``content`` (an article's HTML) with a 「图片文字」 disclosure after each image whose text is substantial."""
    if not texts or "<img" not in content:
        return content
    out: list[str] = []
    done = 0
    number = 0
    for match in _IMG_RE.finditer(content):
        item = _image_text(match.group(0), entry, texts, page_url)
        if item is None:
            continue
        number += 1
        ident = f"fz-imgtext-{number}"
        out.append(content[done:match.start()])
        tag = _named(match.group(0))
        out.append(tag[:-1].rstrip("/").rstrip() + f' aria-describedby="{ident}"' + (" />" if tag.endswith("/>") else ">"))
        done = match.end()
        if _inside_paragraph(content, match.start()):  # after the paragraph: a <details> may not sit inside a <p>
            close = content.find("</p>", done) + len("</p>")
            out.append(content[done:close])
            done = close
        out.append(_disclosure(ident, item, page_url))
    out.append(content[done:])
    return "".join(out)


def _named(tag: str) -> str:
    """An image tag with a name: an empty ``alt`` marks a picture as decoration, which a picture carrying text is not
    (and a description on a decoration is ignored), so it says where its text is."""
    if _ALT_RE.search(tag):
        return tag
    bare = _EMPTY_ALT_RE.sub("", tag)
    return bare[:4] + f' alt="{IMAGE_NAME}"' + bare[4:]


def _image_text(tag: str, entry: Entry, texts: dict[str, Readable], page_url: str) -> Readable | None:
    src = _SRC_RE.search(tag)
    if src is None:
        return None
    value = html.unescape(src.group(1) if src.group(1) is not None else src.group(2))
    if "://" in value or value.startswith(("data:", "//")):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page_url.rstrip("/") + "/x"), unquote(value)))
    name = path.removeprefix(entry.url.rstrip("/") + "/") if path.startswith(entry.url) else None
    item = texts.get(name) if name else None
    return item if item is not None and item.kind == "image" and item.substantial else None


def _inside_paragraph(content: str, at: int) -> bool:
    """True when the tag at ``at`` sits in a ``<p>`` still open (a disclosure may not go inside a paragraph)."""
    opened = [m.end() for m in _P_OPEN_RE.finditer(content, 0, at)]
    return bool(opened) and "</p>" not in content[opened[-1]:at] and content.find("</p>", at) >= 0


def _disclosure(ident: str, item: Readable, page_url: str) -> str:
    text = item.text
    shown = text if len(text) <= INLINE_CHARS else text[:INLINE_CHARS].rstrip() + "…"
    link = posixpath.relpath(item.url, page_url.rstrip("/") or ".") + "/"
    who = '<span class="fz-imgtext__machine">（机器识别，可能有误）</span>' if item.machine else ""
    more = f'<p><a href="{html.escape(link)}">{"查看全部文字" if shown != text else "文本版本"}</a></p>'
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines(shown))
    return (f'<details class="fz-imgtext" id="{ident}"><summary>图片文字{who}</summary>'
            f'<div class="fz-imgtext__text">{body}{more}</div></details>')


def attachment_context(attachments: list[dict[str, Any]], texts: dict[str, Readable]) -> list[dict[str, Any]]:
    """The article page's attachment list with each one's text version, when it has text."""
    return [{**a, "text_url": texts[a["file"]].url if a["file"] in texts else None} for a in attachments]
