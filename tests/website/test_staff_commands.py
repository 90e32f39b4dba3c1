"""Staff commands through click's runner: ``fazhi new``, ``fazhi check`` and ``fazhi build`` on broken trees."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from fazhi.article import parse_article, slugify
from fazhi.config import load_settings
from fazhi.content import load_tree
from fazhi.errors import ArticleInvalid, BuildFailed
from fazhi_app.build import build_site
from fazhi_app.cli import main
from tests.fixtures.site import REPO
from tests.website.util import write

# One file per kind of mistake; the exact lines `fazhi check` and the build must print, in order.
BROKEN = {
    "cases/2021/odd-column/index.md": "---\ntitle: 栏目写错\ndate: 2021-03-01\ncolumn: news\nslug: odd-column\n---\n\n正文。\n",
    "cases/2023/lost-file/index.md": (
        "---\ntitle: 附件丢失\ndate: 2023-04-01\ncolumn: cases\nslug: lost-file\nattachments:\n"
        "- {title: 附件, file: missing.pdf}\n---\n\n正文。\n\n![图](chart.png)\n"
    ),
    "interpretations/2022/same-slug/index.md": (
        "---\ntitle: 先到\ndate: 2022-02-02\ncolumn: interpretations\nslug: same-slug\n---\n\n正文。\n"
    ),
    "summaries/2020/bad-date/index.md": "---\ntitle: 日期错误\ndate: 2020-13-45\ncolumn: summaries\nslug: bad-date\n---\n\n正文。\n",
    "summaries/2020/no-title/index.md": "---\ndate: 2020-05-01\ncolumn: summaries\nslug: no-title\n---\n\n正文。\n",
    "summaries/2022/same-slug/index.md": "---\ntitle: 后到\ndate: 2022-03-03\ncolumn: summaries\nslug: same-slug\n---\n\n正文。\n",
}
EXPECTED = [
    "cases/2021/odd-column/index.md:4: unknown column 'news' (known: cases, interpretations, summaries)",
    "cases/2023/lost-file/index.md:7: broken attachment link: missing.pdf does not exist beside the article",
    "cases/2023/lost-file/index.md:12: broken link: chart.png does not exist beside the article",
    "summaries/2020/bad-date/index.md:3: unparseable date: date '2020-13-45' does not exist (month must be in 1..12)",
    "summaries/2020/no-title/index.md:1: missing title",
    "summaries/2022/same-slug/index.md:5: duplicate slug 'same-slug': also used by interpretations/2022/same-slug/index.md",
]


@pytest.fixture
def config(content: Path) -> Path:
    """A fazhi.yml for the temp content tree, so no developer's own config leaks in."""
    path = content.parent / "fazhi.yml"
    path.write_text(
        f"publisher: 测试发布机构\npaths:\n  content: content\n  mkdocs_config: {REPO / 'mkdocs.yml'}\n"
        "  site: out/site\n  state: out/state\n",
        "utf-8",
    )
    return path


@pytest.fixture
def broken(content: Path) -> Path:
    for rel, text in BROKEN.items():
        write(content, rel, text)
    return content


def fazhi(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [args[0], "--config", str(config), *args[1:]], catch_exceptions=False)


def test_new_scaffolds_a_valid_file_with_front_matter_filled(config: Path, content: Path) -> None:
    title = "以案释法：某公司无证排污被处罚"
    result = fazhi(config, "new", "--column", "cases", "--title", title, "--date", "2024-05-08 16:30", "--source", "示例执法支队")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == content / "cases" / "2024" / slugify(title) / "index.md"
    article = parse_article(path.read_text("utf-8"), path.relative_to(content).as_posix())
    assert (article.title, article.column, article.source) == (title, "cases", "示例执法支队")
    assert (article.date, article.time_known) == (dt.datetime(2024, 5, 8, 16, 30), True)
    assert article.publisher == "测试发布机构"
    assert article.origin == "staff"
    assert load_tree(content).ok


