"""One listing per column, newest first, paginated: ``/summaries/``, ``/summaries/page/2/`` …"""

from __future__ import annotations

from collections.abc import Iterator

from fazhi.article import COLUMNS
from fazhi_app.hooks.archive import COLUMN_ORDER, Archive
from fazhi_app.hooks.feeds import feed_urls
from fazhi_app.hooks.pages import PageSpec, paginate, src_uri
from fazhi_app.hooks.sharing import listing


def year_links(archive: Archive, column: str) -> list[dict[str, object]]:
    """The column's year archives, newest year first, with article counts."""
    return [{"year": year, "url": f"{column}/{year}/", "count": len(entries)} for year, entries in archive.years[column].items()]


def pages(archive: Archive) -> Iterator[PageSpec]:
    per_page = archive.settings.listing_per_page
    for key in COLUMN_ORDER:
        name = COLUMNS[key].name
        entries = archive.columns[key]
        years = year_links(archive, key)
        lead = f"{name}：本站收录的{name}文章共 {len(entries)} 篇，按发布日期从新到旧排列。"
        for pager, chunk in paginate(entries, per_page, f"{key}/"):
            title = name if pager.number == 1 else f"{name}（第 {pager.number} 页）"
            context = {
                "heading": name,
                "entries": chunk,
                "pager": pager,
                "total": len(entries),
                "years": years,
                "feeds": feed_urls(key),
                "empty": "本栏目暂无文章。",
            }
            yield PageSpec(src_uri(pager.url), title, "listing.html", context, description=listing(lead, pager, chunk))
