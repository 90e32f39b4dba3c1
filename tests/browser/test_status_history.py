"""The 运行状态 page with 60 nights of history: four charts, each an image with a name and a table, in every reading mode."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import axe
from tests.browser.test_accessibility import tab_in_mode
from tests.fixtures.site import HISTORY_NIGHTS

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("mode", ["plain", "contrast", "large"])
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_history_charts_are_named_images_with_tables_and_no_axe_violations(new_tab: Any, viewport: str, mode: str) -> None:
    tab = tab_in_mode(new_tab, viewport, mode)
    tab.open("status/")
    page = tab.page
    charts = page.get_by_role("img", name="每次运行耗时")
    expect(charts).to_be_visible()
    for name in ("每晚抓取到的文章变化", "暂缓发布的变化", "失败、被拦截或超时的来源"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    assert page.locator("svg.fz-chart").count() == 4
    assert page.locator("table.fz-chart__numbers").first.locator("tbody tr").count() == HISTORY_NIGHTS
    bar = page.locator("svg.fz-chart rect.fz-chart__s0").first
    fill = bar.evaluate("node => getComputedStyle(node).fill")
    assert fill == ("rgb(255, 235, 59)" if mode == "contrast" else "rgb(183, 28, 28)"), fill
    problems = axe.violations(page, f"/status/ at {viewport}, {mode}")
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"/status/ scrolls sideways at {viewport}, {mode}"
    tab.screenshot(f"status-history-{mode}")
    assert not problems, "\n".join(problems)

