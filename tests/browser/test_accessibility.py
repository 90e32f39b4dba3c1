"""Accessibility and 适老化 in headless Chromium: axe-core on every kind of page, the reading modes,
the skip link and the focus ring.

The pages checked come from the content tree the site was built from, so they follow the
sample content: a column long enough to have a second page, an article with attachments
and a table, the most-cited law. Each run of axe-core covers every kind of page at one
viewport in one reading mode, switched on by its header button on the first page and
remembered from there on, and fails listing every violation with its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from fazhi.article import COLUMNS, Article
from fazhi.content import ContentTree
from fazhi.law.names import law_table
from fazhi_app.hooks.law_text import law_slug
from tests.browser import axe
from tests.browser.conftest import Tab
from tests.fixtures.site import SiteBuild

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser
BOTH = pytest.mark.parametrize("viewport", ["phone", "desktop"])
MODES = {"large": "大字", "contrast": "高对比"}
SEARCH_WORD = "污染"
NO_RESULTS = "zzqxj"
LARGE_TEXT_RATIO = 1.25
SAMPLE_LAW = "示例市河湖保洁条例"  # two versions in fazhi_app/sample_laws
# Set when <body> is first inserted, i.e. before anything of the page can have been painted.
MODE_AT_BODY = """
new MutationObserver((records, observer) => {
  if (document.body) {
    window.__fzModeAtBody = document.documentElement.getAttribute("data-fz-mode");
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


@dataclass(frozen=True)
class Visit:
    """One kind of page: its path, what shows it is ready, and how it is served."""

    name: str
    path: str
    ready: str = ""
    api_down: bool = False
    status: int = 200


def article_with_attachments_and_table(tree: ContentTree) -> Article:
    found = [a for a in tree.articles if a.attachments and "|---" in a.body.replace(" ", "")]
    assert found, "the sample content needs an article with attachments and a table"
    return found[0]


@pytest.fixture(scope="module")
def visits(tree: ContentTree, site_build: SiteBuild) -> list[Visit]:
    """Every kind of page the site has, as found in the sample content."""
    per_page = site_build.settings.listing_per_page
    longest = max(COLUMNS, key=lambda key: len(tree.by_column(key)))
    assert len(tree.by_column(longest)) > per_page, "the sample content needs a column longer than one listing page"
    article = article_with_attachments_and_table(tree)
    citing: dict[str, int] = {}
    for item in tree.articles:
        for law in item.cited_laws:
            citing[law] = citing.get(law, 0) + 1
    law = max(citing, key=lambda name: citing[name])
    return [
        Visit("home", ""),
        *(Visit(f"column-{key}", f"{key}/") for key in COLUMNS),
        Visit("column-page-2", f"{longest}/page/2/"),
        Visit("year", f"{article.column}/{article.year}/"),
        Visit("article", article.url),
        Visit("law-index", "laws/"),
        Visit("law", f"laws/{law_table().slug(law)}/"),
        # with the sample law library: a law page with its text, an older version, the library, citation links
        Visit("law-text", f"laws/{law_slug(SAMPLE_LAW)}/"),
        Visit("law-version", f"laws/{law_slug(SAMPLE_LAW)}/2016-03-10/"),
        Visit("law-library", "laws/library/"),
        Visit("article-citations", "interpretations/2022/river-lake-cleaning-revision/", ready="a.fz-cite"),
        Visit("search-results", f"search/?q={SEARCH_WORD}", ready="#fz-results li"),
        Visit("search-none", f"search/?q={NO_RESULTS}", ready="#fz-empty:not([hidden])"),
        Visit("search-api-down", f"search/?q={SEARCH_WORD}", ready="#fz-error:not([hidden])", api_down=True),
        Visit("status", "status/"),
        Visit("guide", "guide/"),
        Visit("sitemap", "sitemap/"),
        Visit("404", "no/such/page/", status=404),
    ]


def show(tab: Tab, visit: Visit) -> None:
    """Open a visit's page and wait until it shows what it is for."""
    page = tab.page
    if visit.api_down:
        tab.allowed_errors.append("api/search")
        page.route("**/api/search*", lambda route: route.abort())
    try:
        if visit.status == 200:
            tab.open(visit.path)
        else:
            response = page.goto(tab.base + visit.path, wait_until="load")
            assert response is not None and response.status == visit.status, f"/{visit.path}: HTTP {response and response.status}"
            tab.allowed_errors.append(f"HTTP {visit.status}: {tab.base}{visit.path}")
        if visit.ready:
            expect(page.locator(visit.ready).first).to_be_visible()
    finally:
        if visit.api_down:
            page.unroute("**/api/search*")


def mode_button(tab: Tab, mode: str) -> Any:
    return tab.page.locator(".md-header").get_by_role("button", name=MODES[mode], exact=True)


def tab_in_mode(new_tab: Any, viewport: str, mode: str) -> Tab:
    """A new tab with axe installed, switched to a reading mode (``plain``, ``large`` or ``contrast``) from the home page."""
    tab = new_tab(viewport)
    axe.install(tab.page.context)
    if mode != "plain":
        tab.open("")
        mode_button(tab, mode).click()
        expect(mode_button(tab, mode)).to_have_attribute("aria-pressed", "true")
    return tab


def font_px(tab: Tab, selector: str) -> float:
    return float(tab.page.eval_on_selector(selector, "node => parseFloat(getComputedStyle(node).fontSize)"))


@pytest.mark.parametrize("mode", ["plain", "large", "contrast"])
@BOTH
def test_every_kind_of_page_has_no_axe_violations(new_tab: Any, visits: list[Visit], viewport: str, mode: str) -> None:
    tab = tab_in_mode(new_tab, viewport, mode)
    problems: list[str] = []
    for visit in visits:
        show(tab, visit)
        if mode != "plain":
            expect(tab.page.locator("html")).to_have_attribute("data-fz-mode", mode)
        problems += axe.violations(tab.page, f"/{visit.path} at {viewport}, {mode}")
        width = tab.page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"/{visit.path} at {viewport}, {mode}: scrolls sideways ({width[0]}px wide in a {width[1]}px window)")
        if visit.name in ("home", "article"):
            tab.screenshot(f"a11y-{visit.name}-{mode}")
    assert not problems, f"{len(problems)} axe-core {axe.PINNED} violation(s):\n" + "\n".join(problems)


def test_axe_check_reports_a_violation(new_tab: Any) -> None:
    """The check above can fail: a page with a known fault gives a violation naming rule, element and page."""
    tab = new_tab("desktop")
    axe.install(tab.page.context)
    tab.open("")
    tab.page.evaluate("""() => { const img = document.createElement("img"); img.src = "x.png"; img.id = "fz-no-alt";
                                 document.querySelector("#fz-main").append(img); }""")
    tab.allowed_errors.append("x.png")
    found = axe.violations(tab.page, "/ (with an image without alt text)")
    assert any(line.startswith("/ (with an image without alt text): image-alt (critical) at #fz-no-alt") for line in found), found


def test_reading_modes_work_by_keyboard_are_remembered_and_applied_before_paint(new_tab: Any, tree: ContentTree) -> None:
    article = article_with_attachments_and_table(tree)
    tab = new_tab("phone")
    page = tab.page
    page.context.add_init_script(MODE_AT_BODY)
    tab.open(article.url)
    for mode in MODES:
        button = mode_button(tab, mode)
        expect(button).to_be_in_viewport(ratio=1)  # on a phone, without opening the menu
        expect(button).to_have_attribute("aria-pressed", "false")
    before = font_px(tab, ".fz-body p")

    tab.tab_until("document.activeElement.getAttribute('data-fz-mode-toggle') === 'large'", "the 大字 button", limit=15)
    page.keyboard.press("Space")
    expect(mode_button(tab, "large")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_attribute("data-fz-mode", "large")
    assert font_px(tab, ".fz-body p") >= LARGE_TEXT_RATIO * before
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), "large text scrolls sideways at 375 px"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-fz-mode-toggle')") == "contrast"
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("data-fz-mode", "large contrast")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"

    with page.expect_navigation():
        page.locator(".fz-crumbs a").first.click()
    assert page.evaluate("window.__fzModeAtBody") == "large contrast", "the modes were not applied before the page body"
    for mode in MODES:
        expect(mode_button(tab, mode)).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    for mode in MODES:
        expect(mode_button(tab, mode)).to_be_in_viewport(ratio=1)  # large text does not push them out of the header
    tab.screenshot("a11y-listing-large-contrast")

    mode_button(tab, "large").click()
    mode_button(tab, "contrast").click()
    expect(page.locator("html")).not_to_have_attribute("data-fz-mode", re.compile("."))
    page.reload()
    assert page.evaluate("window.__fzModeAtBody") is None
    expect(mode_button(tab, "large")).to_have_attribute("aria-pressed", "false")


@BOTH
def test_skip_link_leads_to_the_content_and_focus_is_always_visible(new_tab: Any, tree: ContentTree, viewport: str) -> None:
    article = article_with_attachments_and_table(tree)
    tab = new_tab(viewport)
    page = tab.page
    tab.open(article.url)
    page.keyboard.press("Tab")
    skip = page.locator(".fz-skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("跳到正文")
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "fz-main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#fz-main')"), "after the skip link, Tab did not continue in the content"

    tab.open(article.url)
    reached: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const el = document.activeElement; const style = getComputedStyle(el);
          return {what: el.outerHTML.slice(0, 80), outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                  region: el.getAttribute("role") === "region" && el.classList.contains("fz-table")}; }""")
        assert focused["outline"] != "none" and focused["width"] >= 2, f"no visible focus ring on {focused['what']}"
        reached.append(focused["what"])
        if focused["region"]:
            break
    else:
        pytest.fail("Tab never reached the table's scroll region:\n" + "\n".join(reached))


def test_search_dates_are_chinese_text_fields(new_tab: Any) -> None:
    tab = new_tab("phone")
    page = tab.page
    tab.open("search/")
    for field in ("#fz-from", "#fz-to"):
        box = page.locator(field)
        expect(box).to_have_attribute("type", "text")
        expect(box).to_have_attribute("inputmode", "numeric")
        expect(box).to_have_accessible_description(re.compile("年-月-日"))
    page.locator("#fz-q").fill(SEARCH_WORD)
    page.locator("#fz-from").fill("2020年1月1日")
    page.locator("#fz-q").press("Enter")
    assert page.locator("#fz-from").evaluate("node => node.validity.patternMismatch")
    assert "from=" not in page.url, "a malformed date was sent"
    page.locator("#fz-from").fill("2020-01-01")
    page.locator("#fz-q").press("Enter")
    page.wait_for_url(re.compile("from=2020-01-01"))


def test_a_mode_switched_in_one_tab_follows_in_the_others(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open("")
    other = tab.page.context.new_page()
    other.goto(tab.base + "laws/", wait_until="load")
    mode_button(tab, "contrast").click()
    expect(other.locator("html")).to_have_attribute("data-fz-mode", "contrast")
    expect(other.locator(".md-header").get_by_role("button", name=MODES["contrast"], exact=True)).to_have_attribute("aria-pressed", "true")
    other.close()


def test_without_javascript_the_switches_stay_out_of_the_way(browser: Any, served_site: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served_site.url, wait_until="load")
        assert page.locator("[data-fz-mode-toggle]").count() == 2
        expect(page.locator(".fz-modes")).to_be_hidden()
        expect(page.locator("h1")).to_be_visible()
    finally:
        context.close()
