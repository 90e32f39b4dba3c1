"""The content tree: every problem of every file, with its line; good files still load."""

from __future__ import annotations

from pathlib import Path

from fazhi.content import load_tree


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def article(slug: str, column: str = "cases", date: str = "2022-06-01", extra: str = "", body: str = "正文。") -> str:
    return f"---\ntitle: 标题{slug}\ndate: {date}\ncolumn: {column}\nslug: {slug}\n{extra}---\n\n{body}\n"


def test_loads_valid_articles_newest_first(tmp_path: Path) -> None:
    write(tmp_path, "cases/2022/a/index.md", article("a"))
    write(tmp_path, "cases/2023/b/index.md", article("b", date="2023-01-02"))
    write(tmp_path, "index.md", "# 首页\n")  # a site page, not an article
    tree = load_tree(tmp_path)
    assert tree.ok
    assert [a.slug for a in tree.articles] == ["b", "a"]


def test_reports_location_duplicates_and_broken_links(tmp_path: Path) -> None:
    write(tmp_path, "cases/2022/a/index.md", article("a"))
    write(tmp_path, "summaries/2022/a/index.md", article("a", column="summaries"))
    write(tmp_path, "cases/2021/wrong-year/index.md", article("wrong-year"))
    write(tmp_path, "cases/2022/files/index.md",
          article("files", extra="attachments:\n- file: missing.pdf\n", body="见下图：\n\n![图](chart.png)"))
    tree = load_tree(tmp_path)
    messages = sorted((str(p) for p in tree.problems), key=lambda m: (m.split(":")[0], int(m.split(":")[1])))
    assert [a.slug for a in tree.articles] == ["a"]
    assert messages == [
        "cases/2021/wrong-year/index.md:1: misplaced article: articles live at <column>/<year>/<slug>/index.md; it belongs at "
        "cases/2022/wrong-year/index.md (`fazhi check --fix` moves it there with its files)",
        "cases/2022/files/index.md:7: broken attachment link: missing.pdf does not exist beside the article",
        "cases/2022/files/index.md:12: broken link: chart.png does not exist beside the article",
        "summaries/2022/a/index.md:5: duplicate slug 'a': also used by cases/2022/a/index.md",
    ]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cases/2022/gbk/index.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(article("gbk").encode("gb18030"))
    tree = load_tree(tmp_path)
    assert [str(p).split(":")[0] for p in tree.problems] == ["cases/2022/gbk/index.md"]
    assert "not UTF-8" in str(tree.problems[0])


def test_not_utf8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "cases/2022/mixed/index.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(article("mixed").encode("utf-8") + "第二段。\n".encode("gbk"))
    assert [str(p) for p in load_tree(tmp_path).problems] == [
        "cases/2022/mixed/index.md:9: not UTF-8 text: invalid start byte (byte 0xb5); save it as UTF-8"
    ]
