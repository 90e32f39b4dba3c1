"""The answer card on the search page, in headless Chromium: first in the results, a link to the article, its citing articles.

The served sample site is built and indexed with our fictional sample library
(tests/fixtures/served.py), as `make demo` does; its case of 2021-12-31 and its
interpretation of 2022-01-05 cite the river law's article on dumping rubbish.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from fazhi.law.names import law_slug
from tests.browser import axe
from tests.browser.test_accessibility import BOTH, tab_in_mode
from tests.browser.test_site import check_page

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser
RIVERS = "示例市河湖保洁条例"
QUESTION = "往河道里倾倒垃圾会被罚款多少"


@pytest.mark.parametrize("mode", ["large", "contrast"])
@BOTH
def test_the_card_comes_first_links_to_the_article_and_lists_the_articles_citing_it(new_tab: Any, viewport: str, mode: str) -> None:
    tab = tab_in_mode(new_tab, viewport, mode)
    tab.open(f"search/?q={QUESTION}")
    page = tab.page
    card = page.get_by_role("region", name="相关法条")
    expect(card).to_be_visible()
    order = page.evaluate("""() => [...document.querySelectorAll('#fz-answers, #fz-results')].map(n => n.id)""")
    assert order == ["fz-answers", "fz-results"], "the card is before the hit list, in reading and tab order"
    first = card.locator(".fz-answer").first
    link = first.get_by_role("link", name=f"《{RIVERS}》第十二条")
    assert (link.get_attribute("href") or "").endswith(f"/laws/{law_slug(RIVERS)}/#a12")
    expect(first.locator(".fz-answer__text")).to_contain_text("对个人处五百元以上二千元以下罚款")
    expect(first.locator(".fz-answer__version")).to_have_text("2021年9月15日版")
    citing = first.locator(".fz-answer__citing li")
    expect(citing).to_have_count(2)
    expect(citing.first).to_contain_text("一图读懂修订后的《示例市河湖保洁条例》")
    expect(citing.nth(1)).to_contain_text("以案释法：乙公司向河道倾倒渣土被处罚")
    expect(page.locator("html")).to_have_attribute("data-fz-mode", mode)
    check_page(tab)
    assert not axe.violations(page, f"search page with an answer card at {viewport}, {mode}")
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"scrolls sideways at {viewport}, {mode}"
    tab.screenshot(f"search-answer-card-{mode}")

    tab.tab_until(f"document.activeElement.textContent === '《{RIVERS}》第十二条'", "the card's article link", limit=60)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"/laws/{law_slug(RIVERS)}/#a12$"))
    expect(page.locator("#a12")).to_contain_text("倾倒垃圾")


def test_no_card_without_a_confident_answer(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open("search/?q=夫妻共同债务")
    page = tab.page
    expect(page.locator("#fz-status")).not_to_be_empty()
    expect(page.locator("#fz-answers")).to_be_hidden()
    page.locator("#fz-q").fill(QUESTION)
    page.locator("#fz-q").press("Enter")
    expect(page.locator("#fz-answers")).to_be_visible()
    page.locator("#fz-q").fill("夫妻共同债务")
    page.locator("#fz-q").press("Enter")
    expect(page.locator("#fz-answers")).to_be_hidden()
    expect(page.locator("#fz-answers-list li")).to_have_count(0)
