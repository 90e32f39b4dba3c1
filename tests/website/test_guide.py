"""The 投稿指南 page documents the article model: every front matter field, and a valid example."""

from __future__ import annotations

import re

from fazhi.article import COLUMNS, FIELDS, REQUIRED, Attachment, parse_article
from fazhi.schema import fields_of
from tests.fixtures.site import REPO

GUIDE = (REPO / "docs" / "guide" / "index.md").read_text("utf-8")


def field_rows() -> dict[str, str]:
    """The guide's front matter table: field name -> its row."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_]+)` \|.*$", GUIDE, re.MULTILINE)}


def test_every_front_matter_field_is_documented() -> None:
    rows = field_rows()
    missing = [f for f in FIELDS if f not in rows]
    assert not missing, f"投稿指南 does not document: {', '.join(missing)}"
    for field in REQUIRED:
        assert "必填" in rows[field], field
    for key in fields_of(Attachment):
        assert f"`{key}`" in rows["attachments"], f"投稿指南 does not document the attachment key {key}"


def test_every_column_key_is_documented() -> None:
    for key, column in COLUMNS.items():
        assert f"| `{key}` | {column.name} |" in GUIDE


def test_the_full_example_is_a_valid_article() -> None:
    example = re.search(r"## 完整示例\s+```yaml\n(.*?)```", GUIDE, re.DOTALL)
    assert example, "the guide lost its full example"
    article = parse_article(example.group(1), "summaries/2023/pufa-summary-2022/index.md")
    assert article.attachments and article.title
