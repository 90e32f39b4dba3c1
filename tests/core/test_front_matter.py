"""Front matter is one declared schema (``FrontMatter``, ``Attachment``): every rule, message and line comes from it."""

from __future__ import annotations

import pytest

from fazhi.article import FIELDS, REQUIRED, Attachment, FrontMatter, parse_article
from fazhi.errors import ArticleInvalid
from fazhi.schema import fields_of
from tests.core.test_article import GOOD, problems_of


def test_fields_and_required_ones_are_read_from_the_schema_and_each_has_help() -> None:
    assert tuple(fields_of(FrontMatter)) == FIELDS
    assert REQUIRED == ("title", "date", "column", "slug")
    for cls in (FrontMatter, Attachment):
        for name, info in fields_of(cls).items():
            assert info.description, f"{cls.__name__}.{name} has no help"
    assert tuple(fields_of(Attachment)) == ("title", "file", "url")


def test_an_unknown_key_in_an_attachment_is_named_at_its_line() -> None:
    text = GOOD.replace("  file: jiedu.pdf\n", "  file: jiedu.pdf\n  sise: 3 MB\n")
    assert problems_of(text, "x/index.md") == ["x/index.md:10: attachment 1: unknown key 'sise' (known: file, title, url)"]


def test_a_value_of_the_wrong_kind_is_named_not_turned_into_text() -> None:
    text = GOOD.replace("title: 《土壤污染防治法》要点解读", "title: [要点, 解读]")
    assert problems_of(text, "x/index.md") == ["x/index.md:2: title: expected text, not ['要点', '解读']"]


def test_a_blank_required_field_is_missing_at_its_own_line() -> None:
    assert problems_of(GOOD.replace("title: 《土壤污染防治法》要点解读", "title: '   '"), "x/index.md") == ["x/index.md:2: missing title"]


def test_problems_of_one_file_are_listed_top_to_bottom() -> None:
    text = GOOD.replace("slug: soil-law-points", "slug: Soil Law").replace("tags:", "tagz:")
    text = text.replace("column: interpretations", "column: news")
    lines = [int(p.split(":")[1]) for p in problems_of(text, "x/index.md")]
    assert lines == [4, 12, 13]


def test_rules_between_fields_are_reported_with_the_others_at_the_field_they_concern() -> None:
    text = (GOOD.replace("origin_url: http://example.gov.cn/art/2021/3/5/art_1_2.html\n", "")
            .replace("column: interpretations", "column: news")
            .replace("slug: soil-law-points", "slug: soil-law-points\norigin: scraped\nwithdrawn: 2024-01-02"))
    assert problems_of(text, "x/index.md") == [
        "x/index.md:4: unknown column 'news' (known: cases, interpretations, summaries)",
        "x/index.md:13: a scraped article needs origin_url",
        "x/index.md:14: a withdrawn article needs withdrawn_reason: why it was taken down",
    ]
    reason_only = GOOD.replace("slug: soil-law-points", "slug: soil-law-points\nwithdrawn_reason: 错误")
    assert problems_of(reason_only, "x/index.md") == [
        "x/index.md:14: withdrawn_reason without withdrawn: give the day it was withdrawn, or remove the reason"]


@pytest.mark.parametrize(("attachments", "expected"), [
    ("attachments: 附件.pdf", "x/index.md:8: attachments must be a list of {title, file, url}"),
    ("attachments:\n- 附件.pdf", "x/index.md:9: attachment 1 needs at least a file"),
    ("attachments:\n- {title: 附件}", "x/index.md:9: attachment 1 needs at least a file"),
])
def test_attachment_shapes(attachments: str, expected: str) -> None:
    text = GOOD.replace("attachments:\n- title: 解读全文.pdf\n  file: jiedu.pdf", attachments)
    assert problems_of(text, "x/index.md") == [expected]


def test_an_attachment_without_title_is_called_by_its_file_name_and_knows_its_line() -> None:
    untitled = "- file: docs/jiedu.pdf\n  url: http://e.org/j.pdf"
    article = parse_article(GOOD.replace("- title: 解读全文.pdf\n  file: jiedu.pdf", untitled), "p")
    assert article.attachments == (Attachment("jiedu.pdf", "docs/jiedu.pdf", "http://e.org/j.pdf"),)
    assert article.attachments[0].line == 9
    with pytest.raises(ArticleInvalid):
        parse_article(GOOD.replace("tags: [土壤]", "tags: [1, 2]"), "p")
