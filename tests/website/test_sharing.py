"""Each page speaks for itself when shared or found: description, canonical URL, Open Graph, JSON-LD."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from fazhi.article import COLUMNS, Article
from fazhi.law.names import law_table
from fazhi_app.hooks.archive import excerpt
from fazhi_app.hooks.pages import paginate
from fazhi_app.hooks.sharing import first_image, listing, script_json
from tests.fixtures.site import SiteBuild
from tests.website.conftest import TRICKY_LAW, TRICKY_TITLE
from tests.website.util import articles, page

pytestmark = pytest.mark.slow
SITE_DESCRIPTION = "生态环境法治宣传资料存档：工作总结、政策法规解读、以案释法与典型案例。"


def meta(tree: BeautifulSoup, key: str) -> str | None:
    """The content of <meta name=key> or <meta property=key>, None when absent (and never twice)."""
    found = tree.select(f'meta[name="{key}"], meta[property="{key}"]')
    assert len(found) <= 1, f"{key} appears {len(found)} times"
    return str(found[0]["content"]) if found else None


def json_ld(tree: BeautifulSoup) -> dict:
    blocks = tree.select('script[type="application/ld+json"]')
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


@pytest.fixture(scope="module")
def sample(site_build: SiteBuild) -> list[Article]:
    return articles(site_build.settings.paths.content)


def test_every_article_has_its_own_description_open_graph_and_json_ld(site_build: SiteBuild, sample: list[Article]) -> None:
    base = site_build.settings.site_url
    with_image = 0
    for article in sample:
        tree = page(site_build.site, article.url)
        url = base + article.url
        summary = article.summary or excerpt(article.body)
        assert meta(tree, "description") == summary == meta(tree, "og:description"), article.url
        assert tree.select_one('link[rel="canonical"]')["href"] == url == meta(tree, "og:url")
        assert meta(tree, "og:type") == "article" and meta(tree, "og:title") == article.title
        assert meta(tree, "article:published_time") == (
            article.date.isoformat() + "+08:00" if article.time_known else article.date.date().isoformat()
        )
        assert meta(tree, "article:section") == COLUMNS[article.column].name
        data = json_ld(tree)
        assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
        assert data["headline"] == article.title and data["url"] == url
        assert data["datePublished"] == data["dateModified"] == meta(tree, "article:published_time")
        assert data["publisher"] == {"@type": "Organization", "name": article.publisher or site_build.settings.publisher}
        laws = [(c["name"], c["url"]) for c in data.get("citation", [])]
        assert laws == [(name, f"{base}laws/{law_table().slug(name)}/") for name in article.cited_laws]
        image = meta(tree, "og:image")
        body_image = re.search(r"!\[[^\]]*\]\(([^)\s]+)", article.body)
        assert (image is not None) == (body_image is not None), article.url
        if image:
            with_image += 1
            assert image == url + body_image.group(1) == data["image"]
            assert (site_build.site / image.removeprefix(base)).is_file()
    assert with_image, "the sample content needs an article with an image"


def test_listing_law_and_other_generated_pages_describe_themselves(site_build: SiteBuild) -> None:
    site = site_build.site
    urls = [str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html")]
    generated = [u for u in urls if re.match(r"(summaries|interpretations|cases)/(page/\d+/|\d{4}/(page/\d+/)?)?$", u)]
    generated += [u for u in urls if u.startswith("laws/")] + ["status/", "sitemap/"]
    assert "summaries/page/2/" in generated and any(re.match(r"cases/\d{4}/$", u) for u in generated)
    seen: dict[str, str] = {}
    for url in generated:
        tree = page(site, url)
        description = meta(tree, "description")
        assert description and description != SITE_DESCRIPTION, url
        assert description not in seen, f"/{url} has the description of /{seen.get(description)}"
        seen[description] = url
        assert meta(tree, "og:type") == "website" and meta(tree, "og:description") == description
        assert meta(tree, "og:url") == site_build.settings.site_url + url
        assert not tree.select('script[type="application/ld+json"]')
    assert "第 2/2 页" in meta(page(site, "summaries/page/2/"), "description")


def test_hand_written_pages_and_404_fall_back_to_the_site_description(site_build: SiteBuild) -> None:
    for url in ("", "guide/", "search/"):
        tree = page(site_build.site, url)
        assert meta(tree, "description") == SITE_DESCRIPTION, url
    assert meta(page(site_build.site, ""), "og:title") == site_build.settings.site_name
    not_found = BeautifulSoup((site_build.site / "404.html").read_bytes(), "lxml")
    assert meta(not_found, "description") == SITE_DESCRIPTION
    assert meta(not_found, "og:url") is None


def test_markup_in_a_title_stays_text_in_meta_tags_and_json_ld(tiny_site: SiteBuild) -> None:
    url = "interpretations/2023/tricky/"
    raw = (tiny_site.site / url / "index.html").read_text("utf-8")
    tree = page(tiny_site.site, url)
    assert meta(tree, "og:title") == TRICKY_TITLE
    data = json_ld(tree)
    assert data["headline"] == TRICKY_TITLE and data["isBasedOn"] == "https://example.org/a?x=1&y=2"
    assert TRICKY_LAW in [c["name"] for c in data["citation"]]
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block


def test_script_json_cannot_close_its_element() -> None:
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "</" not in text and "<!--" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_first_image_is_absolute_and_only_http() -> None:
    page_url = "https://example.gov.cn/cases/2025/x/"
    assert first_image('<p><img alt="a" src="chart.png?a=1&amp;b=2"></p><img src="b.png">', page_url) == page_url + "chart.png?a=1&b=2"
    assert first_image('<img src="../../../assets/a.png">', page_url) == "https://example.gov.cn/assets/a.png"
    assert first_image('<img src="data:image/png;base64,AAAA">', page_url) is None
    assert first_image("<p>no image</p>", page_url) is None


def test_listing_description_names_page_and_first_titles() -> None:
    class Item:
        def __init__(self, title: str) -> None:
            self.title = title

    items = [Item(f"标题{n}") for n in range(5)]
    (first, chunk), (second, rest) = paginate(items, 4, "cases/")
    assert listing("案例。", first, chunk) == "案例。第 1/2 页。本页有“标题0”、“标题1”、“标题2”等。"  # type: ignore[arg-type]
    assert listing("案例。", second, rest) == "案例。第 2/2 页。本页有“标题4”。"  # type: ignore[arg-type]
    assert listing("案例。", None, []) == "案例。"
