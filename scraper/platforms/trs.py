"""TRS WCM sites, e.g. 生态环境部 政策解读 (www.mee.gov.cn/zcwj/zcjd/).

List: ``index.shtml``, then ``index_1.shtml``, ``index_2.shtml`` … (page 2 is ``_1``);
the page count comes from the pager script ``createPageHTML(23, 0, "index", "shtml")``
(or the ``createPageHTML('page_div', 10, 1, 'zwgklist', 'shtml', 200)`` form), else the
walk stops at a 404 or a page without articles. Articles are links whose path looks
like ``…/202306/t20230605_1032610.shtml``; the ``title`` attribute holds the full title.

Article: ``h2.neiright_Title`` (or meta ArticleTitle); the date/来源 line
(``p.ydLyZzBox``); body ``div.TRS_Editor`` (the class attribute is often unquoted).

Source params: ``index`` (index), ``suffix`` (shtml), ``article_pattern`` (regex a link
path must match; default ``/t\\d{8}_\\d+\\.s?html?$``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from fazhi.config import Source
from fazhi.errors import ExtractError, NotFound
from fazhi.schema import schema, setting
from scraper import clean
from scraper.http import Fetch, Page
from scraper.platforms.base import Draft, ListEntry, article_dates, html_page, page_numbers, page_title
from scraper.platforms.params import Params, Regex, Text

PAGER_RES = (
    re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"),
    re.compile(r"createPageHTML\(\s*['\"][^'\"]*['\"]\s*,\s*(\d+)\s*,\s*\d+\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"),
)
ARTICLE_PATTERN = r"/t\d{8}_\d+\.s?html?$"
ARTICLE_ID_RE = re.compile(r"/t(\d{8})_(\d+)\.")
TITLE_SELECTORS = ("h2.neiright_Title", ".neiright_Title", "h1.title", ".article-title", "h1")
BODY_SELECTORS = ("div.TRS_Editor", ".TRS_Editor", ".neiright_JPZ_GK_CP", "#ContentRegion", ".content_body")
INFO_SELECTORS = ("p.ydLyZzBox", ".ydLyZzBox", ".neiright_JPZ_GK", ".pages-date", ".article-info")
SOURCE_RE = re.compile(r"来源\s*[:：]\s*(\S+)")


@schema
class TrsParams(Params):
    """What ``sources[i].params`` may hold for a trs source."""

    index: Text = setting(None, "the list file name without suffix (default index)")
    suffix: Text = setting(None, "the list file suffix (default shtml)")
    article_pattern: Regex = setting(None, "a regex an article link's path must match")


class TrsPlatform:
    name = "trs"
    params = TrsParams

    def list_entries(self, source: Source, fetch: Fetch) -> Iterator[ListEntry]:
        index = source.params.get("index", "index")
        suffix = source.params.get("suffix", "shtml")
        pattern = re.compile(source.params.get("article_pattern", ARTICLE_PATTERN))
        pages: int | None = None
        for number in page_numbers(source):
            if pages is not None and number > pages:
                return
            name = f"{index}.{suffix}" if number == 1 else f"{index}_{number - 1}.{suffix}"
            try:
                page = fetch(urljoin(source.base_url, name))
            except NotFound:
                if number == 1:
                    raise
                return
            if pages is None:
                pages, index, suffix = _pager(page.text, index, suffix)
            entries = list(entries_on(page, pattern))
            if not entries:
                return
            yield from entries

    def needs_page(self, entry: ListEntry) -> bool:
        return True

    def parse_article(self, page: Page | None, entry: ListEntry) -> Draft:
        assert page is not None
        parsed, base = html_page(page)
        node = clean.select_first(parsed, BODY_SELECTORS) or clean.main_content(parsed)
        if node is None:
            raise ExtractError(page.url, "no article body (div.TRS_Editor)")
        title = page_title(parsed, TITLE_SELECTORS, entry.title)
        info = " ".join(clean.text(n.get_text(" ")) for sel in INFO_SELECTORS[:2] for n in parsed.select(sel))
        when, known, rule = article_dates(parsed, clean.find_date(info), entry)
        match = SOURCE_RE.search(info)
        office = match.group(1) if match else clean.meta(parsed, "ContentSource")
        body = clean.clean_body(node, base)
        return Draft(title=title, date=when, time_known=known, body_html=body, source=clean.text(office) or None,
                     attachments=tuple(clean.attachments_in(clean.soup(body))), date_from=rule)


def _pager(html: str, index: str, suffix: str) -> tuple[int | None, str, str]:
    """Page count and file naming from the TRS pager script, when the page has one."""
    for pattern in PAGER_RES:
        match = pattern.search(html)
        if match:
            return int(match.group(1)), match.group(2), match.group(3)
    return None, index, suffix


def entries_on(page: Page, pattern: re.Pattern[str]) -> Iterator[ListEntry]:
    """Article links on one list page, with the full title and the date next to each link."""
    parsed, base = html_page(page)
    for link in parsed.find_all("a", href=True):
        url = urljoin(base, str(link["href"]).strip())
        if not pattern.search(urlsplit(url).path):
            continue
        title = clean.clean_title(str(link.get("title") or "")) or clean.clean_title(link.get_text())
        holder = link.find_parent("li") or link.parent
        beside = clean.text(holder.get_text(" ")).replace(clean.text(link.get_text(" ")), "") if holder else ""
        found = clean.find_date(beside) or clean.find_date(url)
        match = ARTICLE_ID_RE.search(url)
        ids = {"id": f"{match.group(1)}-{match.group(2)}"} if match else {}
        yield ListEntry(url=url, title=title, date=found[0] if found else None, time_known=found[1] if found else False, ids=ids)
