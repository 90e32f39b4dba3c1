"""Questions the index cannot look up, on the search page in headless Chromium: a hint, or a request to shorten.

A question of only question words, emoji or full-width punctuation shows no results and the hint the API
sends; a question longer than the API's limit (a shared link, a pasted text) is not sent, and the page says
to shorten it. Both at phone and desktop size, with no axe violations.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from search.query import MAX_QUERY_CHARS, NO_WORDS_HINT
from tests.browser import axe
from tests.browser.test_site import BOTH, check_page

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@BOTH
@pytest.mark.parametrize("q", ["怎么办？可以吗？", "😀🐶🙏", "！？。，、"])
def test_a_question_with_nothing_to_search_shows_the_hint(new_tab: Any, viewport: str, q: str) -> None:
    tab = new_tab(viewport)
    axe.install(tab.page.context)
    tab.open(f"search/?q={quote(q)}")
    tab.settled()
    page = tab.page
    expect(page.locator("#fz-status")).to_have_text("没有找到结果")
    expect(page.locator("#fz-empty")).to_contain_text(NO_WORDS_HINT)
    expect(page.locator("#fz-error")).to_be_hidden()
    check_page(tab)
    assert not axe.violations(page, f"search page with a question of no searchable words at {viewport}")


@BOTH
def test_a_question_past_the_limit_is_asked_to_be_shortened(new_tab: Any, viewport: str) -> None:
    tab = new_tab(viewport)
    axe.install(tab.page.context)
    searches: list[str] = []
    tab.page.on("request", lambda request: searches.append(request.url) if "/api/search" in request.url else None)
    q = "邻居家装修太吵" * (MAX_QUERY_CHARS // 7 + 1)
    tab.open(f"search/?q={quote(q)}")
    tab.settled()
    page = tab.page
    error = page.locator("#fz-error")
    expect(error).to_be_visible()
    limit = MAX_QUERY_CHARS
    expect(error).to_have_text(f"问题有 {len(q)} 个字，超过了 {limit} 字的上限。请缩短到 {limit} 字以内，只写要问的事情，再搜索。")
    assert searches == [], "a question past the limit is not sent"
    assert page.locator("#fz-q").get_attribute("maxlength") == str(MAX_QUERY_CHARS)
    check_page(tab)
    assert not axe.violations(page, f"search page with a question past the limit at {viewport}")
