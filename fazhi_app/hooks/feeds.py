"""RSS 2.0 and Atom feeds of the newest articles: the whole site and each column.

Written as text with every value XML-escaped (and characters XML 1.0 forbids
dropped), so a stray ``&`` or control character in a scraped title cannot make
a feed unreadable. Dates carry China's +08:00 offset; the feed's own date is
its newest article's, so an unchanged archive gives byte-identical feeds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from fazhi.article import COLUMNS
from fazhi_app.hooks.archive import COLUMN_ORDER, Archive, Entry

FEED_SIZE = 50
CHINA = dt.timezone(dt.timedelta(hours=8))
_NOT_XML_RE = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def feed_urls(column: str | None) -> dict[str, str]:
    """Site-relative URLs of the RSS and Atom feed of a column, or of the whole site for None."""
    prefix = f"{column}/" if column else ""
    return {"rss": f"{prefix}rss.xml", "atom": f"{prefix}atom.xml"}


def _text(value: str) -> str:
    return escape(_NOT_XML_RE.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML_RE.sub("", value))


def _when(entry: Entry) -> dt.datetime:
    return entry.article.date.replace(tzinfo=CHINA)


def rss(entries: Sequence[Entry], *, title: str, description: str, site_url: str, page_url: str, feed_url: str) -> str:
    """An RSS 2.0 document for ``entries`` (newest first)."""
    updated = format_datetime(_when(entries[0])) if entries else None
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{_text(title)}</title>",
        f"<link>{_text(site_url + page_url)}</link>",
        f"<description>{_text(description)}</description>",
        "<language>zh-CN</language>",
        f'<atom:link href={_attr(site_url + feed_url)} rel="self" type="application/rss+xml"/>',
    ]
    if updated:
        out.append(f"<lastBuildDate>{updated}</lastBuildDate>")
    for entry in entries:
        link = _text(site_url + entry.url)
        out += [
            "<item>",
            f"<title>{_text(entry.title)}</title>",
            f"<link>{link}</link>",
            f'<guid isPermaLink="true">{link}</guid>',
            f"<pubDate>{format_datetime(_when(entry))}</pubDate>",
            f"<category>{_text(entry.column_name)}</category>",
            f"<description>{_text(entry.summary)}</description>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom(entries: Sequence[Entry], *, title: str, author: str, site_url: str, page_url: str, feed_url: str) -> str:
    """An Atom 1.0 document for ``entries`` (newest first)."""
    updated = _when(entries[0]).isoformat() if entries else "1970-01-01T00:00:00+08:00"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"<title>{_text(title)}</title>",
        f"<id>{_text(site_url + feed_url)}</id>",
        f'<link rel="self" type="application/atom+xml" href={_attr(site_url + feed_url)}/>',
        f'<link rel="alternate" type="text/html" href={_attr(site_url + page_url)}/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{_text(author)}</name></author>",
    ]
    for entry in entries:
        link = site_url + entry.url
        when = _when(entry).isoformat()
        out += [
            "<entry>",
            f"<title>{_text(entry.title)}</title>",
            f"<id>{_text(link)}</id>",
            f'<link rel="alternate" type="text/html" href={_attr(link)}/>',
            f"<published>{when}</published>",
            f"<updated>{when}</updated>",
            f"<category term={_attr(entry.column)} label={_attr(entry.column_name)}/>",
        ]
        if entry.source:
            out.append(f"<author><name>{_text(entry.source)}</name></author>")
        out += [f"<summary>{_text(entry.summary)}</summary>", "</entry>"]
    out += ["</feed>", ""]
    return "\n".join(out)


def write_feeds(archive: Archive, site_dir: Path, site_url: str) -> list[Path]:
    """Write the site-wide and per-column feeds into the built site; returns the files written."""
    settings = archive.settings
    base = site_url if site_url.endswith("/") else site_url + "/"
    groups: list[tuple[str | None, str, list[Entry]]] = [(None, settings.site_name, archive.entries)]
    groups += [(key, f"{settings.site_name} · {COLUMNS[key].name}", archive.columns[key]) for key in COLUMN_ORDER]
    written = []
    for column, title, entries in groups:
        newest = entries[:FEED_SIZE]
        urls = feed_urls(column)
        page = f"{column}/" if column else ""
        where = {"site_url": base, "page_url": page}
        documents = {
            "rss": rss(newest, title=title, description=f"{title}：最新 {len(newest)} 篇", feed_url=urls["rss"], **where),
            "atom": atom(newest, title=title, author=settings.publisher, feed_url=urls["atom"], **where),
        }
        for kind, text in documents.items():
            path = site_dir / urls[kind]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            written.append(path)
    return written
