"""A tiny tree built with ``listing_per_page: 2``: pagination follows the setting, markup in titles is escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from fazhi.law.names import law_table
from tests.fixtures.site import SiteBuild
from tests.website.conftest import COLUMN_INTRO, TRICKY_LAW, TRICKY_TITLE
from tests.website.util import articles, links, page

pytestmark = pytest.mark.slow


def test_listings_and_year_archives_follow_listing_per_page(tiny_site: SiteBuild) -> None:
    site = tiny_site.site
    cases = [a.url for a in articles(tiny_site.settings.paths.content) if a.column == "cases"]
    assert len(cases) == 6
    assert links(page(site, "cases/"), "cases/", ".fz-item__title") == cases[:2]
    assert links(page(site, "cases/page/2/"), "cases/page/2/", ".fz-item__title") == cases[2:4]
    assert links(page(site, "cases/page/3/"), "cases/page/3/", ".fz-item__title") == cases[4:]
    assert not (site / "cases" / "page" / "4").exists()
    assert links(page(site, "cases/page/2/"), "cases/page/2/", ".fz-pager a[rel=prev]") == ["cases/"]
    assert links(page(site, "cases/page/2/"), "cases/page/2/", ".fz-pager a[rel=next]") == ["cases/page/3/"]
    in_2021 = [u for u in cases if u.startswith("cases/2021/")]
    assert len(in_2021) == 3
    assert links(page(site, "cases/2021/"), "cases/2021/", ".fz-item__title") == in_2021[:2]
    assert links(page(site, "cases/2021/page/2/"), "cases/2021/page/2/", ".fz-item__title") == in_2021[2:]
    assert not (site / "interpretations" / "page").exists()


def test_an_empty_column_still_has_its_listing(tiny_site: SiteBuild) -> None:
    tree = page(tiny_site.site, "summaries/")
    assert not tree.select(".fz-item")
    assert "暂无文章" in tree.select(".fz-empty")[0].get_text()


def test_markup_characters_in_titles_and_laws_are_shown_as_text(tiny_site: SiteBuild) -> None:
    site = tiny_site.site
    tree = page(site, "interpretations/2023/tricky/")
    assert tree.select("h1")[0].get_text() == TRICKY_TITLE
    assert tree.title.get_text().startswith(TRICKY_TITLE)
    assert "2023-05-01 09:30" in tree.select(".fz-meta")[0].get_text()
    assert tree.select(".fz-meta__origin a")[0]["href"] == "https://example.org/a?x=1&y=2"
    assert [a.get_text() for a in tree.select(".fz-attachments a[download]")] == ["说明 & 附件"]
    law = f"laws/{law_table().slug(TRICKY_LAW)}/"
    assert law in links(tree, "interpretations/2023/tricky/", ".fz-cited a")
    assert page(site, law).select("h1")[0].get_text() == f"《{TRICKY_LAW}》"
    listing = page(site, "interpretations/")
    assert listing.select(".fz-item__title")[0].get_text() == TRICKY_TITLE
    assert listing.select(".fz-item__summary")[0].get_text().startswith(f"要点：《{TRICKY_LAW}》和 代码 以及 链接")
    for feed in ("rss.xml", "atom.xml", "interpretations/rss.xml"):
        titles = [e.text for e in ET.parse(site / feed).getroot().iter() if e.tag.endswith("title")]
        assert TRICKY_TITLE in titles, feed


def test_a_hand_written_column_page_becomes_the_listings_introduction(tiny_site: SiteBuild) -> None:
    tree = page(tiny_site.site, "cases/")
    body = tree.select("article.md-content__inner")[0]
    assert COLUMN_INTRO in body.get_text()
    assert len(body.select(".fz-item")) == 2
    assert COLUMN_INTRO not in page(tiny_site.site, "cases/page/2/").get_text()
