"""Jiangxi's intensive (集约化) platform, UCAP family: sthjt.jiangxi.gov.cn/jxssthjt/ and its siblings.

List: the column page embeds the newest items as ``var listData = {articleList: [...]}``
(JavaScript, not JSON: trailing commas); every page of the column comes from a form
``POST /queryList`` at the site root whose JSON (``data.total``, ``data.results[].source``)
carries title, ``pubDate``, ``urls`` (a JSON string), ``contentSource``, the body HTML
(``content.content`` when ``notReturnContent=false``), ``articleFiles`` and ``images``.
The walk stops at empty results. Article pages (``content_<id>.html``) are fetched only
for items whose JSON has no body.

Source params: ``column`` (channel code, e.g. col42150), ``website_code``, ``unitid``,
``per_page`` (15), ``query_path`` (/queryList), ``channel_field`` (channelCode, or
channelId on some sites), ``form`` (extra form fields such as sort/order). Values
missing from the config are read from the column page's ``var params = {…}``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from fazhi.config import Source
from fazhi.errors import ExtractError
from fazhi.schema import schema, setting
from scraper import clean
from scraper.http import Fetch, Page
from scraper.platforms.base import Draft, ListEntry, article_dates, html_page, page_numbers, page_title
from scraper.platforms.params import Count, Id, Params, Table, Text

LIST_DATA_RE = re.compile(r"var\s+listData\s*=\s*\{\s*articleList\s*:\s*(?=\[)")
PAGE_PARAMS_RE = re.compile(r"var\s+params\s*=\s*\{(.*?)\}\s*;", re.S)
PAGE_PARAM_RE = re.compile(r"(\w+)\s*:\s*\[?\s*['\"]([^'\"]*)['\"]")
TITLE_SELECTORS = ("h1.article-title", "ucaptitle", ".article-title", "h1")
BODY_SELECTORS = ("ucapcontent", "#zoomcon", ".article-content", "#zoom", ".TRS_Editor")
INFO_SELECTORS = (".article-attr", ".article-info", ".xxgk-info", ".info")
DATE_LABEL = r"(?:发布时间|发布日期|日期)"
SOURCE_RE = re.compile(r"(?:信息来源|来源)\s*[:：]\s*(\S+)")


@schema
class UcapParams(Params):
    """What ``sources[i].params`` may hold for a ucap source."""

    ONE_OF = (("column", "list_path"),)

    column: Id = setting(None, "the channel code, e.g. col42150 (the column page is col/<column>/index.html)")
    list_path: Text = setting(None, "the column page, relative to base_url, instead of col/<column>/index.html")
    website_code: Id = setting(None, "webSiteCode (default: from the column page's script)")
    unitid: Id = setting(None, "the list block's unit id (default: from the column page's script)")
    per_page: Count = setting(None, "items per queryList page (default: from the column page's script)")
    query_path: Text = setting(None, "the list query endpoint at the site root (default /queryList)")
    channel_field: Text = setting(None, "channelCode, or channelId on some sites")
    form: Table = setting(None, "extra queryList form fields, such as sort and order")


class UcapPlatform:
    name = "ucap"
    params = UcapParams

    def __init__(self) -> None:
        self.announced: int | None = None  # data.total of the last queryList answer

    def list_entries(self, source: Source, fetch: Fetch) -> Iterator[ListEntry]:
        site_root = urljoin(source.base_url, "/")
        list_url = urljoin(source.base_url, source.params.get("list_path") or f"col/{source.params.get('column', '')}/index.html")
        column_page = fetch(list_url)
        embedded = parse_list_data(column_page.text)
        form = self.form(source, page_params(column_page.text))
        query_url = urljoin(site_root, source.params.get("query_path", "/queryList"))
        headers = {"X-Requested-With": "XMLHttpRequest", "Referer": list_url}
        seen: set[str] = set()
        for number in page_numbers(source):
            data = fetch(query_url, data=[("current", str(number)), *form], headers=headers).json()
            body = data.get("data") if isinstance(data, dict) else None
            if not isinstance(body, dict):
                raise ExtractError(query_url, "queryList answer has no 'data' object")
            results = body.get("results") or []
            if not results:
                break
            for result in results:
                entry = entry_from_json(result.get("source", result) if isinstance(result, dict) else {}, site_root)
                if entry is not None:
                    seen.add(entry.key)
                    yield entry
            total = body.get("total")
            if isinstance(total, int):
                self.announced = total
            if isinstance(total, int) and len(seen) >= total:
                break
        # Items the column page shows but queryList did not return (pinned items): their page has the body.
        for item in embedded:
            entry = entry_from_json(item, site_root)
            if entry is not None and entry.key not in seen:
                yield entry

    @staticmethod
    def form(source: Source, from_page: dict[str, str]) -> list[tuple[str, str]]:
        """The queryList form as the column page's script sends it (jQuery's ``name[]`` arrays)."""

        def get(config_key: str, page_key: str) -> str:
            value = source.params.get(config_key, from_page.get(page_key))
            if value in (None, ""):
                raise ExtractError(source.base_url, f"source {source.name!r} needs params.{config_key} (not on the column page either)")
            return str(value)

        unitid = get("unitid", "unitid")
        per_page = get("per_page", "perPage")
        channel_field = source.params.get("channel_field", "channelCode")
        form = [
            ("unitid", unitid),
            ("webSiteCode[]", get("website_code", "webSiteCode")),
            (f"{channel_field}[]", get("column", "channelCode")),
            ("dataBefore", ""), ("dataAfter", ""), ("perPage", per_page), ("notReturnContent", "false"),
            ("showMode", "normal"), ("groupSize", "1"), ("barPosition", "bottom"), ("titleMax", "34"),
            ("templateContainerId", f"div{unitid}"), ("themeName", "lucidity"), ("pageSize", per_page),
        ]
        extra: dict[str, Any] = source.params.get("form") or {}
        return [*form, *((str(k), str(v)) for k, v in extra.items())]

    def needs_page(self, entry: ListEntry) -> bool:
        return not entry.extra.get("content")

    def parse_article(self, page: Page | None, entry: ListEntry) -> Draft:
        files = [tuple(f) for f in entry.extra.get("files", ())]
        if page is None:
            fragment = clean.soup(f"<div>{entry.extra['content']}</div>").div
            assert fragment is not None
            body = clean.clean_body(fragment, entry.url)
            if entry.date is None:
                raise ExtractError(entry.url, "queryList item has no pubDate")
            title, when, known, rule, office = entry.title, entry.date, entry.time_known, "list", entry.extra.get("source")
        else:
            parsed, base = html_page(page)
            node = clean.select_first(parsed, BODY_SELECTORS) or clean.main_content(parsed)
            if node is None:
                raise ExtractError(page.url, "no article body (ucapcontent / #zoomcon)")
            body = clean.clean_body(node, base)
            title = page_title(parsed, TITLE_SELECTORS, entry.title)
            info = " ".join(clean.text(n.get_text(" ")) for sel in INFO_SELECTORS for n in parsed.select(sel))
            when, known, rule = article_dates(parsed, clean.date_after(DATE_LABEL, info), entry)
            match = SOURCE_RE.search(info)
            office = match.group(1) if match else clean.meta(parsed, "ContentSource") or entry.extra.get("source")
        if "<img" not in body:  # image-only items (一图读懂) may carry their picture only in images[]
            body += "".join(f'<p><img src="{html.escape(image)}" alt=""></p>' for image in entry.extra.get("images", ()))
        found = clean.attachments_in(clean.soup(body))
        attachments = tuple(dict.fromkeys([*files, *found]))
        return Draft(title=title, date=when, time_known=known, body_html=body, source=clean.text(office) or None,
                     attachments=attachments, date_from=rule, summary=clean.text(entry.extra.get("summary")) or None)


def parse_list_data(html: str) -> list[dict[str, Any]]:
    """The ``articleList`` array embedded in a column page (empty when there is none)."""
    match = LIST_DATA_RE.search(html)
    if not match:
        return []
    try:
        items, _ = json.JSONDecoder().raw_decode(html, match.end())
    except json.JSONDecodeError:
        return []
    return [i for i in items if isinstance(i, dict)]


def page_params(html: str) -> dict[str, str]:
    """``unitid``, ``webSiteCode``, ``channelCode``, ``perPage`` … from the page's ``var params = {…}``."""
    match = PAGE_PARAMS_RE.search(html)
    return dict(PAGE_PARAM_RE.findall(match.group(1))) if match else {}


