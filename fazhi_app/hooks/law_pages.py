"""The cited-law index (``/laws/``) and one paginated page per law (``/laws/<slug>/``).

A law gets a page as soon as one article cites it, by its canonical name
(short forms such as 《固废法》 are resolved by ``fazhi.law.names``). With a law library
(``law_library`` setting) every law in it gets a page too, with its text
(``fazhi_app.hooks.law_text``): the page of the version in force today at
``/laws/<slug>/`` and one per older version; a repealed law's page says so.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fazhi.law.library import LawText, Library
from fazhi.law.names import law_slug, law_url
from fazhi_app.hooks.archive import Archive, Entry
from fazhi_app.hooks.law_text import law_context, repeal_context, version_url
from fazhi_app.hooks.pages import PageSpec, paginate, src_uri
from fazhi_app.hooks.sharing import listing

INDEX_URL = "laws/"
LIBRARY_URL = "laws/library/"


def pages(archive: Archive) -> Iterator[PageSpec]:
    laws = sorted(archive.laws.items(), key=lambda item: (-len(item[1]), item[0]))
    library = archive.library
    index = [{"name": name, "url": archive.law_refs[name].url, "count": len(entries)} for name, entries in laws]
    context = {"laws": index, "total": len(index), "library": None}
    if library is not None:
        context["library"] = {"url": LIBRARY_URL, "laws": len(library.laws)}
    top = "、".join(f"《{item['name']}》" for item in index[:3])
    about = f"本站文章引用的法律法规共 {len(index)} 部，按引用篇数排列，每部法律列出引用它的全部文章"
    about += f"，引用最多的是{top}。" if top else "。"
    yield PageSpec(src_uri(INDEX_URL), "法律索引", "laws.html", context, description=about)
    citing: dict[str, list[Entry]] = {}
    for name, entries in laws:
        text = library.find(name) if library is not None else None
        if text is not None:
            citing.setdefault(text.name, []).extend(entries)
            if law_slug(text.name) == archive.law_refs[name].slug:
                continue  # the law's page with text lists these articles
        yield from _listing(archive, name, entries)
    if library is not None:
        about = f"本站收录的法律法规文本共 {len(library.laws)} 部，按类别排列。"
        yield PageSpec(src_uri(LIBRARY_URL), "法规库", "law-library.html", _library_context(library), description=about)
        for law in library.laws.values():
            entries = sorted(citing.get(law.name, ()), key=lambda e: (e.date_iso, e.src_uri), reverse=True)
            yield from _law_pages(archive, library, law, entries)


def _listing(archive: Archive, name: str, entries: Sequence[Entry]) -> Iterator[PageSpec]:
    """Pages of a law without text: the articles citing it, and its repeal if the library knows of one."""
    ref = archive.law_refs[name]
    heading = f"《{name}》"
    repeal = archive.library.repeal_of(name) if archive.library is not None else None
    lead = f"本站引用《{name}》的文章共 {len(entries)} 篇，按发布日期从新到旧排列。"
    for pager, chunk in paginate(entries, archive.settings.listing_per_page, ref.url):
        title = heading if pager.number == 1 else f"{heading}（第 {pager.number} 页）"
        context = {
            "heading": heading,
            "parent": {"title": "法律索引", "url": INDEX_URL},
            "intro": f"本站共有 {len(entries)} 篇文章引用了《{name}》。",
            "entries": chunk,
            "pager": pager,
            "total": len(entries),
        }
        description = listing(lead, pager, chunk)
        if repeal is not None and pager.number == 1:
            context.update(name=name, repeal=repeal_context(archive.library, repeal[1]), text=None)
            yield PageSpec(src_uri(pager.url), title, "law.html", context, description=description)
        else:
            yield PageSpec(src_uri(pager.url), title, "listing.html", context, description=description)


def _law_pages(archive: Archive, library: Library, law: LawText, entries: Sequence[Entry]) -> Iterator[PageSpec]:
    """The law's page (text in force today, first articles citing it), further listing pages, older versions."""
    today = archive.today
    base = law_url(law_slug(law.name))
    heading = f"《{law.name}》"
    current = law.current(today)
    lead = f"《{law.name}》的现行文本（{len(current.articles)} 条）、历史版本，以及本站引用它的 {len(entries)} 篇文章。"
    for pager, chunk in paginate(entries, archive.settings.listing_per_page, base):
        common = {"heading": heading, "parent": {"title": "法律索引", "url": INDEX_URL}, "entries": chunk, "pager": pager,
                  "total": len(entries), "intro": f"本站共有 {len(entries)} 篇文章引用了《{law.name}》。"}
        description = listing(lead, pager, chunk)
        if pager.number == 1:
            context = {**law_context(library, law, current, today), **common}
            yield PageSpec(src_uri(base), heading, "law.html", context, description=description)
        else:
            yield PageSpec(src_uri(pager.url), f"{heading}（第 {pager.number} 页）", "listing.html", common, description=description)
    for version in law.versions:
        if version is not current:
            context = {**law_context(library, law, version, today), "heading": heading, "entries": (), "pager": None, "total": 0,
                       "parent": {"title": heading, "url": base}}
            about = f"《{law.name}》{version.key} 版的文本（{len(version.articles)} 条），{context['version']['effective']}起施行。"
            title = f"{heading}（{version.key} 版）"
            yield PageSpec(src_uri(version_url(law, version, today)), title, "law.html", context, description=about)


def _library_context(library: Library) -> dict[str, object]:
    """Every law of the library by category, for the 法规库 page."""
    groups: dict[str, list[dict[str, str]]] = {}
    for law in sorted(library.laws.values(), key=lambda law: law.name):
        groups.setdefault(law.category or "其他", []).append({"name": law.name, "url": law_url(law_slug(law.name))})
    return {"groups": sorted(groups.items()), "total": len(library.laws)}
