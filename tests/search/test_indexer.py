"""Incremental indexing by fingerprint, atomic rebuilds on a schema change, Markdown stripping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import search.indexer as indexer
from fazhi.article import Article, article_path
from fazhi.errors import ArticleInvalid
from search.indexer import POINTER, current_generation, rebuild_index, update_index
from search.query import SearchRequest, search
from search.schema import plain_text
from tests.fixtures.search import sample_articles, write_tree


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "content", sample_articles()[:8])


def found(index: Path, q: str) -> list[str]:
    return [hit.url for hit in search(index, SearchRequest(q=q, per_page=50)).hits]


def indexed_slugs(index: Path) -> set[str]:
    generation = current_generation(index)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher() as searcher:
        return {fields["url"].rstrip("/").rsplit("/", 1)[1] for fields in searcher.all_stored_fields()}


def touched_documents(monkeypatch: pytest.MonkeyPatch, index: Path) -> list[str]:
    """Record every document the indexer adds (by slug) or deletes (as -slug) through a Whoosh writer."""
    calls: list[str] = []
    real = indexer._writer

    def spy(*args: object, **kwargs: object) -> object:
        writer = real(*args, **kwargs)  # type: ignore[arg-type]
        add, delete = writer.add_document, writer.delete_document
        generation = current_generation(index)
        assert generation is not None
        with whoosh_index.open_dir(str(generation)).searcher() as searcher:
            urls = {n: searcher.stored_fields(n)["url"] for n in searcher.reader().all_doc_ids()}

        def added(**fields: object) -> object:
            calls.append(str(fields["slug"]))
            return add(**fields)

        def deleted(docnum: int, **kw: object) -> object:
            calls.append("-" + urls[docnum].rstrip("/").rsplit("/", 1)[1])
            return delete(docnum, **kw)

        writer.add_document, writer.delete_document = added, deleted
        return writer

    monkeypatch.setattr(indexer, "_writer", spy)
    return calls


def test_first_run_creates_then_nothing_changes(tree: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = update_index(tree, index)
    assert (first.added, first.rebuilt, first.documents) == (8, True, 8)
    again = update_index(tree, index)
    assert (again.added, again.updated, again.removed, again.unchanged, again.rebuilt) == (0, 0, 0, 8, False)
    assert indexed_slugs(index) == {a.slug for a in sample_articles()[:8]}


def test_add_change_remove_touch_only_that_article(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "index"
    update_index(tree, index)
    generation = current_generation(index)
    calls = touched_documents(monkeypatch, index)

    extra = Article(
        title="辐射安全许可证核发情况", date=dt.datetime(2024, 2, 2), column="summaries", slug="fushe-xuke",
        body="核发辐射安全许可证三百张。",
    )
    write_tree(tree, [extra])
    stats = update_index(tree, index)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (1, 0, 0, 8)
    assert calls == ["fushe-xuke"]
    assert found(index, "辐射") == ["summaries/2024/fushe-xuke/"]

    calls.clear()
    changed = dataclasses.replace(extra, body="核发辐射安全许可证四百张，另有噪声投诉处理。")
    write_tree(tree, [changed])
    stats = update_index(tree, index)
    assert (stats.added, stats.updated, stats.removed) == (0, 1, 0)
    assert calls == ["-fushe-xuke", "fushe-xuke"]
    assert found(index, "噪声投诉") == ["summaries/2024/fushe-xuke/"]

    calls.clear()
    (tree / article_path(extra.column, extra.date, extra.slug)).unlink()
    stats = update_index(tree, index)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 0, 1, 8)
    assert calls == ["-fushe-xuke"]
    assert found(index, "辐射") == []
    # Incremental runs stay in the same generation; nothing was rebuilt.
    assert current_generation(index) == generation


def test_metadata_change_alone_updates_the_document(tree: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(tree, index)
    article = sample_articles()[4]
    path = tree / article_path(article.column, article.date, article.slug)
    path.write_text(dataclasses.replace(article, source="新的处室").to_markdown(), "utf-8")
    stats = update_index(tree, index)
    assert (stats.updated, stats.unchanged) == (1, 7)
    assert search(index, SearchRequest(q="赣服通")).hits[0].source == "新的处室"


def test_schema_change_rebuilds_into_a_new_generation_and_switches(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "index"
    update_index(tree, index)
    old = current_generation(index)
    assert old is not None
    # Readers holding the old generation keep working while the new one is written.
    assert found(index, "赣服通") == ["interpretations/2022/ganfutong/"]
    monkeypatch.setattr(indexer, "schema_version", lambda: "s999-test")
    stats = update_index(tree, index)
    new = current_generation(index)
    assert stats.rebuilt and stats.added == 8 and new is not None and new != old
    assert json.loads((new / indexer.META).read_text())["schema"] == "s999-test"
    assert (index / POINTER).read_text().strip() == new.name
    assert old.exists()  # the previous generation stays for readers that opened it a moment ago
    assert found(index, "赣服通") == ["interpretations/2022/ganfutong/"]
    # A second switch removes generations older than the previous one.
    rebuild_index(tree, index)
    assert not old.exists() and new.exists()
    assert sorted(p.name for p in index.glob("gen-*")) == sorted([new.name, current_generation(index).name])  # type: ignore[union-attr]


def test_invalid_tree_is_refused_before_touching_the_index(tree: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(tree, index)
    bad = tree / "cases" / "2020" / "broken" / "index.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\ntitle: 坏文章\n---\n正文\n", "utf-8")
    with pytest.raises(ArticleInvalid, match=r"broken/index\.md"):
        update_index(tree, index)
    assert len(indexed_slugs(index)) == 8


def test_plain_text_strips_markdown_syntax() -> None:
    markdown = (
        "## 一、总体情况\n\n**加粗**与*强调*，[链接文字](https://example.org/a)和![图片说明](pic.png)。\n\n"
        "| 项目 | 数量 |\n|---|---|\n| 检查 | 3 |\n\n> 引用\n\n- 列表项\n1. 编号项\n<!-- 注释 -->\n<span>标签</span>"
    )
    text = plain_text(markdown)
    for kept in ("一、总体情况", "加粗与强调", "链接文字和图片说明", "项目 数量", "检查 3", "引用", "列表项", "编号项", "标签"):
        assert kept in text
    for gone in ("**", "](", "https://", "|", "---", "##", "<!--", "注释", "<span>", "> "):
        assert gone not in text


def test_what_a_killed_writer_left_is_removed_by_the_next_run(tree: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(tree, index)
    rebuild_index(tree, index)
    live = current_generation(index)
    assert live is not None and live.name == "gen-2"
    unfinished = index / "gen-3"  # a rebuild killed before its switch
    unfinished.mkdir()
    (unfinished / "MAIN_abc.seg").write_bytes(b"half")
    scratch = live / "MAIN.tmp"  # Whoosh's scratch folder of a killed writer
    scratch.mkdir()
    (scratch / "run.tmp").write_bytes(b"postings")
    toc_copy = live / "_MAIN_9.toc.1764201600.5"  # Whoosh's TOC written but not yet renamed
    toc_copy.write_bytes(b"toc")

    stats = update_index(tree, index)
    assert not stats.rebuilt and current_generation(index) == live
    assert not unfinished.exists() and not scratch.exists() and not toc_copy.exists()
    assert (index / "gen-1").is_dir(), "the generation before the live one stays for readers that opened it"
