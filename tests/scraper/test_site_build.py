"""Scraped articles built into the real site: nothing from a source page can run there."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from fazhi.config import Settings, default_paths
from tests.scraper.conftest import unsafe_parts

REPO = Path(__file__).resolve().parents[2]
# Every executable payload of generator.XSS_PAYLOAD carries one of these markers; none may reach the site.
EXECUTABLE_MARKERS = ("xss-script", "xss-onerror", "xss-href", "xss-iframe", "xss-svg", "xss-onclick", "xss-style",
                      "xss-mixed", "xss-object", "xss-embed", "xss-form", "xss-imgsrc", "xss-math")
ARTICLE_RE = re.compile(r"<article\b.*?</article>", re.S)


@pytest.mark.slow
def test_built_site_has_nothing_executable_from_sources(scraped, mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    build = pytest.importorskip("fazhi_app.build")
    content = tmp_path / "content"
    shutil.copytree(REPO / "docs", content)
    for article in scraped.content.rglob("index.md"):
        target = content / article.parent.relative_to(scraped.content)
        shutil.copytree(article.parent, target)
    settings = Settings(paths=default_paths(REPO)).with_paths(content=content, site=tmp_path / "site", state=tmp_path / "state")
    result = build.build_site(settings)
    site = result.site_dir
    pages = {p: p.read_text("utf-8", "replace") for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")}
    for path, text in pages.items():
        for marker in EXECUTABLE_MARKERS:
            assert marker not in text, (path, marker)
    xss_pages = [site / r["_url"] for r in _xss_records(mirror, scraped)]
    assert len(xss_pages) == 4
    for page in xss_pages:
        text = pages[page]
        articles = ARTICLE_RE.findall(text)
        assert articles and "请依法依规开展工作。" in text
        for article in articles:
            assert unsafe_parts(article) == [], (page, unsafe_parts(article))


def _xss_records(mirror, scraped):  # type: ignore[no-untyped-def]
    from fazhi.content import load_tree
    from scraper.mirror import SITES

    by_url = {a.origin_url: a for a in load_tree(scraped.content).articles}
    for site in SITES:
        for record in mirror.articles(site):
            if "xss" in record["flags"]:
                yield {"_url": by_url[mirror.url(site, record)].url + "index.html"}
