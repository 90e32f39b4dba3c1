"""The built site runs no inline script, so the Content-Security-Policy can say script-src 'self'."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.fixtures.site import SiteBuild

# Script types a browser does not execute: data blocks (JSON-LD, Material's __config).
DATA_TYPES = ("application/json", "application/ld+json")


def test_no_page_has_inline_executable_script_handlers_or_javascript_urls(site_build: SiteBuild) -> None:
    found: list[str] = []
    pages = sorted(site_build.site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        soup = BeautifulSoup(path.read_text("utf-8"), "lxml")
        where = path.relative_to(site_build.site).as_posix()
        for script in soup.find_all("script"):
            if not script.get("src") and (script.get("type") or "").lower() not in DATA_TYPES:
                found.append(f"{where}: inline <script> {script.get_text()[:60]!r}")
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                if name.lower().startswith("on"):
                    found.append(f"{where}: <{tag.name} {name}>")
                if name in ("href", "src", "action") and str(value).strip().lower().startswith("javascript:"):
                    found.append(f"{where}: <{tag.name} {name}={value}>")
    assert not found, "\n".join(found[:20])
