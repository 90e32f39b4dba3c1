"""The search page with the law library indexed: the kind filter and a named article's text, in headless Chromium.

The served sample site is built and indexed with our fictional sample library
(tests/fixtures/served.py), as `make demo` does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from fazhi.law.names import law_slug
from tests.browser import axe
from tests.browser.test_site import BOTH, check_page

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser
RIVERS = "示例市河湖保洁条例"


@BOTH
def test_a_named_article_is_shown_above_the_hits_and_its_law_leads_to_it(new_tab: Any, viewport: str) -> None:
    tab = new_tab(viewport)
    axe.install(tab.page.context)
    tab.open(f"search/?q={RIVERS}第6条")
    page = tab.page
    card = page.locator("#fz-lawcard")
    expect(card).to_be_visible()
    expect(card.locator(".fz-lawcard__article")).to_contain_text(f"《{RIVERS}》第六条")
    expect(card.locator(".fz-lawcard__article")).to_contain_text("保洁责任人应当每日巡查责任区，及时清除水面漂浮物和岸线垃圾。")
    expect(card.locator(".fz-lawcard__article p")).to_have_count(3)  # the label and the article's two 款
    first = page.locator("#fz-results li").first
    expect(first).to_have_class(re.compile("fz-hit--law"))
    expect(first.locator(".fz-hit__meta")).to_contain_text("法规")
    expect(first.locator(".fz-hit__snippet")).to_contain_text("保洁责任人应当每日巡查责任区")
    assert (first.locator(".fz-hit__title a").get_attribute("href") or "").endswith(f"/laws/{law_slug(RIVERS)}/#a6")
    check_page(tab)
    assert not axe.violations(page, f"search page with a named article at {viewport}")
    tab.screenshot("search-named-article")

    card.get_by_role("link", name="在法规全文中查看第六条").click()
    page.wait_for_url(re.compile(f"/laws/{law_slug(RIVERS)}/#a6$"))
    expect(page.locator("#a6")).to_contain_text("保洁责任人应当每日巡查责任区")


def test_the_kind_facet_filters_by_keyboard_and_the_url_keeps_it(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open("search/?q=垃圾")
    page = tab.page
    facet = page.locator("#fz-facets")
    expect(facet).to_contain_text("按类型")
    laws_link = facet.get_by_role("link", name=re.compile(r"^法规（\d+）$"))
    count = int(re.search(r"（(\d+)）", laws_link.inner_text()).group(1))  # type: ignore[union-attr]
    tab.tab_until("document.activeElement.textContent.startsWith('法规（')", "the 法规 facet link", limit=80)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("kind=laws"))
    tab.settled()
    expect(page.locator("#fz-status")).to_contain_text(f"找到 {count} 部法规")
    expect(page.locator("#fz-kind")).to_have_value("laws")
    hits = page.locator("#fz-results li")
    assert hits.count() == min(count, 10)
    assert all("fz-hit--law" in (cls or "") for cls in hits.evaluate_all("nodes => nodes.map(n => n.className)"))
    expect(facet.locator("a[aria-current='true']")).to_contain_text("法规")

    page.locator("#fz-kind").select_option("articles")
    page.locator("#fz-q").press("Enter")
    page.wait_for_url(re.compile("kind=articles"))
    tab.settled()
    expect(page.locator("#fz-status")).to_contain_text("篇文章")
    assert page.locator("#fz-results li.fz-hit--law").count() == 0
    page.go_back()
    page.wait_for_url(re.compile("kind=laws"))
    expect(page.locator("#fz-kind")).to_have_value("laws")


def test_a_repealed_laws_article_is_marked_repealed(new_tab: Any) -> None:
    tab = new_tab("phone")
    tab.open("search/?q=示例市城市绿化暂行规定第三条")
    card = tab.page.locator("#fz-lawcard .fz-lawcard__article")
    expect(card).to_contain_text("任何单位和个人不得擅自占用城市绿地")
    expect(card.locator(".fz-lawcard__repeal")).to_have_text("这部法规已于2019年5月1日由《示例市绿道管理办法》废止，以上是它废止时的条文。")
    check_page(tab)
