"""Sanitise a cleaned body and turn it into Markdown for the article file.

Two steps, in this order, so nothing executable can reach the site:

1. ``sanitize``: nh3 with an allowlist of text tags and a few attributes. Scripts,
   iframes, objects, SVG and forms go with their content; every ``on*`` attribute
   and every URL whose scheme is not http, https or mailto is dropped.
2. ``to_markdown``: markdownify, with text escaped so that page text can never
   become Markdown or raw HTML: ``<`` ``>`` and entity-like ``&`` become entities,
   ``[ ] * _ `` ` ``|`` (in tables) and ``(`` after ``]`` get backslashes. Only structure this module
   emits itself (paragraphs, headings, bold, lists, tables, links, images) remains;
   there are no code blocks, so leading spaces outside lists are dropped.
"""

from __future__ import annotations

import re
from typing import Any

import markdownify
import nh3

ALLOWED_TAGS = {
    "p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "ul", "ol", "li",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "img", "a", "blockquote",
    "sup", "sub", "hr", "div", "dl", "dt", "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "svg", "math", "noscript", "template", "textarea", "select", "title"}
ENTITY_LIKE_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")
SAFE_URL_RE = re.compile(r"^(?:https?://|mailto:|[A-Za-z0-9._~%/-])", re.I)


def sanitize(html: str) -> str:
    """HTML with only text structure left: no scripts, frames, event handlers or non-http URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def _safe_url(url: str) -> str | None:
    """A URL fit for a Markdown link target, or None (sanitize already dropped bad schemes)."""
    url = url.strip()
    if not url or not SAFE_URL_RE.match(url):
        return None
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


class _Converter(markdownify.MarkdownConverter):
    """markdownify with escaping that keeps page text from turning into markup."""

    def escape(self, text: str, parent_tags: Any) -> str:
        text = super().escape(text, parent_tags)
        text = ENTITY_LIKE_RE.sub("&amp;", text)
        text = text.replace("<", "&lt;").replace(">", "&gt;")
        text = text.replace("[", r"\[").replace("]", r"\]").replace("`", r"\`").replace(r"\](", r"\]\(")
        if {"td", "th"} & set(parent_tags or ()):
            text = text.replace("|", r"\|")
        return text

    def convert_a(self, el: Any, text: str, parent_tags: Any) -> str:
        href = _safe_url(str(el.get("href") or ""))
        text = text.strip()
        if not href or ("_inline" in (parent_tags or ()) and not text):
            return text
        return f"[{text or href}]({href})"

    def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
        src = _safe_url(str(el.get("src") or ""))
        if not src:
            return ""
        alt = self.escape(str(el.get("alt") or ""), parent_tags)
        return f"![{alt}]({src})"

    def convert_br(self, el: Any, text: str, parent_tags: Any) -> str:
        # Python-Markdown's only hard break is two trailing spaces, which article files strip:
        # a break becomes a paragraph break, or a space inside tables and headings.
        if {"td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "_inline"} & set(parent_tags or ()):
            return " "
        return "\n\n"


_CONVERTER = _Converter(heading_style="atx", bullets="-", strong_em_symbol="*", table_infer_header=True, escape_misc=False)


def to_markdown(html: str) -> str:
    """Sanitise ``html`` and convert it to Markdown paragraphs, headings, lists and tables."""
    markdown = _CONVERTER.convert(sanitize(html))
    # Indentation left from full-width spaces would turn a paragraph into a code block; lists keep theirs.
    lines = [line.rstrip() if LIST_ITEM_RE.match(line) else line.strip() for line in markdown.split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return out + "\n" if out else ""
