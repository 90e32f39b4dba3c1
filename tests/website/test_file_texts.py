"""The text in an article's pictures and files on the site: 「图片文字」 disclosures and text versions, from the cache."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extract.ocr import ocr_missing
from fazhi.config import Settings, default_paths
from fazhi_app.build import build_site
from tests.fixtures.extracted import extract_into_cache
from tests.website.util import content_copy, page, resolve, write

REPO = Path(__file__).resolve().parents[2]
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
LINES = ("一图读懂入河排污口监督管理办法", "排污单位应当依法设置排污口", "并定期向社会公开监测数据")
DECISION = "行政处罚决定书云溪环罚二〇二三第十七号当事人违反水污染防治法"
ARTICLE = """---
title: 一图读懂《云溪市入河排污口监督管理办法》
date: 2023-05-06
column: interpretations
attachments:
- title: 行政处罚决定书（示例）
  file: decision.docx
slug: tu-paiwukou
---

![一图读懂](tu.png)

（本文为示例内容，文中地名、单位、人物与案情均为虚构。）
"""

pytestmark = pytest.mark.skipif(bool(ocr_missing()) or not FONT.is_file(), reason=ocr_missing() or f"no CJK font at {FONT}")


def infographic(path: Path) -> None:
    image = Image.new("RGB", (900, 400), (230, 242, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(LINES):
        draw.text((40, 40 + i * 110), line, font=font, fill=(20, 40, 90))
    image.save(path)


def docx(text: str) -> bytes:
    """A Word package with one paragraph."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        package.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    content = content_copy(REPO / "docs", tmp_path / "content")
    folder = write(content, "interpretations/2023/tu-paiwukou/index.md", ARTICLE).parent
    infographic(folder / "tu.png")
    (folder / "decision.docx").write_bytes(docx(DECISION))
    made = Settings(paths=replace(default_paths(tmp_path), content=content, mkdocs_config=REPO / "mkdocs.yml"))
    for name in ("tu.png", "decision.docx"):
        assert extract_into_cache(made, folder / name).status == "ok"
    return made


def test_an_image_with_text_gets_a_disclosure_it_points_to_and_each_file_a_text_version(settings: Settings) -> None:
    site = build_site(settings).site_dir
    url = "interpretations/2023/tu-paiwukou/"
    tree = page(site, url)
    (image,) = tree.select(".fz-body img")
    disclosure = tree.select_one(f"details#{image['aria-describedby']}")
    assert disclosure is not None and disclosure.find_parent("p") is None
    assert disclosure.summary.get_text() == "图片文字（机器识别，可能有误）"
    said = "".join(disclosure.get_text().split())
    assert "排污单位应当依法设置排污口" in said, said
    assert not [s for s in tree.select("script:not([src])") if "json" not in str(s.get("type"))], "no inline script"

    (text_link,) = [resolve(url, a["href"]) for a in tree.select(".fz-attachments a") if a.get_text() == "文本版本"]
    version = page(site, text_link)
    assert version.h1.get_text() == "行政处罚决定书（示例）（文本版本）"
    assert DECISION in version.select_one(".fz-filetext").get_text()
    note = version.select_one(".fz-filetext__note").get_text()
    assert "机器识别" in note and "以原文件为准" in note
    back = {a.get_text(): resolve(text_link, a["href"]) for a in version.select(".fz-filetext__note a")}
    assert back == {"打开原文件": url + "decision.docx", "返回文章": url}
    image_version = resolve(url, disclosure.select_one("a")["href"])
    assert "排污单位" in page(site, image_version).select_one(".fz-filetext").get_text()


def test_a_staff_transcript_replaces_the_machine_text_and_is_not_marked_machine_read(settings: Settings) -> None:
    path = settings.paths.content / "interpretations/2023/tu-paiwukou/index.md"
    staff = "transcripts:\n  tu.png: 一、排污口设置须经审批，并向社会公开监测数据。\nslug:"
    path.write_text(path.read_text("utf-8").replace("slug:", staff, 1), "utf-8")
    tree = page(build_site(settings).site_dir, "interpretations/2023/tu-paiwukou/")
    (disclosure,) = tree.select("details.fz-imgtext")
    assert disclosure.summary.get_text() == "图片文字"
    assert "一、排污口设置须经审批，并向社会公开监测数据。" in disclosure.get_text()
    assert "排污单位应当" not in disclosure.get_text()


def test_a_law_cited_only_in_a_file_lists_its_article_on_the_law_page(settings: Settings) -> None:
    folder = settings.paths.content / "interpretations/2023/tu-paiwukou"
    (folder / "decision.docx").write_bytes(docx(f"{DECISION}，依据《中华人民共和国湿地保护法》第五十二条处罚。"))
    assert extract_into_cache(settings, folder / "decision.docx").status == "ok"
    site = build_site(settings).site_dir
    citing = [resolve("laws/wetland-law/", a["href"]) for a in page(site, "laws/wetland-law/").select("main a")]
    assert "interpretations/2023/tu-paiwukou/" in citing, citing
    index = page(site, "laws/").get_text()
    assert "湿地保护法" in index
