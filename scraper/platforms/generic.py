"""Any other site: list and article CSS selectors from the source's params, with fallbacks.

List: ``params.list_url`` (default ``base_url``); each ``list_item`` (default ``li``)
holding a ``list_link`` (default ``a[href]``) whose ``title`` attribute or text is the
title, and a date in ``list_date`` (default: the item's text beside the link). Further
pages follow the ``next_page`` link (a CSS selector) until there is none. Links can be
restricted with ``link_pattern`` (a regex on the URL).

Article: ``article_title`` (default ``h1`` / meta ArticleTitle), ``article_date``
(default: a 发布时间/日期 label anywhere near the top), ``article_source`` (text after
来源), ``article_body``; when the body selector matches nothing, the main content
block (``article``, ``main``, ``#content``, or the element with the most paragraph text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from fazhi.config import Source
from fazhi.errors import ExtractError
from fazhi.schema import schema, setting
from scraper import clean
from scraper.http import Fetch, Page
from scraper.platforms.base import Draft, ListEntry, article_dates, html_page, page_numbers, page_title
from scraper.platforms.params import Params, Regex, Selector, Text

ARTICLE_PARAMS = ("article_title", "article_date", "article_source", "article_body")
DEFAULT_ITEM = "li"
DEFAULT_LINK = "a[href]"
DEFAULT_TITLE = ("h1", ".title", ".article-title")
DATE_LABEL = r"(?:发布时间|发布日期|日期|时间)"
SOURCE_RE = re.compile(r"(?:信息来源|来源)\s*[:：]\s*(\S+)")


@schema
class GenericParams(Params):
    """What ``sources[i].params`` may hold for a generic source."""

    list_url: Text = setting(None, "the list page, relative to base_url (default base_url)")
    list_item: Selector = setting(None, "one list item (default li)")
    list_link: Selector = setting(None, "the link inside an item (default a[href])")
    list_date: Selector = setting(None, "the date inside an item (default: the item's text beside the link)")
    next_page: Selector = setting(None, "the link to the next list page")
    link_pattern: Regex = setting(None, "a regex article URLs must match")
    article_title: Selector = setting(None, "the title on an article page")
    article_date: Selector = setting(None, "the date on an article page")
    article_source: Selector = setting(None, "the 来源 line on an article page")
    article_body: Selector = setting(None, "the body on an article page")


class GenericPlatform:
    name = "generic"
    params = GenericParams

    def list_entries(self, source: Source, fetch: Fetch) -> Iterator[ListEntry]:
        params = source.params
        url: str | None = urljoin(source.base_url, params.get("list_url", "")) if params.get("list_url") else source.base_url
        pattern = re.compile(params["link_pattern"]) if params.get("link_pattern") else None
        selectors = {k: params[k] for k in ARTICLE_PARAMS if params.get(k)}  # the entry carries how to parse its page
        visited: set[str] = set()
        for _ in page_numbers(source):
            if url is None or url in visited:
                return
            visited.add(url)
            page = fetch(url)
            parsed, base = html_page(page)
            for item in parsed.select(params.get("list_item", DEFAULT_ITEM)):
                link = item.select_one(params.get("list_link", DEFAULT_LINK))
                if link is None or not link.get("href"):
                    continue
                href = urljoin(base, str(link["href"]).strip())
                if not href.startswith(("http://", "https://")) or (pattern and not pattern.search(href)):
                    continue
                title = clean.clean_title(str(link.get("title") or "")) or clean.clean_title(link.get_text())
                date_node = item.select_one(params["list_date"]) if params.get("list_date") else None
                if date_node is not None:
                    beside = clean.text(date_node.get_text(" "))
                else:
                    beside = clean.text(item.get_text(" ")).replace(clean.text(link.get_text(" ")), "")
                found = clean.find_date(beside) or clean.find_date(href)
                yield ListEntry(url=href, title=title, date=found[0] if found else None, time_known=found[1] if found else False,
                                ids={"id": url_id(href)}, extra={"selectors": selectors})
            following = parsed.select_one(params["next_page"]) if params.get("next_page") else None
            url = urljoin(base, str(following["href"])) if following is not None and following.get("href") else None

    def needs_page(self, entry: ListEntry) -> bool:
        return True

    def parse_article(self, page: Page | None, entry: ListEntry) -> Draft:
        assert page is not None
        params = entry.extra.get("selectors", {})
        parsed, base = html_page(page)
        node = (parsed.select_one(params["article_body"]) if params.get("article_body") else None) or clean.main_content(parsed)
        if node is None:
            raise ExtractError(page.url, "no article body: article_body matched nothing and no main content block was found")
        title_selectors = (params["article_title"], *DEFAULT_TITLE) if params.get("article_title") else DEFAULT_TITLE
        title = entry.title or page_title(parsed, title_selectors, "")
        date_node = parsed.select_one(params["article_date"]) if params.get("article_date") else None
        head_text = clean.text(parsed.get_text(" "))[:3000]
        visible = clean.find_date(clean.text(date_node.get_text(" "))) if date_node else clean.date_after(DATE_LABEL, head_text)
        when, known, rule = article_dates(parsed, visible, entry)
        source_node = parsed.select_one(params["article_source"]) if params.get("article_source") else None
        match = SOURCE_RE.search(clean.text(source_node.get_text(" ")) if source_node else head_text)
        office = match.group(1) if match else clean.meta(parsed, "ContentSource")
        if not title:
            raise ExtractError(page.url, "no title in the list or on the page")
        body = clean.clean_body(node, base)
        return Draft(title=title, date=when, time_known=known, body_html=body, source=clean.text(office) or None,
                     attachments=tuple(clean.attachments_in(clean.soup(body))), date_from=rule)


def url_id(url: str) -> str:
    """A readable id from a URL's path: ``/pfxc/art/2021/0301-01.html`` -> ``pfxc-art-2021-0301-01``."""
    path = re.sub(r"\.[A-Za-z0-9]+$", "", urlsplit(url).path)
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower()[-60:] or "index"
