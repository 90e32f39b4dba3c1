"""The cited-law index (``/laws/``) and one paginated page per law (``/laws/<slug>/``).

A law gets a page as soon as one article cites it, by its canonical name
(short forms such as 《固废法》 are resolved by ``fazhi.laws``).
"""

from __future__ import annotations

from collections.abc import Iterator

from fazhi_app.hooks.archive import Archive
from fazhi_app.hooks.pages import PageSpec, paginate, src_uri
from fazhi_app.hooks.sharing import listing

INDEX_URL = "laws/"


def pages(archive: Archive) -> Iterator[PageSpec]:
    per_page = archive.settings.listing_per_page
    laws = sorted(archive.laws.items(), key=lambda item: (-len(item[1]), item[0]))
    index = [{"name": name, "url": archive.law_refs[name].url, "count": len(entries)} for name, entries in laws]
    top = "、".join(f"《{item['name']}》" for item in index[:3])
    about = f"本站文章引用的法律法规共 {len(index)} 部，按引用篇数排列，每部法律列出引用它的全部文章"
    about += f"，引用最多的是{top}。" if top else "。"
    yield PageSpec(src_uri(INDEX_URL), "法律索引", "laws.html", {"laws": index, "total": len(index)}, description=about)
    for name, entries in laws:
        ref = archive.law_refs[name]
        heading = f"《{name}》"
        lead = f"本站引用《{name}》的文章共 {len(entries)} 篇，按发布日期从新到旧排列。"
        for pager, chunk in paginate(entries, per_page, ref.url):
            title = heading if pager.number == 1 else f"{heading}（第 {pager.number} 页）"
            context = {
                "heading": heading,
                "parent": {"title": "法律索引", "url": INDEX_URL},
                "intro": f"本站共有 {len(entries)} 篇文章引用了《{name}》。",
                "entries": chunk,
                "pager": pager,
                "total": len(entries),
            }
            yield PageSpec(src_uri(pager.url), title, "listing.html", context, description=listing(lead, pager, chunk))
