"""Headless Chromium (Debian's /usr/bin/chromium, never a downloaded one) against `fazhi serve`.

One browser per test session; each test gets a fresh context at a given viewport
that records every request, every console error and every Content-Security-Policy
violation (``securitypolicyviolation`` events and the console's CSP reports). A test
fails when the page asked any host other than 127.0.0.1, logged a JavaScript error
or broke the policy; ``allowed_errors`` never excuses a policy violation.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from fazhi.content import ContentTree, load_tree

CHROMIUM = Path(os.environ.get("FAZHI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
LOCAL_SCHEMES = ("data", "blob", "about")
# Reports every policy violation of every document in the context to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__fzCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The one headless Chromium of this run; skips the browser tests when it cannot be had."""
    if not CHROMIUM.is_file():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def tree(site_build: Any) -> ContentTree:
    """The content tree the served sample site was built from: what the pages must show."""
    loaded = load_tree(site_build.settings.paths.content)
    assert loaded.ok and loaded.articles, loaded.problems
    return loaded


@dataclass
class Tab:
    """A page plus what it did: every URL requested, every console error and failed load.

    ``allowed_errors`` lists substrings of errors a test provokes on purpose.
    """

    page: Any
    base: str
    viewport: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    allowed_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        """Go to a site-relative path; on the search page, also wait for the search it started."""
        response = self.page.goto(self.base + path.lstrip("/"), wait_until="load")
        assert response is not None and response.status == 200, f"{path}: HTTP {response.status if response else 'no response'}"
        self.settled()
        return response

    def tab_until(self, condition: str, what: str, limit: int = 40) -> None:
        """Press Tab until the JavaScript expression ``condition`` holds (of document.activeElement)."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(condition):
                return
        pytest.fail(f"Tab never reached {what}")

    def settled(self) -> None:
        """Wait until the search page (if this is it) has no search in flight."""
        self.page.wait_for_function("() => !document.querySelector('#fz-search[aria-busy]')")

    def console(self, message: Any) -> None:
        """Keep console errors and CSP reports; a failed load is already recorded, with its URL, from the response."""
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"console: {message.text}")
        elif message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def response(self, response: Any) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def request_failed(self, request: Any) -> None:
        """A load that failed; one cancelled because the page moved on (ERR_ABORTED) is no fault."""
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"request failed ({request.failure}): {request.url}")

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).scheme not in LOCAL_SCHEMES and urlsplit(u).hostname != "127.0.0.1"]

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(allowed in e for allowed in self.allowed_errors)]

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot under tests/artifacts/ for a person to look at."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}-{self.viewport}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def new_tab(browser: Any, served_site: Any) -> Iterator[Callable[[str], Tab]]:
    """Open tabs at a named viewport ("phone"/"desktop"); on teardown, fail on foreign hosts or JS errors."""
    tabs: list[tuple[Any, Tab]] = []

    def make(viewport: str = "desktop") -> Tab:
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", accept_downloads=True)
        violations: list[str] = []
        context.expose_function("__fzCspViolation", lambda text: violations.append(text))
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        tab = Tab(page, served_site.url, viewport, csp_violations=violations)
        page.on("request", lambda request: tab.requests.append(request.url))
        page.on("console", lambda message: tab.console(message))
        page.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
        page.on("response", lambda response: tab.response(response))
        page.on("requestfailed", lambda request: tab.request_failed(request))
        tabs.append((context, tab))
        return tab

    yield make
    problems: list[str] = []
    for context, tab in tabs:
        context.close()
        problems += [f"{tab.viewport}: request left 127.0.0.1: {u}" for u in tab.foreign_requests()]
        problems += [f"{tab.viewport}: {e}" for e in tab.unexpected_errors()]
        problems += [f"{tab.viewport}: Content-Security-Policy violation: {v}" for v in tab.csp_violations]
    assert not problems, "\n".join(problems)
