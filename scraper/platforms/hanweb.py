"""Hanweb 大汉 JCMS: the old sthjt.jiangxi.gov.cn generation (/col/colNNN/, /art/Y/M/D/art_<col>_<id>.html).

List: the column page embeds records as CDATA inside
``<script type="text/xml"><datastore>…<recordset><record><![CDATA[<li>…</li>]]></record>``;
further records come from ``POST <dataproxy>?startrecord=&endrecord=&perpage=`` with the
form ``col=1&webid=…&path=/&columnid=…&unitid=…&sourceContentType=1&webname=…&permissiontype=0``,
answering the same XML with ``<totalrecord>``. List text is often truncated: the full
title is the link's ``title`` attribute.

Article: ``h1.title``; the 发布时间 line (``div.sub-title``), preferred over meta
``PubDate``/``pubdate``; ``div.resource`` 信息来源; body ``#zoom`` (or the
``<!--<$[信息内容]>begin-->`` region's container).

Source params (declared in ``HanwebPlatform.params``): ``column_id`` (42150) or ``list_path``
(default col/col<column_id>/index.html), ``unitid``, ``webid``, ``webname``, ``path`` (/),
``per_page`` (15), ``group_pages`` (3 pages per dataproxy call), ``dataproxy``
(/module/web/jpage/dataproxy.jsp). ``webid``, ``unitid``, ``webname``, ``path`` and the
column id default to the values in the column page's ``<nextgroup>`` link.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import Tag

from fazhi.config import Source
from fazhi.errors import ExtractError
from fazhi.schema import schema, setting
from scraper import clean
from scraper.http import Fetch, Page
from scraper.platforms.base import Draft, ListEntry, article_dates, html_page, page_numbers, page_title, param
from scraper.platforms.params import Count, Id, Params, Text

NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)[\"']", re.S | re.I)
RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
TOTAL_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>|totalRecord\s*[:=]\s*['\"]?(\d+)", re.I)
ARTICLE_ID_RE = re.compile(r"art_(\d+)_(\d+)\.html")
TITLE_SELECTORS = ("h1.title", ".title h1", "h1", ".bt-article-title")
BODY_SELECTORS = ("#zoom", ".bt-article-02", ".bg_middle", "#barrierfree_container .content", ".article-content")
INFO_SELECTORS = (".sub-title", ".bt-article-y", ".article-info", ".info")
RESOURCE_SELECTORS = ("div.resource", ".resource", ".bt-article-source")
DATE_LABEL = r"(?:发布时间|发布日期|日期)"
SOURCE_LABEL_RE = re.compile(r"信息来源\s*[:：]\s*(.+)")


@schema
class HanwebParams(Params):
    """What ``sources[i].params`` may hold for a hanweb source."""

    ONE_OF = (("column_id", "list_path"),)

    column_id: Id = setting(None, "the column id, e.g. 42150 (default: from the column page's nextgroup link)")
    list_path: Text = setting(None, "the column page, relative to base_url, instead of col/col<column_id>/index.html")
    unitid: Id = setting(None, "the list module's unit id (default: from the nextgroup link)")
    webid: Id = setting(None, "the site id (default: from the nextgroup link)")
    webname: Text = setting(None, "the site name (default: from the nextgroup link)")
    path: Text = setting(None, "the site path (default: from the nextgroup link, else /)")
    per_page: Count = setting(None, "records per page (default 15)")
    group_pages: Count = setting(None, "pages per dataproxy call (default 3)")
    dataproxy: Text = setting(None, "the dataproxy endpoint (default /module/web/jpage/dataproxy.jsp)")


class HanwebPlatform:
    name = "hanweb"
    params = HanwebParams

    def __init__(self) -> None:
        self.announced: int | None = None  # <totalrecord> (or the page script's totalRecord)

    def list_entries(self, source: Source, fetch: Fetch) -> Iterator[ListEntry]:
        list_path = source.params.get("list_path") or f"col/col{param(source, 'column_id')}/index.html"
        list_url = urljoin(source.base_url, list_path)
        numbers = page_numbers(source)
        next(numbers)
        page = fetch(list_url)
        records = RECORD_RE.findall(page.text)
        total = self.announced = _total(page.text)
        yield from (e for e in (entry_from_record(r, page.url) for r in records) if e is not None)
        per_page = int(source.params.get("per_page", 15))
        group = per_page * int(source.params.get("group_pages", 3))
        start = len(records) + 1
        proxy = urljoin(source.base_url, source.params.get("dataproxy", "/module/web/jpage/dataproxy.jsp"))
        form = self.form(source, nextgroup_params(page.text), list_url)
        while total is None or start <= total:
            next(numbers)
            end = start + group - 1
            answer = fetch(f"{proxy}?startrecord={start}&endrecord={end}&perpage={per_page}", data=form,
                           headers={"Referer": list_url, "X-Requested-With": "XMLHttpRequest"})
            records = RECORD_RE.findall(answer.text)
            if not records:
                if "<datastore" not in answer.text:
                    raise ExtractError(answer.url, "dataproxy answer is not a <datastore> document")
                break
            total = _total(answer.text) or total
            self.announced = total
            yield from (e for e in (entry_from_record(r, answer.url) for r in records) if e is not None)
            start = end + 1

    @staticmethod
    def form(source: Source, from_page: dict[str, str], list_url: str) -> dict[str, str]:
        """The dataproxy form: each value from the config, else from the column page's ``nextgroup`` link."""

        def get(config_key: str, page_key: str, default: str | None = None) -> str:
            value = source.params.get(config_key, from_page.get(page_key, default))
            if value in (None, ""):
                raise ExtractError(list_url, f"source {source.name!r} needs params.{config_key} "
                                             "(not in the column page's nextgroup link either)")
            return str(value)

        return {
            "col": "1", "webid": get("webid", "webid"), "path": get("path", "path", "/"), "columnid": get("column_id", "columnid"),
            "unitid": get("unitid", "unitid"), "sourceContentType": "1", "webname": get("webname", "webname", ""),
            "permissiontype": "0",
        }

    def needs_page(self, entry: ListEntry) -> bool:
        return True

    def parse_article(self, page: Page | None, entry: ListEntry) -> Draft:
        assert page is not None
        parsed, base = html_page(page)
        node = clean.select_first(parsed, BODY_SELECTORS) or _marked_region(parsed) or clean.main_content(parsed)
        if node is None:
            raise ExtractError(page.url, "no article body (#zoom)")
        title = page_title(parsed, TITLE_SELECTORS, entry.title)
        if entry.title and len(entry.title) > len(title) and entry.title.startswith(title.rstrip(".…")):
            title = entry.title  # a heading cut short like the list: the title attribute is whole
        info = " ".join(clean.text(n.get_text(" ")) for sel in INFO_SELECTORS for n in parsed.select(sel))
        when, known, rule = article_dates(parsed, clean.date_after(DATE_LABEL, info or clean.text(parsed.get_text(" "))[:3000]), entry)
        resource = clean.select_first(parsed, RESOURCE_SELECTORS)
        match = SOURCE_LABEL_RE.search(clean.text(resource.get_text(" "))) if resource else None
        office = match.group(1) if match else clean.meta(parsed, "ContentSource")
        body = clean.clean_body(node, base)
        return Draft(title=title, date=when, time_known=known, body_html=body, source=clean.text(office) or None,
                     attachments=tuple(clean.attachments_in(clean.soup(body))), date_from=rule)


