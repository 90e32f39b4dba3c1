"""The mirror's router: a request (host, method, path, query, form) to the response of the site it belongs to.

The pages themselves are in ``scraper.mirror.sites`` (one module per emulated site);
what they share is in ``scraper.mirror.pages``. The markup is our own, modelled on the
structures described in the project's source-site notes.
"""

from __future__ import annotations

import html
from types import ModuleType
from typing import Any

from scraper.mirror.data import SITES, MirrorData
from scraper.mirror.pages import FIXED_MODIFIED, NOT_FOUND_PAGE, Form, Response, asset, first, not_found, not_found_page
from scraper.mirror.sites import generic, hanweb, trs, ucap

SITE_PAGES: dict[str, ModuleType] = {"ucap": ucap, "hanweb": hanweb, "trs": trs, "generic": generic}
ROBOTS = {
    "sthjt.jiangxi.gov.cn": "User-agent: *\nDisallow: /module/visitcount/\nDisallow: /jxssthjt/search/\n",
    "www.mee.gov.cn": "User-agent: *\nAllow: /\n",
    "pufa.example.org": "User-agent: *\nDisallow: /pfxc/private/\n",
}


def site_of(host: str, path: str) -> str | None:
    """Which emulated site a request belongs to (faults are per site)."""
    for key, site in SITES.items():
        if site.host != host:
            continue
        if key == "ucap" and not path.startswith(("/jxssthjt/", "/queryList", "/doc/ucap/")):
            continue
        return key
    return None


class _Unlisted:
    """A site's data as its list pages see it under the ``empty`` fault: no articles."""

    def __init__(self, data: MirrorData):
        self.data = data

    def articles(self, site: str) -> list[dict[str, Any]]:
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)


def route(data: MirrorData, host: str, method: str, path: str, query: Form, form: Form, *, listed: bool = True) -> Response:
    """The response for one request (faults and conditional requests are the server's job); ``listed=False``: lists show nothing."""
    if path == "/robots.txt" and host in ROBOTS:
        return Response(200, "text/plain; charset=utf-8", ROBOTS[host].encode(), FIXED_MODIFIED)
    if path == NOT_FOUND_PAGE and host in ROBOTS:
        return not_found_page()
    site = site_of(host, path)
    if site is None:
        return not_found(path)
    pages = SITE_PAGES[site]
    answer = pages.respond(data if listed else _Unlisted(data), method, path, query, form)  # type: ignore[arg-type]
    if answer is not None:
        return answer
    if method == "POST":
        return Response(405, "text/plain", b"method not allowed")
    for article in data.articles(site):
        if article["path"] == path:
            return pages.article_page(article)
    gone = data.gone(site).get(path)
    if gone == "410":
        page = f"<html><body><h1>410</h1><p>{html.escape(path)} 已删除</p></body></html>"
        return Response(410, "text/html; charset=utf-8", page.encode())
    if gone == "redirect":
        return Response(302, "text/html; charset=utf-8", b"", headers={"Location": NOT_FOUND_PAGE})
    if path == "/module/download/downfile.jsp":
        return asset(first(query, "filename"))
    return asset(path)
