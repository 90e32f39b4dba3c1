"""Citation links and statute popovers in headless Chromium: mouse, keyboard, touch, and no script at all.

The sample site is built with the sample law library (fazhi_app/sample_laws): the article
dated 2022-01-05 cites the revised 《示例市河湖保洁条例》, the case dated 2021-12-31 the 2016 text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser import axe
from tests.browser.conftest import Tab
from tests.browser.test_site import check_page

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser
REVISION = "interpretations/2022/river-lake-cleaning-revision/"
CASE = "cases/2021/riverbank-dumping-fine/"
NEW_ARTICLE_12 = "对个人处五百元以上二千元以下罚款"
OLD_ARTICLE_10 = "对个人处二百元以上一千元以下罚款"


def citation(tab: Tab, text: str) -> Any:
    return tab.page.locator("a.fz-cite", has_text=text).first


def test_hover_shows_the_article_of_the_version_then_in_force(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open(REVISION)
    check_page(tab)
    link = citation(tab, "《示例市河湖保洁条例》第十二条")
    link.hover()
    pop = tab.page.locator("#fz-cite-pop")
    expect(pop).to_be_visible()
    expect(pop).to_contain_text(NEW_ARTICLE_12)
    expect(pop).to_contain_text("2021年9月15日版")
    tab.page.mouse.move(0, 0)
    expect(pop).to_be_hidden()
    # the case of 2021-12-31 cites the text in force that day: the 2016 one, where the same fine is 第十条
    tab.open(CASE)
    citation(tab, "第十条").hover()
    expect(tab.page.locator("#fz-cite-pop")).to_contain_text(OLD_ARTICLE_10)
    tab.screenshot("citation-popover")


def test_keyboard_focus_shows_and_escape_hides(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open(REVISION)
    page = tab.page
    target = citation(tab, "第八条之一")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.textContent") == "第八条之一":
            break
    else:
        pytest.fail("第八条之一 is not reachable with the Tab key")
    pop = page.locator("#fz-cite-pop")
    expect(pop).to_be_visible()
    expect(pop).to_contain_text("自行带走产生的垃圾")
    expect(target).to_have_attribute("aria-describedby", "fz-cite-pop")
    page.keyboard.press("Escape")
    expect(pop).to_be_hidden()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/laws/[a-z0-9-]+/#a8-1$"))
    expect(page.locator("#a8-1")).to_contain_text("第八条之一")


def test_a_tap_shows_the_text_and_the_page_is_one_more_tap_away(browser: Any, served_site: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(served_site.url + REVISION)
        link = page.locator("a.fz-cite", has_text="《示例省生态环境保护条例》第七条").first
        link.tap()
        pop = page.locator("#fz-cite-pop")
        expect(pop).to_be_visible()
        expect(pop).to_contain_text("重点排污单位应当按照规定安装使用监测设备")
        assert page.url.endswith(REVISION)
        box = pop.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        pop.get_by_role("link", name="在法规页面阅读全文").tap()
        page.wait_for_url(re.compile(r"#a7$"))
        expect(page.locator("#a7")).to_be_visible()
    finally:
        context.close()


def test_without_script_the_citation_is_a_plain_link(browser: Any, served_site: Any) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(served_site.url + CASE)
        page.locator("a.fz-cite", has_text="第十条").first.click()
        page.wait_for_url(re.compile(r"/laws/[a-z0-9-]+/2016-03-10/#a10$"))
        expect(page.locator("#a10")).to_contain_text(OLD_ARTICLE_10)
        expect(page.locator(".fz-law-old")).to_contain_text("历史版本")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_law_page_text_contents_versions_and_citing_articles(new_tab: Any, viewport: str) -> None:
    tab = new_tab(viewport)
    tab.open(REVISION)
    tab.page.locator("a.fz-cite", has_text="《示例市河湖保洁条例》第十二条").first.click()
    tab.page.wait_for_load_state()
    check_page(tab)
    page = tab.page
    expect(page.locator("h1")).to_have_text("《示例市河湖保洁条例》")
    expect(page.locator(".fz-law-toc li")).to_have_count(5)
    expect(page.locator(".fz-law-article")).to_have_count(16)
    page.locator(".fz-law-history summary").click()
    versions = page.locator(".fz-law-versions li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("2021年9月15日版，2022年1月1日起施行（现行）")
    expect(page.locator(".fz-law-citing .fz-item__title")).to_have_count(2)
    versions.nth(1).get_by_role("link").click()
    page.wait_for_load_state()
    expect(page.locator(".fz-law-article")).to_have_count(12)
    tab.screenshot("law-page-old-version")


def test_repealed_law_names_its_successor(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open(REVISION)
    link = citation(tab, "《示例市城市绿化暂行规定》第三条")
    expect(link).to_have_class(re.compile("fz-cite--repealed"))
    link.hover()
    expect(tab.page.locator("#fz-cite-pop")).to_contain_text("已于2019年5月1日废止，由《示例市绿道管理办法》取代")
    link.click()
    tab.page.wait_for_load_state()
    notice = tab.page.locator(".fz-repealed")
    expect(notice).to_contain_text("《示例市绿道管理办法》")
    notice.get_by_role("link").click()
    tab.page.wait_for_load_state()
    expect(tab.page.locator("h1")).to_have_text("《示例市绿道管理办法》")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_open_popover_has_no_axe_violations(new_tab: Any, viewport: str) -> None:
    tab = new_tab(viewport)
    axe.install(tab.page.context)
    tab.open(REVISION)
    link = citation(tab, "《示例市城市绿化暂行规定》第三条")
    link.focus()
    pop = tab.page.locator("#fz-cite-pop")
    expect(pop).to_contain_text("在法规页面阅读全文")
    # the page itself is checked in test_accessibility; here only what the popover adds (focusing scrolls the
    # page, and Material's header switches to the page title with a transition axe may catch halfway)
    found = axe.violations(tab.page, f"/{REVISION} with a popover open at {viewport}")
    problems = [line for line in found if "fz-cite" in line]
    assert not problems, "\n".join(problems)