def test_new_defaults_to_today_and_takes_slug_and_publisher(config: Path, content: Path) -> None:
    result = fazhi(config, "new", "--column", "summaries", "--title", "季度总结", "--slug", "q1-summary", "--publisher", "另一机构")
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    path = content / "summaries" / str(today.year) / "q1-summary" / "index.md"
    assert Path(result.stdout.strip()) == path
    article = parse_article(path.read_text("utf-8"), f"summaries/{today.year}/q1-summary/index.md")
    assert (article.date.date(), article.time_known, article.publisher) == (today, False, "另一机构")


def test_new_refuses_a_slug_in_use_and_bad_input(config: Path, content: Path) -> None:
    first = fazhi(config, "new", "--column", "cases", "--title", "重复", "--slug", "taken", "--date", "2021-01-01")
    assert first.exit_code == 0, first.output
    again = fazhi(config, "new", "--column", "summaries", "--title", "另一篇", "--slug", "taken", "--date", "2025-01-01")
    assert again.exit_code == 2
    assert "slug 'taken' is already used by cases/2021/taken/index.md" in again.stderr
    assert not (content / "summaries" / "2025").exists()
    bad_date = fazhi(config, "new", "--column", "cases", "--title", "坏日期", "--date", "2021-02-30")
    assert bad_date.exit_code == 2 and "unparseable date" in bad_date.stderr
    bad_slug = fazhi(config, "new", "--column", "cases", "--title", "坏slug", "--slug", "Bad_Slug")
    assert bad_slug.exit_code == 2 and "lower-case ASCII" in bad_slug.stderr
    assert fazhi(config, "new", "--column", "news", "--title", "x").exit_code == 2


def test_check_passes_a_valid_tree(config: Path, content: Path) -> None:
    fazhi(config, "new", "--column", "cases", "--title", "有效文章", "--date", "2022-02-02")
    result = fazhi(config, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 article(s) checked")


def test_check_prints_every_problem_as_path_line_message(config: Path, broken: Path) -> None:
    result = fazhi(config, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == EXPECTED
    assert "6 problem(s) in 5 file(s)" in result.stderr


def test_build_refuses_a_broken_tree_and_leaves_the_site_alone(config: Path, broken: Path) -> None:
    settings = load_settings(config)
    site = settings.paths.site
    write(site, "index.html", "old site\n")
    with pytest.raises(ArticleInvalid) as caught:
        build_site(settings)
    assert [str(p) for p in caught.value.problems] == EXPECTED
    result = fazhi(config, "build")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == EXPECTED
    assert "nothing was built" in result.stderr
    assert [p.name for p in site.parent.iterdir()] == ["site"]
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text("utf-8") == "old site\n"


def test_plain_mkdocs_refuses_a_broken_tree_before_cleaning_the_site(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("FAZHI_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    site = write(tmp_path / "site", "index.html", "old site\n").parent
    config = load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(broken), site_dir=str(site), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        mkdocs_build(config)
    config.plugins.on_shutdown()
    for line in EXPECTED:
        assert line in caplog.text
    assert [p.name for p in site.iterdir()] == ["index.html"]


def test_build_command_publishes_a_valid_tree(config: Path, content: Path) -> None:
    fazhi(config, "new", "--column", "interpretations", "--title", "新法解读", "--date", "2024-06-01")
    result = fazhi(config, "build")
    assert result.exit_code == 0, result.output
    site = load_settings(config).paths.site
    assert result.stdout.startswith("built ") and f"into {site}" in result.stdout
    assert (site / "interpretations" / "2024" / slugify("新法解读") / "index.html").is_file()


def test_a_failed_mkdocs_build_leaves_the_published_site_alone(config: Path, content: Path) -> None:
    settings = load_settings(config)
    site = settings.paths.site
    write(site, "index.html", "old site\n")
    write(content, "about/index.md", "# 关于\n\n见[不存在的页面](../nowhere/index.md)。\n")
    with pytest.raises(BuildFailed) as caught:
        build_site(settings)
    assert "nowhere/index.md" in str(caught.value)
    assert [p.name for p in site.parent.iterdir()] == ["site"]
    assert (site / "index.html").read_text("utf-8") == "old site\n"
