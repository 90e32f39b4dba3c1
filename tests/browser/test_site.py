"""The sample site as the public meets it, in headless Chromium, served by `fazhi serve`.

Expected titles, dates and files come from the content tree the site was built
from (``fazhi.content.load_tree``), so the tests follow the sample content
instead of repeating it.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from lxml import etree

from fazhi.article import COLUMNS, Article
from fazhi.content import ContentTree
from fazhi.law.names import law_table
from tests.browser.conftest import Tab
from tests.fixtures.site import SiteBuild

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser
BOTH = pytest.mark.parametrize("viewport", ["phone", "desktop"])
MIN_FONT_PX = 12.0

# What every page is checked for; returns a list of problems so one assertion shows them all.
PAGE_CHECKS = """(minFont) => {
  const problems = [];
  const lang = document.documentElement.lang || "";
  if (!lang.startsWith("zh")) problems.push(`html lang is "${lang}"`);
  const h1 = document.querySelectorAll("h1");
  if (h1.length !== 1) problems.push(`${h1.length} h1 elements`);
  const scroll = document.scrollingElement.scrollWidth;
  if (scroll > window.innerWidth) problems.push(`scrolls sideways: ${scroll}px wide in a ${window.innerWidth}px window`);
  for (const img of document.querySelectorAll("img")) {
    if (!(img.getAttribute("alt") || "").trim()) problems.push(`image without alt text: ${img.src}`);
  }
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (field.type === "hidden" || field.type === "checkbox" && field.classList.contains("md-toggle")) continue;
    const named = field.labels && field.labels.length || field.getAttribute("aria-label") || field.getAttribute("aria-labelledby");
    if (!named) problems.push(`form field without a label: ${field.outerHTML.slice(0, 80)}`);
  }
  for (const node of document.querySelectorAll(".md-content p, .md-content li, .md-content dd, .md-content td, .md-content a")) {
    const box = node.getBoundingClientRect();
    if (!box.width || !node.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(node).fontSize);
    if (size < minFont) problems.push(`text ${size}px: ${node.textContent.trim().slice(0, 30)}`);
  }
  return problems;
}"""


def check_page(tab: Tab) -> None:
    problems = tab.page.evaluate(PAGE_CHECKS, MIN_FONT_PX)
    assert not problems, f"{tab.page.url} ({tab.viewport}):\n" + "\n".join(problems)


def check_navigation(tab: Tab) -> None:
    """Every column is reachable from the navigation: the tabs on a desktop, the drawer on a phone (left open)."""
    page = tab.page
    if tab.viewport == "phone":
        drawer = page.locator("nav.md-nav--primary")
        page.locator("label.md-header__button[for='__drawer']").click()
        for column in COLUMNS.values():
            expect(drawer.get_by_role("link", name=column.name, exact=True).first).to_be_visible()
    else:
        tabs = page.locator(".md-tabs")
        for column in COLUMNS.values():
            expect(tabs.get_by_role("link", name=column.name, exact=True)).to_be_visible()


def titles(page: Any, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


@BOTH
def test_home_page_shows_the_newest_of_each_column_and_a_search_box(new_tab: Any, tree: ContentTree, viewport: str) -> None:
    tab = new_tab(viewport)
    tab.open("")
    check_page(tab)
    page = tab.page
    for column in COLUMNS.values():
        section = page.locator("section", has=page.get_by_role("heading", name=re.compile(re.escape(column.name))))
        newest = tree.by_column(column.key)[0]
        expect(section.get_by_role("link").nth(1)).to_have_text(newest.title)
    box = page.get_by_role("searchbox", name="搜索全部文章")
    expect(box).to_be_visible()
    box.fill("环境")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(page.locator("#fz-results li").first).to_be_visible()
    tab.open("")
    tab.screenshot("home")
    check_navigation(tab)


def test_column_listing_is_paginated_in_date_order(new_tab: Any, tree: ContentTree, site_build: SiteBuild) -> None:
    per_page = site_build.settings.listing_per_page
    column = max(COLUMNS, key=lambda key: len(tree.by_column(key)))
    expected = [a.title for a in tree.by_column(column)]
    assert len(expected) > per_page, "the sample content needs a column longer than one listing page"
    tab = new_tab("desktop")
    tab.open(f"{column}/")
    check_page(tab)
    seen: list[str] = []
    for _ in range(len(expected)):
        seen += titles(tab.page, ".fz-list .fz-item__title")
        following = tab.page.locator(".fz-pager a[rel='next']")
        if not following.count():
            break
        following.click()
        tab.page.wait_for_load_state()
        check_page(tab)
    assert seen == expected


def test_year_archive_lists_that_year(new_tab: Any, tree: ContentTree) -> None:
    article = tree.articles[len(tree.articles) // 2]
    expected = [a.title for a in tree.by_column(article.column) if a.year == article.year]
    tab = new_tab("phone")
    tab.open(f"{article.column}/{article.year}/")
    check_page(tab)
    assert titles(tab.page, ".fz-list .fz-item__title") == expected
    expect(tab.page.locator(".fz-years [aria-current='page']")).to_contain_text(str(article.year))


def test_law_index_links_each_law_to_the_articles_citing_it(new_tab: Any, tree: ContentTree) -> None:
    citing: dict[str, list[Article]] = {}
    for article in tree.articles:
        for law in article.cited_laws:
            citing.setdefault(law, []).append(article)
    law = max(citing, key=lambda name: len(citing[name]))
    tab = new_tab("desktop")
    tab.open("laws/")
    check_page(tab)
    expect(tab.page.locator(".fz-lawlist a")).to_have_count(len(citing))
    tab.page.get_by_role("link", name=f"《{law}》", exact=True).click()
    tab.page.wait_for_load_state()
    assert urlsplit(tab.page.url).path.rstrip("/").endswith(law_table().slug(law))
    check_page(tab)
    assert sorted(titles(tab.page, ".fz-list .fz-item__title")) == sorted(a.title for a in citing[law])


@BOTH
def test_article_page_metadata_attachment_and_cited_laws(new_tab: Any, tree: ContentTree, site_build: SiteBuild, viewport: str) -> None:
    article = next(a for a in tree.articles if a.attachments and a.cited_laws)
    tab = new_tab(viewport)
    tab.open(article.url)
    check_page(tab)
    page = tab.page
    expect(page.locator("h1")).to_have_text(article.title)
    expect(page.locator(".fz-meta time")).to_have_text(article.date_text)
    if article.source:
        expect(page.locator(".fz-meta")).to_contain_text(article.source)
    folder = site_build.settings.paths.content / PurePosixPath(article.path).parent  # type: ignore[arg-type]
    for attachment in article.attachments:
        with page.expect_download() as download:
            page.get_by_role("link", name=attachment.title, exact=True).click()
        assert Path(download.value.path()).read_bytes() == (folder / attachment.file).read_bytes()
    cited = page.locator(".fz-cited a")
    expect(cited).to_have_count(len(article.cited_laws))
    cited.first.click()
    page.wait_for_load_state()
    expect(page.locator(".fz-list").get_by_role("link", name=article.title, exact=True)).to_be_visible()
    tab.open(article.url)
    tab.screenshot("article")


def test_scraped_article_links_its_original(new_tab: Any, tree: ContentTree) -> None:
    article = next(a for a in tree.articles if a.origin_url)
    tab = new_tab("phone")
    tab.open(article.url)
    check_page(tab)
    expect(tab.page.locator(f".fz-meta a[href='{article.origin_url}']")).to_be_visible()


def search_for(tab: Tab, text: str) -> None:
    tab.page.locator("#fz-q").fill(text)
    tab.page.locator("#fz-q").press("Enter")
    expect(tab.page.locator("#fz-status")).to_contain_text(re.compile("找到|没有找到"))


def result_titles(tab: Tab) -> list[str]:
    return titles(tab.page, "#fz-results .fz-hit__title")


@BOTH
def test_search_page_highlights_filters_and_keeps_the_query_in_the_url(new_tab: Any, tree: ContentTree, viewport: str) -> None:
    word = "污染"
    tab = new_tab(viewport)
    tab.open("search/")
    check_page(tab)
    page = tab.page
    expect(page.locator("#fz-q")).to_be_focused()
    search_for(tab, word)
    expect(page.locator("#fz-results li").first).to_be_visible()
    expect(page.locator("#fz-results mark").first).to_have_text(re.compile(word))
    assert parse_qs(urlsplit(page.url).query)["q"] == [word]
    check_page(tab)
    tab.screenshot("search")
    everything = result_titles(tab)

    column = next(key for key in COLUMNS if any(word in a.title + a.body and a.column == key for a in tree.articles))
    page.locator("#fz-column").select_option(column)
    page.locator("#fz-q").press("Enter")
    expect(page.locator("#fz-status")).to_contain_text("找到")
    page.wait_for_url(re.compile(f"column={column}"))
    metas = page.locator("#fz-results .fz-hit__meta").all_inner_texts()
    assert metas and all(COLUMNS[column].name in meta for meta in metas)
    in_column = result_titles(tab)

    page.locator("#fz-from").fill("2020-01-01")
    page.locator("#fz-to").fill("2021-12-31")
    page.locator("#fz-q").press("Enter")
    page.wait_for_url(re.compile("from=2020-01-01"))
    expect(page.locator("#fz-status")).to_contain_text(re.compile("找到|没有找到"))
    dates = page.locator("#fz-results time").evaluate_all("nodes => nodes.map(n => n.getAttribute('datetime'))")
    assert all("2020-01-01" <= d[:10] <= "2021-12-31" for d in dates)
    expected = {a.title for a in tree.articles if a.column == column and a.year in (2020, 2021) and word in a.title + a.body}
    assert set(result_titles(tab)) <= expected and len(dates) == min(len(expected), 10)

    shared = page.url
    filtered = result_titles(tab)
    page.reload()
    expect(page.locator("#fz-status")).to_contain_text(re.compile("找到|没有找到"))
    assert result_titles(tab) == filtered
    expect(page.locator("#fz-column")).to_have_value(column)
    page.go_back()
    page.wait_for_url(re.compile(f"column={column}$"))
    expect(page.locator("#fz-results .fz-hit__title").first).to_have_text(in_column[0])
    page.go_back()
    expect(page.locator("#fz-results .fz-hit__title").first).to_have_text(everything[0])
    assert page.url != shared


@BOTH
def test_a_law_named_by_its_short_form_is_shown_above_the_hits(new_tab: Any, tree: ContentTree, viewport: str) -> None:
    name = "固体废物污染环境防治法"
    citing = [a for a in tree.articles if name in a.cited_laws]
    assert citing
    tab = new_tab(viewport)
    tab.open("search/?q=固废法")
    page = tab.page
    card = page.locator("#fz-lawcard")
    expect(card).to_be_visible()
    expect(card).to_contain_text(f"《{name}》")
    expect(card).to_contain_text(f"{len(citing)} 篇文章")
    box, first = card.bounding_box(), page.locator("#fz-results li").first.bounding_box()
    assert box and first and box["y"] < first["y"]
    check_page(tab)
    card.get_by_role("link", name=f"《{name}》").click()
    page.wait_for_url(re.compile(f"laws/{law_table().slug(name)}/$"))
    expect(page.locator("h1")).to_contain_text(name)


def test_search_without_results_offers_a_way_out(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open("search/?q=土壤&from=1990-01-01&to=1990-12-31")
    page = tab.page
    expect(page.locator("#fz-status")).to_have_text("没有找到结果")
    suggestion = page.locator(".fz-search__suggestion a")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.locator("#fz-status")).to_contain_text("找到")
    assert "from=" not in page.url and "q=" in page.url
    expect(page.locator("#fz-from")).to_have_value("")

    search_for(tab, "zzqxj")
    expect(page.locator("#fz-empty")).to_contain_text("没有找到")
    check_page(tab)


def test_markup_in_a_query_stays_text(new_tab: Any) -> None:
    tab = new_tab("desktop")
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = '土壤<img src=x onerror=alert(1)><script>alert(2)</script>"'
    tab.page.goto(tab.base + "search/?" + str(httpx.QueryParams({"q": hostile})), wait_until="load")
    expect(tab.page.locator("#fz-q")).to_have_value(hostile)
    expect(tab.page.locator("#fz-status")).to_contain_text(re.compile("找到|没有找到"))
    assert tab.page.locator("#fz-search img, #fz-search script").count() == 0
    assert not dialogs


def test_search_pages_through_results(new_tab: Any) -> None:
    tab = new_tab("phone")
    tab.open("search/?q=环境")
    page = tab.page
    expect(page.locator("#fz-status")).to_contain_text("第 1 /")
    first = result_titles(tab)
    page.locator("#fz-pages").get_by_role("link", name="下一页").click()
    expect(page.locator("#fz-status")).to_contain_text("第 2 /")
    assert "page=2" in page.url
    expect(page.locator("#fz-status")).to_be_focused()
    assert not set(result_titles(tab)) & set(first)
    check_page(tab)


def test_search_works_from_the_keyboard_alone(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open("")
    page = tab.page
    tab.tab_until("document.activeElement.id === 'fz-header-q'", "the header search box", limit=20)
    page.keyboard.type("排污许可")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(page.locator("#fz-results li").first).to_be_visible()
    tab.tab_until("!!document.activeElement.closest('#fz-results a')", "a search result")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(target.rstrip("/")) + "/$"))
    expect(page.locator("h1")).to_have_count(1)


def test_search_says_so_when_the_api_cannot_be_reached(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.allowed_errors.append("api/search")
    tab.page.route("**/api/search*", lambda route: route.abort())
    tab.open("search/?q=土壤")
    expect(tab.page.get_by_role("alert")).to_contain_text("无法连接搜索服务")
    expect(tab.page.locator("#fz-results li")).to_have_count(0)


@pytest.mark.parametrize("path", ["summaries/2020/", "laws/", "guide/", "status/", "search/?q=土壤"])
@BOTH
def test_other_pages_pass_the_basic_checks(new_tab: Any, viewport: str, path: str) -> None:
    tab = new_tab(viewport)
    tab.open(path)
    check_page(tab)
    check_navigation(tab)


def test_unknown_page_is_the_site_404(new_tab: Any) -> None:
    tab = new_tab("phone")
    response = tab.page.goto(tab.base + "no/such/page/", wait_until="load")
    assert response is not None and response.status == 404
    tab.allowed_errors.append(f"HTTP 404: {tab.base}no/such/page/")
    check_page(tab)


def test_feeds_are_valid_xml_listing_the_newest_articles(served_site: Any, tree: ContentTree) -> None:
    rss = httpx.get(served_site.url + "rss.xml", timeout=30)
    assert rss.status_code == 200 and "xml" in rss.headers["content-type"]
    channel = etree.fromstring(rss.content).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert items and items[0].findtext("title") == tree.articles[0].title
    assert all(item.findtext("link") and item.findtext("pubDate") for item in items)
    atom = etree.fromstring(httpx.get(served_site.url + "atom.xml", timeout=30).content)
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed"
