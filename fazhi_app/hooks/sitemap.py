"""The 网站地图 page (``/sitemap/``): every way into the archive on one page, for people.

Government sites link one from every footer. It lists each column with its year
archives, the law index, the feeds and the run status page; the template adds the
hand-written top-level pages of the nav (home, guide, search), so a page added to the
nav shows up here too. ``sitemap.xml`` beside it is MkDocs' map for search engines.
"""

from __future__ import annotations

from fazhi.article import COLUMNS
from fazhi_app.hooks.archive import COLUMN_ORDER, Archive
from fazhi_app.hooks.feeds import feed_urls
from fazhi_app.hooks.law_pages import INDEX_URL
from fazhi_app.hooks.listings import year_links
from fazhi_app.hooks.pages import PageSpec, src_uri
from fazhi_app.hooks.status import SRC_URI as STATUS_SRC_URI

URL = "sitemap/"


def pages(archive: Archive) -> list[PageSpec]:
    columns = [
        {"name": COLUMNS[key].name, "url": f"{key}/", "count": len(archive.columns[key]),
         "years": year_links(archive, key), "feeds": feed_urls(key)}
        for key in COLUMN_ORDER
    ]
    status_url = STATUS_SRC_URI.removesuffix("index.md")
    context = {
        "columns": columns,
        "laws": {"url": INDEX_URL, "count": len(archive.laws)},
        "feeds": feed_urls(None),
        "status_url": status_url,
        # shown above: the template leaves these out of its list of the nav's other pages
        "listed": [c["url"] for c in columns] + [INDEX_URL, status_url, URL],
    }
    about = "网站地图：本站全部栏目及其年份归档、法律索引、投稿指南、搜索、运行状态和订阅源的入口。"
    return [PageSpec(src_uri(URL), "网站地图", "sitemap.html", context, description=about)]
