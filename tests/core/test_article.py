"""The article model: parsing, validation messages, round trip, hashes, slugs."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.article import (
    COLUMNS,
    FIELDS,
    Article,
    Attachment,
    article_path,
    body_hash,
    classify,
    parse_article,
    slugify,
)
from fazhi.errors import ArticleInvalid

GOOD = """---
title: 《土壤污染防治法》要点解读
date: 2021-03-05 09:30
column: interpretations
source: 法规与标准处
publisher: 示例省生态环境厅
origin_url: http://example.gov.cn/art/2021/3/5/art_1_2.html
attachments:
- title: 解读全文.pdf
  file: jiedu.pdf
laws: [固废法]
tags: [土壤]
slug: soil-law-points
---

本文解读《中华人民共和国土壤污染防治法》，并参照《民法典》。
"""


def problems_of(text: str, path: str = "interpretations/2021/x/index.md") -> list[str]:
    with pytest.raises(ArticleInvalid) as info:
        parse_article(text, path)
    return [str(p) for p in info.value.problems]


def test_parse_good_article() -> None:
    article = parse_article(GOOD, "interpretations/2021/soil-law-points/index.md")
    assert article.title == "《土壤污染防治法》要点解读"
    assert article.date == dt.datetime(2021, 3, 5, 9, 30)
    assert article.time_known and article.date_text == "2021-03-05 09:30"
    assert article.url == "interpretations/2021/soil-law-points/"
    assert article.attachments == (Attachment("解读全文.pdf", "jiedu.pdf"),)
    assert article.column_name == COLUMNS["interpretations"].name
    # Front-matter short form resolved; prefixed and body citations canonical; declared first.
    assert article.cited_laws == ("固体废物污染环境防治法", "土壤污染防治法", "民法典")


def test_round_trip_keeps_every_field() -> None:
    article = parse_article(GOOD, "interpretations/2021/soil-law-points/index.md")
    again = parse_article(article.to_markdown(), "interpretations/2021/soil-law-points/index.md")
    assert again == article


def test_date_without_time() -> None:
    article = parse_article(GOOD.replace("2021-03-05 09:30", "2021-03-05"), "p")
    assert not article.time_known and article.date_text == "2021-03-05"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("title: 《土壤污染防治法》要点解读\n", ""), "x/index.md:1: missing title"),
        (("2021-03-05 09:30", "2021-02-30"), "x/index.md:3: unparseable date: date '2021-02-30' does not exist"),
        (("2021-03-05 09:30", "去年春天"), "x/index.md:3: unparseable date: date '去年春天' is not YYYY-MM-DD"),
        (("column: interpretations", "column: news"), "x/index.md:4: unknown column 'news'"),
        (("slug: soil-law-points", "slug: Soil Law"), "x/index.md:13: slug 'Soil Law' must be lower-case"),
        (("tags: [土壤]", "tagz: [土壤]"), "x/index.md:12: unknown field 'tagz'"),
        (("  file: jiedu.pdf", "  file: ../../secret.pdf"), "x/index.md:10: attachment 1: file '../../secret.pdf' must be a path inside"),
    ],
)
def test_each_problem_names_file_and_line(change: tuple[str, str], expected: str) -> None:
    text = GOOD.replace(*change)
    found = problems_of(text, "x/index.md")
    assert any(p.startswith(expected) for p in found), found


def test_all_problems_reported_together() -> None:
    text = GOOD.replace("column: interpretations", "column: news").replace("2021-03-05 09:30", "never")
    assert len(problems_of(text)) == 2


def test_broken_front_matter() -> None:
    expected = "interpretations/2021/x/index.md:1: no front matter: the file must start with a '---' line"
    assert problems_of("no front matter here") == [expected]
    assert problems_of("---\ntitle: [oops\n---\n")[0].startswith("interpretations/2021/x/index.md:2: front matter is not valid YAML")
    assert "not closed" in problems_of("---\ntitle: x\n")[0]


def test_scraped_needs_origin_url() -> None:
    text = GOOD.replace("origin_url: http://example.gov.cn/art/2021/3/5/art_1_2.html\n", "").replace("slug:", "origin: scraped\nslug:")
    assert any("scraped article needs origin_url" in p for p in problems_of(text))


def test_staff_edit_detected_by_hash() -> None:
    article = Article(title="t", date=dt.datetime(2020, 1, 1), column="cases", slug="s", body="原文\n", origin="scraped",
                      origin_url="http://x/1.html").with_hash()
    assert not article.staff_edited
    edited = parse_article(article.to_markdown().replace("原文", "工作人员修改后的原文"), "p")
    assert edited.staff_edited
    assert body_hash("a\r\nb  \n\n") == body_hash("a\nb")


def test_front_matter_field_order_is_documented_order() -> None:
    article = parse_article(GOOD, "p")
    assert list(article.front_matter()) == [f for f in FIELDS if f in article.front_matter()]


def test_paths_slugs_and_classification() -> None:
    assert str(article_path("cases", dt.date(2019, 5, 1), "a-b")) == "cases/2019/a-b/index.md"
    assert slugify("2020年度法治政府建设工作总结") == "2020-nian-du-fa-zhi-zheng-fu-jian"
    assert slugify("！！") == "article"
    assert classify("江西省生态环境厅2021年法治政府建设年度报告") == "summaries"
    assert classify("一图读懂《江西省生态环境分类执法监管办法》") == "interpretations"
    assert classify("以案释法｜某企业篡改监测数据案") == "cases"
    assert classify("关于召开会议的通知") is None
