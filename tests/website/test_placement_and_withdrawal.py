"""Staff placing and withdrawing articles: misplaced files are found, moved and refused; withdrawn ones leave every view.

Real commands, a real MkDocs build and a real Whoosh index on a small content tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fazhi.article import parse_article
from fazhi.config import load_settings
from fazhi.content import WITHDRAWN_LIST, load_tree
from fazhi_app.cli import main
from scraper.mirror import samples
from search.indexer import update_index
from search.query import SearchRequest, search
from tests.fixtures.site import REPO
from tests.website.util import write

LOOSE = "---\ntitle: 放错位置的总结\ndate: 2024-03-01\ncolumn: summaries\nslug: my-article\n---\n\n见下图。\n\n![图1](chart.png)\n"
BROKEN = "---\ntitle: \"没有闭合的引号\ndate: 2023-01-01\ncolumn: interpretations\nslug: broken\n---\n\n正文。\n"
STRAY = "---\ntitle: 另一处的文章\ndate: 2022-05-05\ncolumn: cases\nslug: stray-case\n---\n\n正文。\n"


def article(slug: str, title: str, body: str, column: str = "cases", date: str = "2022-06-01") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ncolumn: {column}\nslug: {slug}\n---\n\n{body}\n"


@pytest.fixture
def config(content: Path) -> Path:
    path = content.parent / "fazhi.yml"
    path.write_text(
        f"paths:\n  content: content\n  mkdocs_config: {REPO / 'mkdocs.yml'}\n  site: out/site\n  state: out/state\n  index: out/index\n",
        "utf-8",
    )
    return path


def fazhi(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args])


def test_misplaced_articles_are_reported_moved_and_refused(config: Path, content: Path) -> None:
    write(content, "summaries/2024/my-article.md", LOOSE)
    (content / "summaries" / "2024" / "chart.png").write_bytes(samples.png(b"\x10\x20\x30"))  # a real PNG: files are judged by their bytes
    write(content, "interpretations/notes.md", BROKEN)
    write(content, "elsewhere/stray.md", STRAY)
    write(content, "cases/index.md", "本栏目介绍。\n")  # a column's introduction is a site page

    checked = fazhi(config, "check")
    assert checked.exit_code == 1
    lines = checked.stdout.splitlines()
    hint = "(`fazhi check --fix` moves it there with its files)"
    assert lines == [
        "elsewhere/stray.md:1: misplaced article: articles live at <column>/<year>/<slug>/index.md; it belongs at "
        f"cases/2022/stray-case/index.md {hint}",
        "interpretations/notes.md:1: misplaced article: articles live at <column>/<year>/<slug>/index.md; "
        "fix its front matter so its place is known",
        "interpretations/notes.md:2: front matter is not valid YAML: a quoted scalar opened here is not closed "
        "(found unexpected end of stream)",
        "summaries/2024/my-article.md:1: misplaced article: articles live at <column>/<year>/<slug>/index.md; it belongs at "
        f"summaries/2024/my-article/index.md {hint}",
    ]
    assert checked.stderr.startswith("fazhi: 4 problem(s) in 3 file(s)")

    built = fazhi(config, "build")
    assert built.exit_code == 1 and "summaries/2024/my-article.md:1: misplaced article" in built.stdout
    assert not load_settings(config).paths.site.exists()

    fixed = fazhi(config, "check", "--fix")
    assert "moved summaries/2024/my-article.md -> summaries/2024/my-article/index.md with chart.png" in fixed.stdout
    assert "moved elsewhere/stray.md -> cases/2022/stray-case/index.md" in fixed.stdout
    assert fixed.exit_code == 1 and all(line.startswith("interpretations/notes.md:") for line in fixed.stdout.splitlines()[2:])
    assert (content / "summaries/2024/my-article/chart.png").is_file() and not (content / "summaries/2024/chart.png").exists()
    assert not (content / "elsewhere").exists(), "the emptied folder is not left behind"

    (content / "interpretations" / "notes.md").unlink()
    assert fazhi(config, "check").exit_code == 0
    assert fazhi(config, "build").exit_code == 0
    site = load_settings(config).paths.site
    assert (site / "summaries/2024/my-article/index.html").is_file() and (site / "summaries/2024/my-article/chart.png").is_file()
    assert "my-article" in (site / "summaries/index.html").read_text("utf-8")


def test_a_wrongly_dated_article_folder_moves_whole(config: Path, content: Path) -> None:
    write(content, "cases/2021/late/index.md", article("late", "年份写错", "附件见[说明](notes.txt)。"))
    write(content, "cases/2021/late/notes.txt", "说明\n")
    fixed = fazhi(config, "check", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "moved cases/2021/late/index.md -> cases/2022/late/index.md with notes.txt" in fixed.stdout
    assert (content / "cases/2022/late/notes.txt").is_file() and not (content / "cases/2021").exists()


def test_a_withdrawn_article_leaves_every_view_and_comes_back_with_undo(config: Path, content: Path) -> None:
    write(content, "cases/2022/kept-case/index.md", article("kept-case", "保留的案例", "依据《环保法》处罚。"))
    write(content, "cases/2022/gone-case/index.md",
          article("gone-case", "撤回的案例张某某", "当事人张某某住址某某路。依据《环保法》处罚。", date="2022-07-01"))
    settings = load_settings(config)

    done = fazhi(config, "withdraw", str(content / "cases/2022/gone-case"), "--reason", "含有当事人个人信息")
    assert done.exit_code == 0, done.output
    assert "withdrawn: cases/2022/gone-case/index.md" in done.stdout
    text = (content / "cases/2022/gone-case/index.md").read_text("utf-8")
    withdrawn = parse_article(text, "cases/2022/gone-case/index.md")
    assert withdrawn.withdrawn is not None and withdrawn.withdrawn_reason == "含有当事人个人信息"
    assert "当事人张某某住址某某路" in text, "the record is kept"
    assert fazhi(config, "withdraw", "cases/2022/gone-case/", "--reason", "again").exit_code == 2

    assert fazhi(config, "build").exit_code == 0
    update_index(settings.paths.content, settings.paths.index)
    site = settings.paths.site
    notice = (site / "cases/2022/gone-case/index.html").read_text("utf-8")
    assert "本文已撤回" in notice and 'name="robots" content="noindex"' in notice
    assert (site / WITHDRAWN_LIST).read_text("utf-8") == "cases/2022/gone-case/\n"
    assert "张某某" not in notice and "个人信息" not in notice
    everything = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".json") and "gone-case" not in str(p)]
    assert everything
    for page in everything:
        assert "gone-case" not in page.read_text("utf-8") and "张某某" not in page.read_text("utf-8"), page
    assert "kept-case" in (site / "cases/index.html").read_text("utf-8")
    found = search(settings.paths.index, SearchRequest.from_params({"q": "环保法 处罚"}))
    assert [hit.url for hit in found.hits] == ["cases/2022/kept-case/"]
    assert [a.slug for a in load_tree(content).withdrawn] == ["gone-case"]

    back = fazhi(config, "withdraw", "http://127.0.0.1:8000/cases/2022/gone-case/", "--undo")
    assert back.exit_code == 0, back.output
    assert (content / "cases/2022/gone-case/index.md").read_text("utf-8") == article(
        "gone-case", "撤回的案例张某某", "当事人张某某住址某某路。依据《环保法》处罚。", date="2022-07-01")
    assert fazhi(config, "build").exit_code == 0
    update_index(settings.paths.content, settings.paths.index)
    assert "gone-case" in (site / "cases/index.html").read_text("utf-8")
    assert len(search(settings.paths.index, SearchRequest.from_params({"q": "环保法 处罚"})).hits) == 2
    log = (settings.paths.state / "withdrawals.jsonl").read_text("utf-8").splitlines()
    assert [line.split('"action": "')[1].split('"')[0] for line in log] == ["withdraw", "undo"]


def test_new_refuses_a_title_without_a_usable_slug(config: Path, content: Path) -> None:
    result = fazhi(config, "new", "--column", "cases", "--title", "？！……")
    assert result.exit_code == 2 and "pass --slug" in result.stderr
    assert not list(content.glob("cases/*/*/index.md"))
    assert fazhi(config, "new", "--column", "cases", "--title", "？！……", "--slug", "notice-1").exit_code == 0
