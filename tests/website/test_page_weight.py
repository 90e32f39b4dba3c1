"""Article pages stay small with the text of their files present: long texts go to pages of their own."""

from __future__ import annotations

import statistics

from fazhi.content import load_tree
from fazhi.normalize import tidy_text
from tests.fixtures.file_texts import LONG_NAME, LONG_TEXT
from tests.website.util import page, resolve

MEDIAN_LIMIT = 60 * 1024


def test_the_median_article_page_stays_under_60_kb_with_long_file_texts_on_their_own_pages(texts_site) -> None:  # type: ignore[no-untyped-def]
    site = texts_site.site
    articles = load_tree(texts_site.settings.paths.content).articles
    weights = sorted((site / a.url / "index.html").stat().st_size for a in articles)
    assert statistics.median(weights) <= MEDIAN_LIMIT, f"median article page {statistics.median(weights):.0f} bytes"
    article = next(a for a in articles if any(f.file == LONG_NAME for f in a.attachments))
    tree = page(site, article.url)
    (version,) = [resolve(article.url, a["href"]) for a in tree.select(".fz-attachments a") if a.get_text() == "文本版本"]
    held = "".join(page(site, version).select_one(".fz-filetext").get_text().split())
    assert "".join(tidy_text(LONG_TEXT).split())[-200:] in held, "the whole text is on its own page"
