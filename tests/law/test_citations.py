"""Citations resolved against the sample library: forms, version by date, early and repealed laws, HTML linking."""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi.law.citations import CitationScanner, named_article
from fazhi.law.library import Library, load_library
from fazhi.law.numerals import ArticleNo
from fazhi_app.hooks.citelinks import CitationLinker
from tests.fixtures.site import SAMPLE_LAWS

RIVERS = "示例市河湖保洁条例"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(SAMPLE_LAWS)


def refs(library: Library, text: str, day: dt.date) -> list[tuple[str, str, str, tuple[str, ...]]]:
    found, _ = CitationScanner(library, day).scan(text)
    return [(text[r.start:r.end], r.law.name, r.version.key, tuple(a.anchor for a in r.articles)) for r in found]


def test_sample_library_reads_cleanly(library: Library) -> None:
    assert not library.problems
    assert [v.key for v in library.laws[RIVERS].versions] == ["2016-03-10", "2021-09-15"]
    assert library.laws["示例市绿道管理办法"].versions[0].key == "2019-03-20"  # undated file, dated by its history
    assert len(library.laws["示例省生态环境保护条例"].versions[0].articles) == 9  # one law over two files


def test_the_version_in_force_on_the_articles_date(library: Library) -> None:
    text = f"《{RIVERS}》第十二条"
    # the revision of 2021-09-15 took effect on 2022-01-01: the day before, the 2016 text is in force
    assert refs(library, text, dt.date(2021, 12, 31)) == [(text, RIVERS, "2016-03-10", ("a12",))]
    assert refs(library, text, dt.date(2022, 1, 1)) == [(text, RIVERS, "2021-09-15", ("a12",))]
    # renumbered: the fine for dumping is 第十条 in 2016 and 第十二条 after the revision
    old = library.laws[RIVERS].versions[0].article(ArticleNo(10))
    new = library.laws[RIVERS].versions[1].article(ArticleNo(12))
    assert old is not None and new is not None and "倾倒垃圾" in old.text and "倾倒垃圾" in new.text
    # a qualifier naming the revision picks it whatever the date
    named = f"《{RIVERS}（2021年修订）》第十二条"
    assert refs(library, named, dt.date(2021, 12, 31))[0][2] == "2021-09-15"


def test_before_the_first_version_the_first_is_used_and_marked(library: Library) -> None:
    (ref,), _ = CitationScanner(library, dt.date(2015, 1, 1)).scan(f"《{RIVERS}》第六条")
    assert ref.version.key == "2016-03-10" and ref.early
    (ref,), _ = CitationScanner(library, dt.date(2016, 6, 1)).scan(f"《{RIVERS}》第六条")
    assert not ref.early


def test_every_citation_form(library: Library) -> None:
    day = dt.date(2022, 3, 1)
    text = (f"依据《{RIVERS}》第七条、第八条和第八条之一，以及第十二至十四条；《{RIVERS}》第六条第二款另有规定。"
            f"又见《中华人民共和国{RIVERS}》第1条，第十三条也适用。")
    assert [(t, anchors) for t, _, _, anchors in refs(library, text, day)] == [
        (f"《{RIVERS}》第七条", ("a7",)),
        ("第八条", ("a8",)),
        ("第八条之一", ("a8-1",)),
        ("第十二至十四条", ("a12", "a13", "a14")),
        (f"《{RIVERS}》第六条第二款", ("a6",)),
        (f"《中华人民共和国{RIVERS}》第1条", ("a1",)),
        ("第十三条", ("a13",)),
    ]


def test_unresolvable_citations_are_reported_not_linked(library: Library) -> None:
    text = f"《{RIVERS}》第三十条，《环境保护法》第二十五条，《红楼梦》第三回第五条。"
    found, problems = CitationScanner(library, dt.date(2022, 3, 1)).scan(text)
    assert not found
    assert [p.text for p in problems] == [f"《{RIVERS}》第三十条", "《环境保护法》第二十五条"]
    assert "last article is 第十五条" in problems[0].reason and "not in the law library" in problems[1].reason


def test_a_block_boundary_ends_the_continuation(library: Library) -> None:
    scanner = CitationScanner(library, dt.date(2022, 3, 1))
    assert len(scanner.scan(f"《{RIVERS}》第七条")[0]) == 1
    assert len(scanner.scan("第八条")[0]) == 1  # the next text piece, same block
    scanner.reset()
    assert scanner.scan("第八条") == ([], [])


def test_repealed_law_before_and_after_its_repeal(library: Library) -> None:
    text = "《示例市城市绿化暂行规定》第三条"
    (before,), _ = CitationScanner(library, dt.date(2019, 4, 30)).scan(text)
    (after,), _ = CitationScanner(library, dt.date(2019, 5, 1)).scan(text)
    assert before.repeal is None and before.version.key == "2008-07-01"
    assert after.repeal is not None and after.repeal.by == "示例市绿道管理办法" and after.version.key == "2008-07-01"


def test_html_linking_in_tables_lists_and_inline_markup(library: Library) -> None:
    linker = CitationLinker(library, dt.date(2026, 1, 1))
    html = (f"<table><tr><td>《{RIVERS}》第十二条</td><td>第十三条</td></tr></table>"
            f"<ul><li><strong>《{RIVERS}》</strong>第七条</li><li>第八条</li></ul>"
            f"<p><code>《{RIVERS}》第七条</code> <a href='x'>《{RIVERS}》第七条</a></p>")
    out = linker.link(html, dt.date(2022, 3, 1), "interpretations/2022/x/")
    assert out.count('class="fz-cite"') == 2
    assert '<td><a class="fz-cite" href="../../../laws/' in out and "#a12\"" in out
    assert "</strong><a class=\"fz-cite\"" in out  # a law in bold, its article after it
    assert "<td>第十三条</td>" in out and "<li>第八条</li>" in out  # a new cell or item: no guess
    assert f"<code>《{RIVERS}》第七条</code>" in out and f"<a href='x'>《{RIVERS}》第七条</a>" in out
    assert len(linker.used) == 1
    assert next(iter(linker.used)).endswith("/2021-09-15.0.json") and linker.links == 2


@pytest.mark.parametrize("query", [f"{RIVERS}第十二条", f"{RIVERS}第12条", f"《{RIVERS}》 第十二条 罚款", f"罚款 {RIVERS} 第１２条"])
def test_a_query_naming_a_law_and_an_article(library: Library, query: str) -> None:
    found = named_article(query, library, dt.date(2026, 1, 1))
    assert found is not None and found.law.name == RIVERS and found.no == ArticleNo(12) and found.version.key == "2021-09-15"
    assert "五百元以上二千元以下" in found.text


def test_a_query_naming_no_known_article(library: Library) -> None:
    day = dt.date(2026, 1, 1)
    assert named_article(f"{RIVERS}第九十九条", library, day) is None
    assert named_article("环境保护法第二十五条", library, day) is None  # not in the sample library
    assert named_article("第十二条", library, day) is None
    assert named_article(f"{RIVERS}第八条之一", library, day).no == ArticleNo(8, 1)  # type: ignore[union-attr]
