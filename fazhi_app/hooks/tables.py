"""Wide tables scroll in a region that keyboard users can reach and screen readers can name.

A table wider than a phone scrolls sideways inside its own box; a box that scrolls must
take keyboard focus (WCAG 2.1.1) and a focusable region needs a name. Every top-level
``<table>`` of a page is wrapped, once, at build time, in::

    <div class="fz-table" role="region" tabindex="0" aria-label="表格1：<heading above it>">

named by its caption, else by the nearest heading above it. Material then wraps the
table inside that box for its own styling; site.css lets our box do the scrolling.
"""

from __future__ import annotations

import html
import re

_TOKEN_RE = re.compile(r"<(/?)(table|h[1-6]|caption)\b[^>]*>", re.I)
_TAG_RE = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub("", fragment)).split())


def wrap_tables(page_html: str) -> str:
    """``page_html`` with each top-level table inside a labelled, focusable scroll region."""
    if "<table" not in page_html.lower():
        return page_html
    out: list[str] = []
    done = 0          # page_html[:done] is already in out
    depth = 0         # table nesting at the current token
    heading = ""      # text of the last heading outside tables
    opened = heading_start = caption_start = -1
    caption = ""
    number = 0
    for match in _TOKEN_RE.finditer(page_html):
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag == "table" and not closing:
            if depth == 0:
                opened, caption = match.start(), ""
            depth += 1
        elif tag == "table" and depth:
            depth -= 1
            if depth == 0:
                number += 1
                name = caption or heading
                label = f"表格{number}：{name}" if name else f"表格{number}"
                out.append(page_html[done:opened])
                out.append(f'<div class="fz-table" role="region" tabindex="0" aria-label="{html.escape(label)}">')
                out.append(page_html[opened:match.end()])
                out.append("</div>")
                done = match.end()
        elif tag == "caption":
            if not closing:
                caption_start = match.end()
            elif depth == 1 and caption_start >= 0:
                caption = _text(page_html[caption_start:match.start()])
        elif depth == 0:
            if not closing:
                heading_start = match.end()
            elif heading_start >= 0:
                heading = _text(page_html[heading_start:match.start()])
                heading_start = -1
    out.append(page_html[done:])
    return "".join(out)
