"""The law library parser: numerals, files → laws → versions → articles, effective dates, repeals, problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from fazhi.config import load_settings
from fazhi.law.library import load_library
from fazhi.law.numerals import ArticleNo, to_chinese, to_int
from fazhi_app.cli import main
from fazhi_app.demo import SAMPLE_LAW_LIBRARY, write_config
from scraper.mirror import Mirror
from tests.fixtures.site import REPO


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("十", 10), ("十一", 11), ("二十五", 25), ("一百零五", 105), ("一百一十", 110),
    ("一百二十", 120), ("一千零一", 1001), ("一千二百", 1200), ("一千二百六十", 1260), ("25", 25), ("２５", 25),
])
def test_numerals(text: str, value: int) -> None:
    assert to_int(text) == value


def test_every_article_number_up_to_1260_round_trips() -> None:
    assert all(to_int(to_chinese(n)) == n for n in range(1, 1261))
    assert to_chinese(1260) == "一千二百六十" and to_chinese(10) == "十" and to_chinese(1010) == "一千零一十"
    assert to_int("条") is None and to_int("") is None


def test_article_numbers_anchor_and_label() -> None:
    assert ArticleNo(25).anchor == "a25" and ArticleNo(120, 1).anchor == "a120-1"
    assert ArticleNo(120, 1).label == "第一百二十条之一"
    assert ArticleNo(120) < ArticleNo(120, 1) < ArticleNo(121)


LAW_V1 = """# 中华人民共和国测试保护法

2001年4月1日 第九届全国人民代表大会常务委员会第二十一次会议通过

<!-- INFO END -->

## 第一章 总则

第一条 第一条正文。

第二条 第二条正文。

第二款正文。

## 第二章 附则

第三条 本法自2001年7月1日起施行。
"""

LAW_V2 = """# 中华人民共和国测试保护法

2001年4月1日 第九届全国人民代表大会常务委员会第二十一次会议通过

2010年6月30日 第十一届全国人民代表大会常务委员会第十五次会议《关于修改的决定》修正

<!-- INFO END -->

第一条 修正后第一条。

第一条之一 新增条文。

第二条 修正后第二条。

