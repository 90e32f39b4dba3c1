"""Every page type, at both sizes and with search used, runs under the site's strict policy without one violation.

The listener itself lives in ``conftest.new_tab`` (every browser test fails on a
violation); here every kind of page is visited on purpose, the policy is checked to
be the one served, and a blocked inline script proves the listener hears violations.
"""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.content import ContentTree, load_tree
from fazhi.law.names import law_table
from fazhi_app.security_headers import CONTENT_SECURITY_POLICY
from tests.fixtures.site import SiteBuild

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def page_types(site_build: SiteBuild) -> list[str]:
    """One page of each kind the build makes: home, column, its next page, year archive, article, law index, law, guide,
    status, search, and an attachment's article."""
    tree: ContentTree = load_tree(site_build.settings.paths.content)
    article = next(a for a in tree.articles if a.attachments)
    cited = next(law for a in tree.articles for law in a.laws)
    return ["", f"{article.column}/", f"{article.column}/page/2/", f"{article.column}/{article.year}/", article.url, "laws/",
            f"laws/{law_table().slug(cited)}/", "guide/", "status/", "search/"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_every_page_type_and_search_run_without_a_policy_violation(new_tab: Any, site_build: SiteBuild, viewport: str) -> None:
    tab = new_tab(viewport)
    for path in page_types(site_build):
        if path.endswith("page/2/") and not (site_build.site / path).is_dir():
            continue
        response = tab.open(path)
        assert response.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY, path
        tab.page.wait_for_load_state("networkidle")
    tab.page.locator("#fz-q").fill("排污许可")
    tab.page.locator("#fz-q").press("Enter")
    expect(tab.page.locator("#fz-status")).to_contain_text("找到")
    tab.page.locator("#fz-results .fz-hit__title a").first.click()
    tab.page.wait_for_load_state("networkidle")
    missing = tab.page.goto(tab.base + "no/such/page/", wait_until="networkidle")
    assert missing is not None and missing.status == 404
    tab.allowed_errors.append(f"HTTP 404: {tab.base}no/such/page/")
    assert tab.csp_violations == []


def test_the_listener_hears_a_blocked_inline_script(new_tab: Any) -> None:
    tab = new_tab("desktop")
    tab.open("")
    tab.page.evaluate("""() => {
      const script = document.createElement("script");
      script.textContent = "document.title = 'ran'";
      document.body.appendChild(script);
    }""")
    tab.page.wait_for_timeout(300)  # the report crosses from the page to the test asynchronously
    assert tab.page.title() != "ran"
    assert any("script-src" in v for v in tab.csp_violations), tab.csp_violations
    tab.csp_violations.clear()  # provoked on purpose
