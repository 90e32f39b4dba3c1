"""Correctness on the real statutes of the LawRefBook corpus in ../shared (skipped when it is absent).

Version choice at the day a revision took effect and the day before, articles renumbered by a
revision, 之一 articles, Chinese numerals up to 第一千二百六十条, repealed laws before and after
their repeal (with and without their text in the library), citations in tables and lists.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fazhi.law.citations import ArticleRef, CitationScanner, Unresolved, named_article
from fazhi.law.library import Library, load_library
from fazhi.law.numerals import ArticleNo
from fazhi_app.hooks.citelinks import CitationLinker


@pytest.fixture(scope="module")
def library(shared_dir: Path) -> Library:
    corpus = shared_dir / "corpora" / "lawrefbook" / "data"
    if not corpus.is_dir():
        pytest.skip(f"the LawRefBook corpus is not at {corpus}")
    return load_library(corpus)


def one(library: Library, text: str, day: dt.date) -> ArticleRef | Unresolved:
    found, problems = CitationScanner(library, day).scan(text)
    assert len(found) + len(problems) == 1, (text, found, problems)
    return (found or problems)[0]


def test_the_whole_corpus_reads(library: Library) -> None:
    assert library.files == 3475
    assert len(library.laws) > 3000
    # what is left out are texts without any 第N条 (decisions, cases): never a law with articles
    left_out = [p for p in library.problems if "left out" in p.message]
    assert all("no article" in p.message for p in left_out)


def test_company_law_revision_at_its_effective_date(library: Library) -> None:
    law = library.laws["公司法"]
    assert [(v.key, v.effective.isoformat()) for v in law.versions] == [("2018-10-26", "2018-10-26"), ("2023-12-29", "2024-07-01")]
    before = one(library, "《公司法》第二十条", dt.date(2024, 6, 30))
    on = one(library, "《中华人民共和国公司法》第二十条", dt.date(2024, 7, 1))
    assert isinstance(before, ArticleRef) and isinstance(on, ArticleRef)
    assert before.version.key == "2018-10-26" and on.version.key == "2023-12-29"
    assert "滥用股东权利" in before.version.article(ArticleNo(20)).text  # type: ignore[union-attr]
    assert "社会责任" in on.version.article(ArticleNo(20)).text  # type: ignore[union-attr]


def test_renumbered_article_across_versions(library: Library) -> None:
    old, new = library.laws["公司法"].versions
    abuse_old = next(a.no for a in old.articles if "不得滥用股东权利损害公司或者其他股东的利益" in a.text)
    abuse_new = next(a.no for a in new.articles if "不得滥用股东权利损害公司或者其他股东的利益" in a.text)
    assert (abuse_old, abuse_new) == (ArticleNo(20), ArticleNo(21))
    assert old.last_number == 218 and new.last_number == 266


def test_article_with_zhi_yi(library: Library) -> None:
    ref = one(library, "《刑法》第一百二十条之一", dt.date(2024, 5, 1))
    assert isinstance(ref, ArticleRef) and ref.anchor == "a120-1"
    assert "资助恐怖活动" in ref.version.article(ArticleNo(120, 1)).text  # type: ignore[union-attr]
    numbers = [a.no for a in ref.version.articles]
    assert numbers == sorted(numbers) and ArticleNo(120, 1) in numbers and ArticleNo(120, 2) in numbers


def test_civil_code_numbers_up_to_1260_over_eight_files(library: Library) -> None:
    (version,) = library.laws["民法典"].versions
    assert len(version.files) == 8 and version.effective == dt.date(2021, 1, 1)
    assert [a.no.number for a in version.articles] == list(range(1, 1261))
    ref = one(library, "《民法典》第一千二百六十条", dt.date(2021, 3, 1))
    assert isinstance(ref, ArticleRef) and not ref.early and "2021年1月1日起施行" in ref.version.article(ArticleNo(1260)).text  # type: ignore[union-attr]
    assert one(library, "《民法典》第1234条", dt.date(2021, 3, 1)).anchor == "a1234"  # type: ignore[union-attr]
    beyond = one(library, "《民法典》第一千二百六十一条", dt.date(2021, 3, 1))
    assert isinstance(beyond, Unresolved) and "last article is 第一千二百六十条" in beyond.reason
    early = one(library, "《民法典》第一千二百三十四条", dt.date(2020, 12, 31))
    assert isinstance(early, ArticleRef) and early.early


def test_repealed_law_with_its_text_before_and_after_the_repeal(library: Library) -> None:
    text = "《环境噪声污染防治法》第二十二条"
    before = one(library, text, dt.date(2022, 6, 4))
    after = one(library, text, dt.date(2022, 6, 5))
    assert isinstance(before, ArticleRef) and before.law.name == "环境噪声污染防治法" and before.repeal is None
    assert isinstance(after, ArticleRef) and after.repeal is not None and after.repeal.by == "噪声污染防治法"
    assert library.laws["噪声污染防治法"].versions[-1].effective == dt.date(2022, 6, 5)


def test_repealed_law_without_its_text(library: Library) -> None:
    for name in ("合同法", "物权法", "婚姻法"):
        assert library.repeals[name].date == dt.date(2021, 1, 1) and library.repeals[name].by == "民法典"
    before = one(library, "《中华人民共和国合同法》第五十二条", dt.date(2020, 12, 31))
    after = one(library, "《合同法》第五十二条", dt.date(2021, 1, 1))
    assert isinstance(before, Unresolved) and "in force on 2020-12-31; repealed on 2021-01-01" in before.reason
    assert isinstance(after, Unresolved) and "was repealed on 2021-01-01 by 《民法典》" in after.reason


def test_citations_in_tables_and_lists(library: Library) -> None:
    linker = CitationLinker(library, dt.date(2026, 1, 1))
    body = ("<table><thead><tr><th>依据</th></tr></thead><tbody><tr><td>《民法典》第一千二百六十条</td></tr>"
            "<tr><td>《公司法》第二十条、第二十一条</td></tr></tbody></table>"
            "<ol><li>《刑法》第一百二十条之一</li><li>《环境保护法》第二十五条至第二十八条</li></ol>")
    out = linker.link(body, dt.date(2024, 7, 1), "cases/2024/x/")
    assert out.count('class="fz-cite"') == 5
    assert "#a1260" in out and "#a120-1" in out and 'data-articles="a25 a26 a27 a28"' in out
    assert "/civil-code/2020-05-28.12.json" in out  # 第一千二百六十条 is read from the block of articles 1200-1299
    # the company law in force on 2024-07-01 is the current one: its link goes to the law's own page
    assert 'data-articles="a21"' in out and "/2023-12-29/#a" not in out and "/2023-12-29.0.json" in out
    assert any(key.endswith("/2023-12-29.0.json") for key in linker.used)


@pytest.mark.parametrize("query", [
    "环境保护法第二十五条", "环境保护法第25条", "《中华人民共和国环境保护法》第二十五条", "环保法 第二十五条 查封",
])
def test_a_query_naming_a_real_article(library: Library, query: str) -> None:
    found = named_article(query, library, dt.date(2026, 1, 1))
    assert found is not None and found.law.name == "环境保护法" and found.no == ArticleNo(25)
    assert "查封、扣押造成污染物排放的设施、设备" in found.text