def entry_from_json(item: dict[str, Any], site_root: str) -> ListEntry | None:
    """A ListEntry from an ``articleList`` item or a queryList ``source`` object."""
    urls: Any = item.get("urls") or {}
    if isinstance(urls, str):
        try:
            urls = json.loads(urls)
        except json.JSONDecodeError:
            urls = {}
    link = (urls.get("pc") if isinstance(urls, dict) else None) or item.get("url")
    if not link or not item.get("id"):
        return None
    found = clean.find_date(str(item.get("pubDate") or ""))
    content = item.get("content")
    if isinstance(content, dict):
        content = content.get("content")
    files = []
    for f in item.get("articleFiles") or []:
        if isinstance(f, dict) and (f.get("url") or f.get("filePath")):
            href = urljoin(site_root, str(f.get("url") or f.get("filePath")))
            files.append((clean.attachment_title(str(f.get("fileName") or clean.attachment_name(href))), href))
    images = [urljoin(site_root, str(i["filePath"])) for i in item.get("images") or [] if isinstance(i, dict) and i.get("filePath")]
    return ListEntry(
        url=urljoin(site_root, str(link)),
        title=clean.clean_title(str(item.get("title") or item.get("showTitle") or "")),
        date=found[0] if found else None,
        time_known=found[1] if found else False,
        ids={"id": str(item["id"])},
        extra={"content": content or "", "source": item.get("contentSource"), "files": files, "images": images,
               "summary": item.get("summary")},
    )
