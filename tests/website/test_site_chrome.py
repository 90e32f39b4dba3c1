"""What every page carries around its content: skip link, reading-mode switches, footer, site map, tables."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from fazhi.article import COLUMNS
from fazhi_app.hooks.footer import ICP_REGISTRY
from fazhi_app.hooks.tables import wrap_tables
from tests.fixtures.site import SiteBuild
from tests.website.conftest import TINY_FOOTER
from tests.website.util import articles, links, page

pytestmark = pytest.mark.slow


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_starts_with_a_skip_link_and_has_the_reading_mode_switches(site_build: SiteBuild) -> None:
    for path in html_pages(site_build.site):
        tree = lxml.html.fromstring(path.read_bytes())
        # Material's hidden toggles and its own skip link (display: none in site.css) are not Tab stops.
        focusable = tree.xpath("//body//a[@href][not(contains(@class, 'md-skip'))] | //body//button | //body//input[not(@type='hidden')]")
        first = next(e for e in focusable if not (e.tag == "input" and "md-toggle" in (e.get("class") or "")))
        assert first.get("class") == "fz-skip" and first.get("href") == "#fz-main", path
        assert len(tree.xpath("//*[@id='fz-main']")) == 1, path
        buttons = tree.xpath("//header//button[@data-fz-mode-toggle]")
        assert [(b.get("data-fz-mode-toggle"), b.get("aria-pressed"), b.get("type"), b.text_content()) for b in buttons] == [
            ("large", "false", "button", "大字"), ("contrast", "false", "button", "高对比")], path
        head_scripts = [s for s in tree.xpath("//head/script[@src]") if s.get("src").endswith("assets/fazhi/modes.js")]
        assert len(head_scripts) == 1, path
        assert head_scripts[0].get("async") is None and head_scripts[0].get("defer") is None, path
        handlers = [f"{e.tag}@{name}" for e in tree.iter() if isinstance(e.tag, str) for name in e.attrib if name.startswith("on")]
        assert not handlers, f"{path}: inline event handlers {handlers}"
    assert (site_build.site / "assets" / "fazhi" / "modes.js").is_file()


def test_footer_shows_no_government_block_until_it_is_configured(site_build: SiteBuild) -> None:
    for path in html_pages(site_build.site):
        tree = lxml.html.fromstring(path.read_bytes())
        assert tree.xpath("//footer//nav[contains(@class, 'fz-footer-links')]"), path
        assert not tree.xpath("//*[contains(@class, 'fz-site-info')]"), path


def test_footer_shows_every_configured_field_linked_to_its_registry_on_every_page(tiny_site: SiteBuild) -> None:
    footer = TINY_FOOTER
    for path in html_pages(tiny_site.site):
        block = lxml.html.fromstring(path.read_bytes()).xpath("//footer//div[contains(@class, 'fz-site-info')]")
        assert len(block) == 1, path
        text = block[0].text_content()
        for label, value in (("主办单位：", footer.sponsor), ("承办单位：", footer.operator), ("地址：", footer.address),
                             ("邮编：", footer.postcode), ("电话：", footer.phone), ("电子邮箱：", footer.email),
                             ("网站标识码：", footer.site_code), ("", footer.icp), ("", footer.police)):
            assert label + value in text, (path, label, value)
        icp = block[0].xpath(".//a[contains(@class, 'fz-icp')]")[0]
        assert icp.get("href") == ICP_REGISTRY and icp.text_content() == footer.icp
        police = block[0].xpath(".//a[contains(@class, 'fz-police')]")[0]
        assert police.get("href") == "https://beian.mps.gov.cn/#/query/webSearch?code=36010202000123"
        assert police.text_content().strip() == footer.police
        badge = police.xpath(".//img")[0]
        src = badge.get("src")
        file = tiny_site.site / src.lstrip("/") if src.startswith("/") else path.parent / src  # 404.html links from the root
        assert badge.get("alt") and file.resolve().is_file(), src
        assert block[0].xpath(".//a[@href='mailto:web@example.org']") and block[0].xpath(".//a[@href='tel:0791-88880000']")


def test_site_map_links_every_column_year_the_law_index_other_pages_and_feeds(site_build: SiteBuild) -> None:
    sample = articles(site_build.settings.paths.content)
    tree = page(site_build.site, "sitemap/")
    assert tree.select_one("h1").get_text() == "网站地图"
    targets = links(tree, "sitemap/", ".fz-sitemap a")
    expected = {f"{a.column}/" for a in sample} | {f"{a.column}/{a.year}/" for a in sample}
    expected |= {"", "laws/", "guide/", "search/", "status/", "rss.xml", "atom.xml"}
    expected |= {f"{key}/{kind}.xml" for key in COLUMNS for kind in ("rss", "atom")}
    assert expected <= set(targets), expected - set(targets)
    for target in targets:
        assert (site_build.site / target / "index.html").is_file() or (site_build.site / target).is_file(), target
    assert "sitemap/" in links(page(site_build.site, ""), "", "footer .fz-footer-links a")


def test_tables_scroll_in_focusable_named_regions(site_build: SiteBuild) -> None:
    tree = page(site_build.site, "guide/")
    regions = tree.select(".fz-table")
    assert regions and all(r.get("role") == "region" and r.get("tabindex") == "0" and r.select("table") for r in regions)
    labels = [r["aria-label"] for r in regions]
    assert len(set(labels)) == len(labels) and labels[0].startswith("表格1：")
    assert any("前置信息字段" in label for label in labels)


def test_wrap_tables_wraps_top_level_tables_once_named_by_caption_or_heading() -> None:
    html = ("<h2>一、<em>完成</em> &amp; 情况</h2><table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>"
            "<table><caption>表 2</caption><tr><td>1</td></tr></table><p>no table</p>")
    wrapped = wrap_tables(html)
    tree = lxml.html.fragment_fromstring(wrapped, create_parent="div")
    regions = tree.xpath("./div[@class='fz-table']")
    assert [r.get("aria-label") for r in regions] == ["表格1：一、完成 & 情况", "表格2：表 2"]
    assert all(r.get("role") == "region" and r.get("tabindex") == "0" for r in regions)
    assert len(regions[0].xpath(".//table")) == 2 and not tree.xpath("//div[@class='fz-table']//div[@class='fz-table']")
    assert wrap_tables("<p>plain</p>") == "<p>plain</p>"
    alone = wrap_tables("<table><tr><td>1</td></tr></table>")
    assert alone.startswith('<div class="fz-table" role="region" tabindex="0" aria-label="表格1">')
