"""A tiny content tree of awkward articles, built once with two articles per listing page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from fazhi.article import Article, Attachment, article_path
from fazhi.config import Footer
from fazhi_app.build import build_site
from tests.fixtures.site import REPO, SiteBuild, sample_settings
from tests.website.util import content_copy

TRICKY_TITLE = "关于修改<中华人民共和国行政诉讼法>的决定 & 解读"
TRICKY_LAW = "关于修改<中华人民共和国行政诉讼法>的决定"
COLUMN_INTRO = "本栏目收录示例案例，供测试栏目介绍文字。"
# Every footer field set (the sample site leaves them empty), one with markup characters.
TINY_FOOTER = Footer(
    sponsor="示例省生态环境厅", operator="示例省环境信息中心 <运维> & 保障", address="示例市示例路 1 号", postcode="330000",
    phone="0791-8888 0000", email="web@example.org", icp="示ICP备12345678号-1", police="示公网安备 36010202000123号",
    site_code="3600000099",
)


def tiny_articles() -> list[Article]:
    """Seven cases over three years, one with a title full of markup characters."""
    articles = [
        Article(title=f"典型案例第{n}号", date=dt.datetime(2020 + n // 3, 1 + n, 10), column="cases", slug=f"case-{n}",
                body=f"第{n}号案例正文，依据《环保法》第五十九条。\n", source="示例执法支队")
        for n in range(1, 7)
    ]
    articles.append(Article(
        title=TRICKY_TITLE, date=dt.datetime(2023, 5, 1, 9, 30), time_known=True, column="interpretations", slug="tricky",
        body=f"**要点**：《{TRICKY_LAW}》和 `代码` 以及 [链接](https://example.org/)。\n\n[附件](notes.txt)\n",
        attachments=(Attachment("说明 & 附件", "notes.txt"),), origin="scraped", origin_url="https://example.org/a?x=1&y=2",
    ).with_hash())
    return articles


@pytest.fixture(scope="session")
def tiny_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    base = tmp_path_factory.mktemp("tiny-site")
    content = content_copy(REPO / "docs", base / "content")
    for article in tiny_articles():
        path = content / article_path(article.column, article.date, article.slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article.to_markdown(), "utf-8")
    (content / "interpretations" / "2023" / "tricky" / "notes.txt").write_text("附件内容\n", "utf-8")
    (content / "cases" / "index.md").write_text(f"{COLUMN_INTRO}\n", "utf-8")
    settings = dataclasses.replace(sample_settings(base).with_paths(content=content), listing_per_page=2, footer=TINY_FOOTER)
    return SiteBuild(settings, build_site(settings))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A fresh copy of the site pages with no articles, for tests that write their own."""
    return content_copy(REPO / "docs", tmp_path / "content")
