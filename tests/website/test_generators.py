"""The plain functions behind the generated pages, without MkDocs: paginator, archive, excerpt, feeds."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from fazhi.article import Article
from fazhi.config import Settings, default_paths
from fazhi_app.build import render_markdown
from fazhi_app.hooks.archive import build_archive, excerpt
from fazhi_app.hooks.feeds import atom, rss, write_feeds
from fazhi_app.hooks.pages import paginate
from fazhi_app.hooks.plugin import nav_paths
from fazhi_app.hooks.registry import GENERATORS
from tests.fixtures.site import REPO

SETTINGS = Settings(paths=default_paths(Path("/nonexistent")))


def article(n: int, column: str = "cases", year: int = 2022, **fields: Any) -> Article:
    values: dict[str, Any] = {"title": f"第{n}篇", "body": f"第{n}篇正文。\n", **fields}
    return Article(date=dt.datetime(year, 1, 1) + dt.timedelta(days=n), column=column, slug=f"a-{n}", **values)


def test_paginate_splits_and_links_pages() -> None:
    pages = paginate(list(range(45)), 20, "cases/")
    assert [len(items) for _, items in pages] == [20, 20, 5]
    first, second, last = (pager for pager, _ in pages)
    assert (first.url, second.url, last.url) == ("cases/", "cases/page/2/", "cases/page/3/")
    assert (first.prev_url, first.next_url, last.next_url) == (None, "cases/page/2/", None)
    assert [n for n, _ in second.links] == [1, 2, 3]
    empty = paginate([], 20, "laws/x/")
    assert len(empty) == 1 and empty[0][0].count == 1 and list(empty[0][1]) == []


def test_long_listings_show_a_window_of_page_links() -> None:
    pager = paginate(list(range(200)), 10, "x/")[9][0]
    assert [n for n, _ in pager.links] == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert pager.number == 10 and pager.count == 20


def test_archive_files_each_article_once_under_column_year_and_law() -> None:
    items = [article(1), article(2, year=2021), article(3, column="summaries", body="依据《固废法》。\n"), article(4)]
    archive = build_archive(items, SETTINGS)
    assert [e.article.slug for e in archive.entries] == ["a-4", "a-3", "a-1", "a-2"]
    assert [e.article.slug for e in archive.columns["cases"]] == ["a-4", "a-1", "a-2"]
    assert [e.article.slug for e in archive.columns["summaries"]] == ["a-3"]
    assert {year: len(entries) for year, entries in archive.years["cases"].items()} == {2022: 2, 2021: 1}
    assert [e.article.slug for e in archive.laws["固体废物污染环境防治法"]] == ["a-3"]
    older, newer = archive.neighbours["cases/2022/a-1/index.md"]
    assert (older.article.slug, newer.article.slug) == ("a-2", "a-4")
    assert archive.neighbours["cases/2022/a-4/index.md"][1] is None
    assert archive.neighbours["cases/2021/a-2/index.md"][0] is None
    assert archive.neighbours["summaries/2022/a-3/index.md"] == (None, None)


def test_every_generator_yields_unique_pages() -> None:
    archive = build_archive([article(n, column=("cases", "summaries")[n % 2], body="《民法典》\n") for n in range(50)], SETTINGS)
    uris = [spec.src_uri for generate in GENERATORS for spec in generate(archive)]
    assert len(uris) == len(set(uris))
    expected = {"index.md", "cases/index.md", "cases/page/2/index.md", "cases/2022/index.md", "laws/index.md", "laws/civil-code/index.md"}
    assert expected <= set(uris)


def test_excerpt_is_running_text_without_markup() -> None:
    body = "# 标题\n\n| a | b |\n|---|---|\n\n**加粗**的[链接](x.html)和 `代码`。\n\n- 列表项\n\n![图](a.png)\n"
    assert excerpt(body) == "加粗的链接和 代码。 列表项"
    assert excerpt("字" * 300).endswith("…") and len(excerpt("字" * 300)) == 121


def test_feeds_escape_markup_and_drop_characters_xml_forbids(tmp_path: Path) -> None:
    bad = article(1, title="A & B <i>\x0b</i>", summary="摘要 & <b>")
    archive = build_archive([bad], SETTINGS)
    for text in (
        rss(archive.entries, title="站 & 点", description="d", site_url="http://x/", page_url="", feed_url="rss.xml"),
        atom(archive.entries, title="站 & 点", author="a<b", site_url="http://x/", page_url="", feed_url="atom.xml"),
    ):
        root = ET.fromstring(text)
        titles = [e.text for e in root.iter() if e.tag.endswith("title")]
        assert titles == ["站 & 点", "A & B <i></i>"]
    written = write_feeds(archive, tmp_path, "http://x")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(
        ["rss.xml", "atom.xml"] + [f"{c}/{k}.xml" for c in ("summaries", "interpretations", "cases") for k in ("rss", "atom")]
    )
    assert ET.parse(tmp_path / "rss.xml").getroot().find("channel/item/link").text == "http://x/cases/2022/a-1/"


def test_nav_paths_reads_nested_nav() -> None:
    assert nav_paths([{"首页": "index.md"}, {"栏目": [{"a": "a/index.md"}, "b.md"]}, "c.md"]) == {"index.md", "a/index.md", "b.md", "c.md"}


def test_render_markdown_uses_the_sites_extensions() -> None:
    settings = Settings(paths=default_paths(REPO))
    html = render_markdown("!!! note \"提示\"\n    内容\n\n| 项目 | 数量 |\n| --- | ---: |\n| 案例 | 3 |\n", settings)
    assert '<div class="admonition note">' in html
    assert "<table>" in html and 'style="text-align: right;"' in html