第三条 本法自2001年7月1日起施行。
"""


def test_versions_dates_and_effective_dates(tmp_path: Path) -> None:
    write(tmp_path, "法律/测试保护法(2001-04-01).md", LAW_V1)
    write(tmp_path, "法律/测试保护法(2010-06-30).md", LAW_V2)
    library = load_library(tmp_path)
    assert not library.problems
    law = library.laws["测试保护法"]
    assert law.title == "中华人民共和国测试保护法"
    first, second = law.versions
    # the text says when it took effect
    assert (first.date, first.effective, first.effective_stated) == (dt.date(2001, 4, 1), dt.date(2001, 7, 1), True)
    # an amended law keeps its original clause: the amendment counts from its own date
    assert (second.date, second.effective, second.effective_stated) == (dt.date(2010, 6, 30), dt.date(2010, 6, 30), False)
    assert first.article(ArticleNo(2)).paragraphs == ("第二条正文。", "第二款正文。")
    assert second.article(ArticleNo(1, 1)).text == "新增条文。"
    assert [h.title for h in first.headings] == ["第一章 总则", "第二章 附则"] and first.headings[1].first == 2
    assert law.in_force(dt.date(2001, 6, 30)) == (first, True)
    assert law.in_force(dt.date(2001, 7, 1)) == (first, False)
    assert law.in_force(dt.date(2010, 6, 29))[0] is first and law.in_force(dt.date(2010, 6, 30))[0] is second
    assert library.find("中华人民共和国测试保护法（2010年修正）") is law


def test_split_law_undated_files_and_repeal(tmp_path: Path) -> None:
    head = ("# 中华人民共和国测试典\n\n# {part}\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n"
            "2021年1月1日 施行\n\n<!-- INFO END -->\n\n")
    write(tmp_path, "测试典/一编.md", head.format(part="一编") + "## 第一章 规定\n\n第一条 甲。\n\n第二条 乙。\n")
    closing = "第三条 本法自2021年1月1日起施行。《中华人民共和国旧测试法》、《旧测试条例》同时废止。\n"
    write(tmp_path, "测试典/二编.md", head.format(part="二编") + closing)
    write(tmp_path, "法律/旧测试条例(1999-01-01).md", "# 旧测试条例\n\n<!-- INFO END -->\n\n第一条 旧条文。\n")
    library = load_library(tmp_path)
    law = library.laws["测试典"]
    (version,) = law.versions
    assert version.date == dt.date(2020, 5, 28) and version.effective == dt.date(2021, 1, 1)
    assert [a.no.number for a in version.articles] == [1, 2, 3]
    assert [(h.level, h.title) for h in version.headings] == [(1, "一编"), (2, "第一章 规定"), (1, "二编")]
    assert set(library.repeals) == {"旧测试法", "旧测试条例"}
    assert library.repeals["旧测试法"].date == dt.date(2021, 1, 1) and library.repeals["旧测试法"].by == "测试典"
    old = library.laws["旧测试条例"]
    assert old.repealed_on(dt.date(2021, 1, 1)) and not old.repealed_on(dt.date(2020, 12, 31))
    assert library.find("旧测试法") is None and library.repeal_of("中华人民共和国旧测试法")[0] == "旧测试法"


def test_problems_name_the_file_and_keep_the_rest(tmp_path: Path) -> None:
    write(tmp_path, "a/无标题.md", "没有标题\n第一条 正文。\n")
    write(tmp_path, "a/决定(2020-01-01).md", "# 某某决定\n\n<!-- INFO END -->\n\n一、决定内容。\n")
    write(tmp_path, "a/乱序条例(2020-01-01).md", "# 乱序条例\n\n<!-- INFO END -->\n\n第二条 乙。\n\n第一条 甲。\n\n第二条 又乙。\n")
    write(tmp_path, "a/好条例(2020-01-01).md", "# 好条例\n\n<!-- INFO END -->\n\n第一条 甲。\n")
    library = load_library(tmp_path)
    messages = {(p.path, p.line): p.message for p in library.problems}
    assert "no title line" in messages[("a/无标题.md", 1)]
    assert "no article" in messages[("a/决定(2020-01-01).md", 1)]
    assert "out of order" in messages[("a/乱序条例(2020-01-01).md", 7)]
    assert "appears twice" in messages[("a/乱序条例(2020-01-01).md", 9)]
    assert set(library.laws) == {"乱序条例", "好条例"}


def test_law_library_setting_and_option(tmp_path: Path) -> None:
    config = tmp_path / "conf" / "fazhi.yml"
    config.parent.mkdir()
    config.write_text("paths:\n  law_library: ../laws\n", "utf-8")
    settings = load_settings(config)
    assert settings.paths.law_library == (tmp_path / "laws").resolve()
    bare = tmp_path / "bare.yml"
    bare.write_text("site_name: x\n", "utf-8")
    assert load_settings(bare).paths.law_library is None
    assert load_settings(bare).with_paths(law_library=tmp_path).paths.law_library == tmp_path.resolve()


def test_laws_import_reports_problems(tmp_path: Path) -> None:
    write(tmp_path, "lib/a/决定(2020-01-01).md", "# 某某决定\n\n一、决定内容。\n")
    write(tmp_path, "lib/a/好条例(2020-01-01).md", "# 好条例\n\n<!-- INFO END -->\n\n第一条 甲。\n")
    config = tmp_path / "fazhi.yml"
    config.write_text("site_name: x\n", "utf-8")
    runner = CliRunner()
    bad = runner.invoke(main, ["laws", "import", "--config", str(config), str(tmp_path / "lib")])
    assert bad.exit_code == 1
    assert "a/决定(2020-01-01).md:1: no article" in bad.output
    assert "1 law(s), 1 version(s)" in bad.output and "1 problem(s)" in bad.output
    missing = runner.invoke(main, ["laws", "import", "--config", str(config), str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "law library folder not found" in missing.output
    (tmp_path / "lib/a/决定(2020-01-01).md").unlink()
    good = runner.invoke(main, ["laws", "import", "--config", str(config), str(tmp_path / "lib")])
    assert good.exit_code == 0 and "0 problem(s)" in good.output


def test_the_demo_switches_the_sample_library_on_and_production_does_not(tmp_path: Path) -> None:
    with Mirror(tmp_path / "mirror") as mirror:
        settings = load_settings(write_config(mirror, tmp_path, 8123))
    assert settings.paths.law_library == SAMPLE_LAW_LIBRARY
    assert not load_library(SAMPLE_LAW_LIBRARY).problems
    assert load_settings(REPO / "fazhi.yml").paths.law_library is None
