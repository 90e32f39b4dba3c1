"""The text of pictures and files in the browser: the 「图片文字」 disclosure and the text versions pass axe-core at
phone and desktop sizes in every reading mode; the disclosure opens from the keyboard; the picture points to it; the
search page's "found in attachments" filter, driven by the ``in`` facet, keeps the hits found in files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fazhi.content import load_tree
from fazhi_app.extraction import file_texts
from search.indexer import update_index
from tests.browser import axe
from tests.browser.test_accessibility import BOTH, tab_in_mode
from tests.fixtures.file_texts import TEXTS_ARTICLE
from tests.fixtures.served import Server, serve_process
from tests.fixtures.site import SiteBuild

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser
DECISION_ARTICLE = "cases/2024/chufa-jueding/"
SETTLED = "() => document.getAnimations().every((a) => a.playState !== 'running')"


@pytest.fixture(scope="module")
def served_site(texts_site: SiteBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`fazhi serve` over the sample site with its files' texts (``texts_site``) instead of the plain one."""
    paths = texts_site.settings.paths
    update_index(paths.content, paths.index, files=file_texts(texts_site.settings, load_tree(paths.content)))
    with serve_process(texts_site.settings, tmp_path_factory.mktemp("served-texts") / "serve.log") as server:
        yield server


def text_pages(tab: Any) -> list[str]:
    """The infographic's article, its text version (linked from the disclosure) and a Word file's text version."""
    tab.open(TEXTS_ARTICLE)
    image_text = tab.page.locator("details.fz-imgtext a").first.get_attribute("href")
    tab.open(DECISION_ARTICLE)
    file_text = tab.page.locator(".fz-attachments a", has_text="文本版本").first.get_attribute("href")
    return [TEXTS_ARTICLE, relative(TEXTS_ARTICLE, image_text), relative(DECISION_ARTICLE, file_text)]


def relative(page: str, href: str | None) -> str:
    assert href, f"/{page}: a text-version link without a target"
    return str(Path("/" + page, href).resolve())[1:] + "/"


@pytest.mark.parametrize("mode", ["plain", "large", "contrast"])
@BOTH
def test_the_disclosure_and_text_versions_have_no_axe_violations(new_tab: Any, viewport: str, mode: str) -> None:
    tab = tab_in_mode(new_tab, viewport, mode)
    problems: list[str] = []
    for path in text_pages(tab):
        tab.open(path)
        if mode != "plain":
            expect(tab.page.locator("html")).to_have_attribute("data-fz-mode", mode)
        details = tab.page.locator("details.fz-imgtext")
        if details.count():
            problems += axe.violations(tab.page, f"/{path} at {viewport}, {mode}, closed")
            details.first.locator("summary").click()
            tab.page.wait_for_function(SETTLED)  # the click scrolls: the header's title fades in its topic
        problems += axe.violations(tab.page, f"/{path} at {viewport}, {mode}")
    assert not problems, f"{len(problems)} axe-core {axe.PINNED} violation(s):\n" + "\n".join(problems)


def test_the_picture_points_to_its_disclosure_which_opens_from_the_keyboard(new_tab: Any) -> None:
    tab = new_tab("phone")
    tab.open(TEXTS_ARTICLE)
    image = tab.page.locator(".fz-body img").first
    described = image.get_attribute("aria-describedby")
    details = tab.page.locator(f"details#{described}")
    expect(details).to_have_count(1)
    expect(details.locator("summary")).to_contain_text("机器识别")
    assert details.evaluate("node => node.open") is False
    tab.tab_until("document.activeElement.tagName === 'SUMMARY'", "the 图片文字 disclosure")
    tab.page.keyboard.press("Enter")
    assert details.evaluate("node => node.open") is True
    expect(details.locator(".fz-imgtext__text")).to_contain_text("油烟净化设施")


@BOTH
def test_the_found_in_files_facet_filters_the_hits_and_the_form_keeps_it(new_tab: Any, viewport: str) -> None:
    tab = new_tab(viewport)
    axe.install(tab.page.context)
    tab.open("search/?q=罚款")
    page = tab.page
    facet = page.locator("#fz-facets")
    expect(facet).to_contain_text("按出处")
    in_files = facet.get_by_role("link", name=re.compile(r"^附件与图片中的文字（\d+）$"))
    count = int(re.search(r"（(\d+)）", in_files.inner_text()).group(1))  # type: ignore[union-attr]
    everything = int(re.search(r"找到 (\d+)", page.locator("#fz-status").inner_text()).group(1))  # type: ignore[union-attr]
    assert 0 < count < everything, (count, everything)
    problems = axe.violations(page, f"search page with the in facet at {viewport}")
    in_files.click()
    page.wait_for_url(re.compile("in=files"))
    tab.settled()
    expect(page.locator("#fz-status")).to_contain_text(f"找到 {count} ")
    expect(page.locator("#fz-in")).to_have_value("files")
    hits = page.locator("#fz-results > li")
    assert hits.count() == min(count, 10)
    assert hits.locator(".fz-hit__file").count() == hits.count(), "every hit says the file it was found in"
    expect(facet.locator("a[aria-current='true']")).to_contain_text("附件与图片中的文字")
    problems += axe.violations(page, f"search page filtered to files at {viewport}")
    assert not problems, f"{len(problems)} axe-core {axe.PINNED} violation(s):\n" + "\n".join(problems)

    page.locator("#fz-in").select_option("")
    page.locator("#fz-q").press("Enter")
    page.wait_for_url(lambda url: "in=files" not in url)
    tab.settled()
    expect(page.locator("#fz-status")).to_contain_text(f"找到 {everything} ")
