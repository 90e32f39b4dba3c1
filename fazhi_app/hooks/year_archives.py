"""Per-year archive pages of each column: ``/summaries/2020/``, paginated like the listings."""

from __future__ import annotations

from collections.abc import Iterator

from fazhi.article import COLUMNS
from fazhi_app.hooks.archive import COLUMN_ORDER, Archive
from fazhi_app.hooks.feeds import feed_urls
from fazhi_app.hooks.listings import year_links
from fazhi_app.hooks.pages import PageSpec, paginate, src_uri
from fazhi_app.hooks.sharing import listing


def pages(archive: Archive) -> Iterator[PageSpec]:
    per_page = archive.settings.listing_per_page
    for key in COLUMN_ORDER:
        name = COLUMNS[key].name
        years = year_links(archive, key)
        for year, entries in archive.years[key].items():
            heading = f"{name} · {year} 年"
            lead = f"{name}栏目 {year} 年发布的文章，共 {len(entries)} 篇，按发布日期从新到旧排列。"
            for pager, chunk in paginate(entries, per_page, f"{key}/{year}/"):
                title = heading if pager.number == 1 else f"{heading}（第 {pager.number} 页）"
                context = {
                    "heading": heading,
                    "parent": {"title": name, "url": f"{key}/"},
                    "entries": chunk,
                    "pager": pager,
                    "total": len(entries),
                    "years": years,
                    "current_year": year,
                    "feeds": feed_urls(key),
                }
                yield PageSpec(src_uri(pager.url), title, "listing.html", context, description=listing(lead, pager, chunk))