def nextgroup_params(text: str) -> dict[str, str]:
    """The query of the column page's ``<nextgroup>`` link (webid, columnid, unitid, webname, path …)."""
    match = NEXTGROUP_RE.search(text)
    if not match:
        return {}
    return {k: v[0] for k, v in parse_qs(urlsplit(html.unescape(match.group(1))).query, keep_blank_values=True).items()}


def _total(text: str) -> int | None:
    match = TOTAL_RE.search(text)
    return int(match.group(1) or match.group(2)) if match else None


def _marked_region(parsed: Tag) -> Tag | None:
    """The element around Hanweb's ``<!--<$[信息内容]>begin-->`` marker, when #zoom is absent."""
    marker = parsed.find(string=lambda s: s is not None and "信息内容" in s and "begin" in s)
    return marker.parent if marker is not None and isinstance(marker.parent, Tag) else None


def entry_from_record(record: str, page_url: str) -> ListEntry | None:
    """One ``<li>`` record: link, full title from ``title=``, date from the span (``[2017-04-24]`` and such)."""
    item = clean.soup(record)
    link = item.find("a", href=True)
    if link is None:
        return None
    url = urljoin(page_url, str(link["href"]).strip())
    title = clean.clean_title(str(link.get("title") or "")) or clean.clean_title(link.get_text())
    found = clean.find_date(clean.text(item.get_text(" ")).replace(clean.text(link.get_text(" ")), "")) or clean.find_date(url)
    match = ARTICLE_ID_RE.search(url)
    ids = {"id": match.group(2), "column": match.group(1)} if match else {}
    return ListEntry(url=url, title=title, date=found[0] if found else None, time_known=found[1] if found else False, ids=ids)
