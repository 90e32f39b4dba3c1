"""The real sample site, built once by ``build_site`` (strict): pages, listings, archives, laws, feeds."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from fazhi.article import COLUMNS
from fazhi.law.names import law_table
from tests.fixtures.site import SiteBuild
from tests.website.util import articles, links, page, resolve

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(site_build: SiteBuild) -> list:
    return articles(site_build.settings.paths.content)


def test_build_reports_what_it_wrote(site_build: SiteBuild, sample: list) -> None:
    html_pages = [p for p in site_build.site.rglob("index.html")]
    assert site_build.result.articles == len(sample) >= 24
    assert site_build.result.pages == len(html_pages)
    for name in ("index.html", "404.html", "sitemap.xml", "rss.xml", "atom.xml", "laws/index.html", "guide/index.html"):
        assert (site_build.site / name).is_file(), name
    assert not list(site_build.site.parent.glob(".site.*")), "the staging folder was left behind"


def test_sample_content_covers_what_the_site_must_show(sample: list) -> None:
    by_column = defaultdict(list)
    for article in sample:
        by_column[article.column].append(article)
    assert set(by_column) == set(COLUMNS)
    assert max(len(v) for v in by_column.values()) > 20, "one column must paginate at the default 20 per page"
    assert len({a.year for a in sample}) >= 5
    assert any(a.attachments for a in sample)
    assert any("![" in a.body for a in sample)
    assert any("|---" in a.body.replace(" ", "") for a in sample)
    short_forms = law_table().expansions()
    assert any(f"《{short}》" in a.body for a in sample for short in short_forms), "no short-form citation"


def test_global_nav_lists_top_level_pages_only(site_build: SiteBuild, sample: list) -> None:
    """Every kind of page, in every column and at every depth, links the same top-level pages.

    The nav is rendered once per place in the site (fazhi_app.hooks.theme.Memo): a wrong reuse
    would show here as links that resolve somewhere else.
    """
    article_urls = {a.url for a in sample}
    law = f"laws/{law_table().slug(sample[0].cited_laws[0])}/"
    kinds = ["", "summaries/", "summaries/page/2/", "cases/", "guide/", "laws/", law, f"cases/{sample[-1].year}/"]
    kinds += [next(a.url for a in sample if a.column == c) for c in COLUMNS]
    expected = ["", "summaries/", "interpretations/", "cases/", "laws/", "guide/", "search/"]
    for url in kinds:
        tree = page(site_build.site, url)
        assert links(tree, url, ".md-tabs a") == expected, url
        nav = [u for u in links(tree, url, ".md-nav--primary > .md-nav__list a") if "#" not in u]  # not the page's own toc
        assert list(dict.fromkeys(nav)) == expected, url
        assert not article_urls & set(nav), f"an article is in the nav of /{url}"
        active = [resolve(url, a["href"]) for a in tree.select(".md-tabs__item--active a")]
        assert active == ([url] if url in expected else []), url


def test_home_page_shows_newest_of_each_column_and_a_search_form(site_build: SiteBuild, sample: list) -> None:
    tree = page(site_build.site, "")
    assert tree.html.get("lang") == "zh-CN"
    form = tree.select("form.fz-home-search")[0]
    assert form.get("method") == "get"
    assert form.select("input[name=q]")
    assert form.get("action") == "search/"
    blocks = tree.select(".fz-column")
    assert len(blocks) == len(COLUMNS)
    for block in blocks:
        column = links(block, "", ".fz-column__title a")[0].strip("/")
        newest = [a.url for a in sample if a.column == column][: len(block.select("li"))]
        assert links(block, "", ".fz-column__list a") == newest


def test_column_listings_are_paginated_newest_first(site_build: SiteBuild, sample: list) -> None:
    per_page = site_build.settings.listing_per_page
    for column in COLUMNS:
        expected = [a.url for a in sample if a.column == column]
        pages = max(1, math.ceil(len(expected) / per_page))
        shown: list[str] = []
        for number in range(1, pages + 1):
            url = f"{column}/" if number == 1 else f"{column}/page/{number}/"
            tree = page(site_build.site, url)
            items = links(tree, url, ".fz-item__title")
            assert len(items) == min(per_page, len(expected) - len(shown))
            shown += items
            if pages > 1:
                current = tree.select(".fz-pager__current")[0].get_text()
                assert current == str(number)
        assert shown == expected, column
        assert not (site_build.site / column / "page" / str(pages + 1)).exists()
    assert (site_build.site / "summaries" / "page" / "2" / "index.html").is_file()


def test_year_archives_list_exactly_that_year(site_build: SiteBuild, sample: list) -> None:
    for column in COLUMNS:
        years = sorted({a.year for a in sample if a.column == column}, reverse=True)
        tree = page(site_build.site, f"{column}/")
        assert links(tree, f"{column}/", ".fz-years a") == [f"{column}/{y}/" for y in years]
        for year in years:
            url = f"{column}/{year}/"
            assert links(page(site_build.site, url), url, ".fz-item__title") == [
                a.url for a in sample if a.column == column and a.year == year
            ]


def test_every_cited_law_has_a_page_listing_its_articles(site_build: SiteBuild, sample: list) -> None:
    table = law_table()
    citing = defaultdict(list)
    for article in sample:
        for name in article.cited_laws:
            citing[name].append(article.url)
    index = page(site_build.site, "laws/")
    assert sorted(links(index, "laws/", ".fz-lawlist a")) == sorted(f"laws/{table.slug(n)}/" for n in citing)
    for name, urls in citing.items():
        url = f"laws/{table.slug(name)}/"
        tree = page(site_build.site, url)
        assert tree.select("h1")[0].get_text().startswith(f"《{name}》")
        assert links(tree, url, ".fz-item__title") == urls[: site_build.settings.listing_per_page]
    # A short form in the body files the article under the full name.
    solid = [a.url for a in sample if "《固废法》" in a.body]
    assert solid and set(solid) <= set(citing["固体废物污染环境防治法"])


def test_article_page_shows_metadata_attachments_laws_and_neighbours(site_build: SiteBuild, sample: list) -> None:
    table = law_table()
    for article in sample:
        tree = page(site_build.site, article.url)
        assert tree.select("h1")[0].get_text() == article.title
        meta = tree.select(".fz-meta")[0].get_text()
        assert article.date_text in meta
        for value in (article.source, article.publisher):
            if value:
                assert value in meta
        if article.origin_url:
            assert tree.select(f'.fz-meta a[href="{article.origin_url}"]')
        files = links(tree, article.url, ".fz-attachments a[download]")
        assert files == [article.url + a.file for a in article.attachments]
        for target in files:
            assert (site_build.site / target).is_file(), target
        assert links(tree, article.url, ".fz-cited a") == [f"laws/{table.slug(n)}/" for n in article.cited_laws]
        column = [a for a in sample if a.column == article.column]
        position = column.index(article)
        older = column[position + 1].url if position + 1 < len(column) else None
        newer = column[position - 1].url if position > 0 else None
        assert (links(tree, article.url, "a[rel=prev]") or [None])[0] == older, article.url
        assert (links(tree, article.url, "a[rel=next]") or [None])[0] == newer, article.url
        removed = tree.select(".fz-removed")
        assert bool(removed) == bool(article.removed_upstream)
        if removed:
            assert article.removed_upstream.isoformat() in removed[0].get_text()


def test_images_beside_articles_are_published(site_build: SiteBuild, sample: list) -> None:
    shown = 0
    for article in sample:
        tree = page(site_build.site, article.url)
        for target in links(tree, article.url, ".fz-body img"):
            assert (site_build.site / target).is_file(), target
            shown += 1
    assert shown >= 1


def test_median_article_page_is_small(site_build: SiteBuild, sample: list) -> None:
    sizes = sorted((site_build.site / a.url / "index.html").stat().st_size for a in sample)
    assert sizes[len(sizes) // 2] <= 60 * 1024


def _feed_links(path: Path) -> tuple[ET.Element, list[str]]:
    root = ET.parse(path).getroot()
    if root.tag == "rss":
        return root, [item.findtext("link") for item in root.iter("item")]
    return root, [e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")]


def test_feeds_are_valid_xml_with_the_newest_articles(site_build: SiteBuild, sample: list) -> None:
    base = site_build.settings.site_url
    for column in (None, *COLUMNS):
        expected = [base + a.url for a in sample if column in (None, a.column)][:50]
        folder = site_build.site / column if column else site_build.site
        rss, rss_links = _feed_links(folder / "rss.xml")
        atom, atom_links = _feed_links(folder / "atom.xml")
        assert rss.tag == "rss" and atom.tag == f"{ATOM}feed"
        assert rss_links == expected == atom_links


def test_sitemap_lists_articles_and_generated_pages(site_build: SiteBuild, sample: list) -> None:
    root = ET.parse(site_build.site / "sitemap.xml").getroot()
    paths = {urlsplit(loc.text).path.lstrip("/") for loc in root.iter(f"{SITEMAP}loc")}
    assert {a.url for a in sample} <= paths
    assert {"", "summaries/", "summaries/page/2/", "laws/", "guide/"} <= paths
    assert any(p.startswith("laws/") and p != "laws/" for p in paths)
    assert any(re.fullmatch(r"cases/\d{4}/", p) for p in paths)


ASSET_ATTRS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src",
               "embed": "src", "object": "data", "track": "src", "input": "src"}
LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "manifest",
             "apple-touch-icon", "mask-icon"}


def _external_assets(tree: lxml.html.HtmlElement, own_host: str) -> list[str]:
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        values = []
        if element.tag in ASSET_ATTRS:
            values.append(element.get(ASSET_ATTRS[element.tag]) or "")
            values += [part.split()[0] for part in (element.get("srcset") or "").split(",") if part.strip()]
        if element.tag == "link" and LINK_RELS & set((element.get("rel") or "").lower().split()):
            values.append(element.get("href") or "")
        style = (element.get("style") or "") + (element.text or "" if element.tag == "style" else "")
        values += re.findall(r"url\(\s*['\"]?([^'\")]+)", style)
        values += re.findall(r"@import\s+['\"]([^'\"]+)", style)
        for value in values:
            host = urlsplit(value.strip()).netloc if value.strip().lower().startswith(("http:", "https:", "//")) else ""
            if host and host != own_host:
                found.append(value)
    return found


def test_no_page_loads_anything_from_another_host(site_build: SiteBuild) -> None:
    own_host = urlsplit(site_build.settings.site_url).netloc
    for path in site_build.site.rglob("*.html"):
        assert not _external_assets(lxml.html.fromstring(path.read_bytes()), own_host), path
    for css in site_build.site.rglob("*.css"):
        assert not re.search(r"(?:url\(|@import)\s*['\"]?(?:https?:)?//", css.read_text("utf-8")), css


def test_external_asset_check_catches_a_cdn(site_build: SiteBuild) -> None:
    tree = lxml.html.fromstring('<html><head><link rel="stylesheet" href="https://cdn.example.com/x.css">'
                                '<script src="//fonts.example.net/a.js"></script></head>'
                                '<body><img src="/local.png"><a href="https://example.org/">ok</a></body></html>')
    assert _external_assets(tree, "127.0.0.1:8000") == ["https://cdn.example.com/x.css", "//fonts.example.net/a.js"]


def test_theme_is_chinese_material_without_lunr_search(site_build: SiteBuild) -> None:
    tree = page(site_build.site, "summaries/")
    assert tree.html.get("lang") == "zh-CN"
    assert tree.select("meta[name=viewport]")
    assert not (site_build.site / "search" / "search_index.json").exists()
    assert not list(site_build.site.rglob("search_index.json"))
    stylesheets = [link.get("href") for link in tree.select("link[rel=stylesheet]")]
    assert any(href.endswith("assets/fazhi/print.css") for href in stylesheets)
    assert "@media print" in (site_build.site / "assets" / "fazhi" / "print.css").read_text("utf-8")


def test_footer_links_site_map_status_page_and_feeds_from_every_depth(site_build: SiteBuild, sample: list) -> None:
    for url in ("", sample[0].url, "laws/"):
        footer = page(site_build.site, url).select_one("footer .fz-footer-links")
        assert footer is not None, f"no footer links on /{url}"
        assert links(footer, url, "a") == ["sitemap/", "status/", "rss.xml", "atom.xml"]
    assert (site_build.site / "status" / "index.html").is_file()
