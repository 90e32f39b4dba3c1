"""The sample site built with the sample law library: law pages, version pages, popover JSON, links, warnings."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from fazhi.law.library import load_library
from fazhi_app.build import build_site
from fazhi_app.cli import main
from fazhi_app.hooks.law_text import law_slug
from tests.fixtures.site import REPO, SAMPLE_LAWS, SiteBuild, sample_settings

RIVERS = "示例市河湖保洁条例"
REVISION = "interpretations/2022/river-lake-cleaning-revision/index.html"
CASE = "cases/2021/riverbank-dumping-fine/index.html"


def page(site: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((site / rel).read_text("utf-8"))


@pytest.mark.slow
def test_every_library_law_has_a_page_with_its_text(site_build: SiteBuild) -> None:
    library = load_library(SAMPLE_LAWS)
    for law in library.laws.values():
        slug = law_slug(law.name)
        current = law.versions[-1]
        tree = page(site_build.site, f"laws/{slug}/index.html")
        anchors = tree.xpath("//div[contains(@class, 'fz-law-article')]/@id")
        assert anchors == [a.no.anchor for a in current.articles], law.name
        assert tree.xpath("//h1")[0].text_content().strip() == f"《{law.name}》"
        for older in law.versions[:-1]:
            old = page(site_build.site, f"laws/{slug}/{older.key}/index.html")
            assert old.xpath("//div[contains(@class, 'fz-law-article')]/@id") == [a.no.anchor for a in older.articles]
    rivers = page(site_build.site, f"laws/{law_slug(RIVERS)}/index.html")
    assert "a8-1" in rivers.xpath("//div[contains(@class, 'fz-law-article')]/@id")
    assert [a.text_content() for a in rivers.xpath("//nav[@class='fz-law-toc']//a")][:2] == ["第一章 总则", "第二章 保洁责任"]
    assert {a.text_content().strip() for a in rivers.xpath("//section[@class='fz-law-citing']//a[@class='fz-item__title']")} == {
        "一图读懂修订后的《示例市河湖保洁条例》", "以案释法：乙公司向河道倾倒渣土被处罚"}
    repealed = page(site_build.site, f"laws/{law_slug('示例市城市绿化暂行规定')}/index.html")
    assert "由《示例市绿道管理办法》取代" in repealed.xpath("//div[contains(@class, 'fz-repealed')]")[0].text_content()
    # a repealed law whose text the library lacks keeps the page of the articles citing it, marked repealed
    absent = page(site_build.site, f"laws/{law_slug('示例市苗木管理规定')}/index.html")
    notice = absent.xpath("//div[contains(@class, 'fz-repealed')]")[0]
    assert "已于2019年5月1日废止" in notice.text_content() and notice.xpath(".//a/@href")[0].endswith(f"{law_slug('示例市绿道管理办法')}/")
    assert [a.text_content() for a in absent.xpath("//a[@class='fz-item__title']")] == ["一图读懂修订后的《示例市河湖保洁条例》"]
    listing = page(site_build.site, "laws/library/index.html")
    assert len(listing.xpath("//ul[@class='fz-lawlist']//a")) == len(library.laws)


@pytest.mark.slow
def test_citations_link_to_the_version_then_in_force(site_build: SiteBuild) -> None:
    site = site_build.site
    case = page(site, CASE)
    links = {a.text_content(): a for a in case.xpath("//a[contains(@class, 'fz-cite')]")}
    slug = law_slug(RIVERS)
    assert links[f"《{RIVERS}》第六条"].get("href") == f"../../../laws/{slug}/2016-03-10/#a6"
    assert links["第十条"].get("data-statute") == f"../../../laws/{slug}/2016-03-10.0.json"
    assert links[f"《{RIVERS}（2021年修订）》第十二条"].get("href") == f"../../../laws/{slug}/#a12"
    revision = page(site, REVISION)
    table_links = revision.xpath("//table//a[contains(@class, 'fz-cite')]")
    list_links = revision.xpath("//li//a[contains(@class, 'fz-cite')]")
    assert [a.get("data-articles") for a in table_links] == ["a12", "a13"]
    assert len(list_links) == 4  # 《…绿道管理办法》第四条、第六条, the repealed 第三条, 《…生态环境保护条例》第七条
    # the unresolvable citation stays text
    text = (site / REVISION).read_text("utf-8")
    assert f"《{RIVERS}》第三十条" in text and not revision.xpath("//a[contains(text(), '第三十条')]")
    # statute text is loaded per version, never inlined into the article
    assert "对单位处一万元以上五万元以下罚款" not in text
    data = json.loads((site / "laws" / slug / "2016-03-10.0.json").read_text("utf-8"))
    assert data["articles"]["a10"][0] == "第十条" and "二百元以上一千元以下" in data["articles"]["a10"][1]
    assert json.loads((site / "laws" / slug / "2021-09-15.0.json").read_text("utf-8"))["articles"]["a8-1"][0] == "第八条之一"


@pytest.mark.slow
def test_no_inline_script_or_style_in_what_we_add(site_build: SiteBuild) -> None:
    for rel in (REVISION, CASE, f"laws/{law_slug(RIVERS)}/index.html"):
        text = (site_build.site / rel).read_text("utf-8")
        for element in re.findall(r"<a class=\"fz-cite[^>]*>|<div class=\"fz-law[^>]*>", text):
            assert not re.search(r"\son[a-z]+=|\sstyle=", element), element
        assert 'src="../../../assets/fazhi/cite.js"' in text or 'src="../../assets/fazhi/cite.js"' in text
    script = (REPO / "overrides" / "assets" / "fazhi" / "cite.js").read_text("utf-8")
    assert "innerHTML" not in script and "eval(" not in script and "setAttribute(\"style\"" not in script


def test_check_lists_unlinkable_citations_as_warnings_with_their_line(tmp_path: Path) -> None:
    config = tmp_path / "fazhi.yml"
    config.write_text(f"paths:\n  content: {REPO / 'docs'}\n  law_library: {SAMPLE_LAWS}\n", "utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    source = (REPO / "docs" / REVISION.replace(".html", ".md")).read_text("utf-8").split("\n")
    line = next(n for n, text in enumerate(source, 1) if "第三十条" in text)
    expected = f"interpretations/2022/river-lake-cleaning-revision/index.md:{line}: warning: 《{RIVERS}》第三十条 is not linked"
    assert expected in result.output
    assert "《环境保护法》第二十五条 is not linked: 《环境保护法》 is not in the law library" in result.output
    repealed = "《示例市苗木管理规定》第五条 is not linked: 《示例市苗木管理规定》 was repealed on 2019-05-01 by 《示例市绿道管理办法》"
    assert repealed in result.output
    plain = tmp_path / "plain.yml"
    plain.write_text(f"paths:\n  content: {REPO / 'docs'}\n", "utf-8")
    assert "warning" not in CliRunner().invoke(main, ["check", "--config", str(plain)]).output


@pytest.mark.slow
def test_without_a_library_the_site_is_as_before(tmp_path: Path, site_build: SiteBuild) -> None:
    settings = sample_settings(tmp_path)
    settings = dataclasses.replace(settings, paths=dataclasses.replace(settings.paths, law_library=None))
    site = build_site(settings).site_dir
    assert not re.search(r'class="fz-cite[ "]', (site / REVISION).read_text("utf-8"))
    assert not (site / "laws" / "library").exists()
    assert not list((site / "laws").rglob("*.json"))
    # laws cited by articles still have their listing pages
    assert (site / "laws" / law_slug(RIVERS) / "index.html").is_file()
    with_library = {p.relative_to(site_build.site) for p in site_build.site.rglob("*.html")}
    without = {p.relative_to(site) for p in site.rglob("*.html")}
    assert without <= with_library
