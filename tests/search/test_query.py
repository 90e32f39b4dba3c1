"""Queries against the real index of the sample archive (tests/fixtures/search.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from fazhi.errors import SearchQueryError
from search import ranking
from search.query import SearchRequest, SearchResponse, parse_query, search
from search.ranking import Ranking
from search.searchers import open_view


def run(index: Path, q: str = "", **options: object) -> SearchResponse:
    return search(index, SearchRequest(q=q, **options))  # type: ignore[arg-type]


def slugs(response: SearchResponse) -> list[str]:
    return [hit.url.rstrip("/").rsplit("/", 1)[1] for hit in response.hits]


def test_keywords_rank_the_matching_article_first(search_index: Path) -> None:
    response = run(search_index, "医疗废物 处置")
    assert slugs(response)[0] == "gufeifa-jiedu"
    hit = response.hits[0]
    assert (hit.column, hit.column_name, hit.date, hit.source) == ("interpretations", "政策法规解读", "2020-09-01 09:30", "法规与标准处")
    assert hit.url == "interpretations/2020/gufeifa-jiedu/"
    assert "固体废物污染环境防治法" in hit.laws


def test_a_natural_language_question_finds_the_answer(search_index: Path) -> None:
    response = run(search_index, "夫妻一方欠的债谁来还？")
    assert slugs(response)[0] == "fuqi-zhaiwu"
    assert response.query == "夫妻一方欠的债谁来还"


def test_sub_word_recall_finds_a_word_inside_a_longer_word(search_index: Path) -> None:
    # 废物 only occurs inside 医疗废物 / 危险废物 / 固体废物 in the sample.
    assert "gufeifa-jiedu" in slugs(run(search_index, "废物"))
    # 赣服通 is unknown to the dictionary: the bigram fields still find it.
    assert slugs(run(search_index, "赣服通")) == ["ganfutong"]


def test_law_short_form_expands_to_the_canonical_name(search_index: Path) -> None:
    response = run(search_index, "固废法")
    assert slugs(response) == ["gufeifa-jiedu"]
    assert "<mark>固体废物污染环境防治法</mark>" in response.hits[0].title_html


def test_quoted_phrase_requires_the_words_in_a_row(search_index: Path) -> None:
    loose = set(slugs(run(search_index, "土壤 污染")))
    assert {"turang-zongjie", "nongcun-zhengzhi"} <= loose
    # 农村环境整治情况通报 has 土壤 and 污染 but never 土壤污染.
    assert slugs(run(search_index, '"土壤污染"')) == ["turang-zongjie"]
    assert run(search_index, "“土壤污染”").total == 1
    # No word boundary of the text falls where the phrase starts and ends: the exact characters still count.
    assert slugs(run(search_index, '"用地详"')) == ["turang-zongjie"]
    assert run(search_index, '"用地 详"').total == 1
    assert run(search_index, '"详查农用地"').total == 0


def test_exclusion_drops_documents_with_the_word(search_index: Path) -> None:
    assert "nongcun-zhengzhi" in slugs(run(search_index, "污染"))
    excluded = run(search_index, "污染 -农村")
    assert "nongcun-zhengzhi" not in slugs(excluded)
    assert excluded.total >= 1
    assert excluded.query == "污染 -农村"


def test_filters_by_column_year_dates_source_and_law(search_index: Path) -> None:
    assert set(slugs(run(search_index, "执法", column="summaries", per_page=50))) == {f"zhifa-anli-{n}" for n in (1, 4, 7, 10, 13, 16, 19)}
    by_year = run(search_index, "执法", year=2019, per_page=50)
    assert by_year.total and all(hit.date.startswith("2019") for hit in by_year.hits)
    ranged = run(search_index, "执法", date_from=dt.date(2020, 1, 1), date_to=dt.date(2021, 12, 31), per_page=50)
    assert ranged.total and all("2020" <= hit.date[:4] <= "2021" for hit in ranged.hits)
    by_source = run(search_index, "执法", source="办公室", per_page=50)
    assert by_source.total == 7 and {hit.source for hit in by_source.hits} == {"办公室"}
    # The law filter accepts a short form; 大气法 -> 大气污染防治法, cited in the body of one article only.
    assert slugs(run(search_index, law="大气法")) == ["daqi-wenda"]
    assert slugs(run(search_index, "污染", law="土壤污染防治法")) == ["turang-zongjie"]


def test_filters_alone_list_articles_newest_first(search_index: Path) -> None:
    response = run(search_index, column="interpretations")
    assert slugs(response) == ["daqi-wenda", "ganfutong", "gufeifa-jiedu"]


def test_sort_by_date_and_pagination(search_index: Path) -> None:
    by_date = [h.date for p in (1, 2, 3) for h in run(search_index, "执法", sort="date", page=p, per_page=8).hits]
    assert len(by_date) == 21 and by_date == sorted(by_date, reverse=True)
    first = run(search_index, "执法", page=1, per_page=10)
    third = run(search_index, "执法", page=3, per_page=10)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (21, 3, 10, 1)
    seen = slugs(first) + slugs(run(search_index, "执法", page=2, per_page=10)) + slugs(third)
    assert len(set(seen)) == 21
    assert run(search_index, "执法", page=4, per_page=10).hits == []


def test_relevance_order_follows_scores(search_index: Path) -> None:
    scores = [hit.score for hit in run(search_index, "土壤 污染 防治").hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_snippets_mark_matches_and_escape_everything_else(search_index: Path) -> None:
    hit = run(search_index, "颗粒物 浓度").hits[0]
    assert hit.title_html == "&lt;script&gt;alert(1)&lt;/script&gt;大气标准问答"
    assert "<mark>颗粒物浓度</mark>&lt;35 &amp; 达标" in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0
    # Markdown syntax is not part of the indexed or shown text.
    snippet = run(search_index, "医疗废物").hits[0].snippet
    assert "**" not in snippet and "<mark>医疗废物</mark>" in snippet


def test_facets_count_columns_and_years_ignoring_their_own_filter(search_index: Path) -> None:
    everything = run(search_index, "执法")
    assert everything.facets["column"] == {"summaries": 7, "cases": 14}
    assert sum(everything.facets["year"].values()) == 21
    filtered = run(search_index, "执法", column="summaries")
    assert filtered.total == 7
    assert filtered.facets["column"] == {"summaries": 7, "cases": 14}
    assert sum(filtered.facets["year"].values()) == 7


def test_suggestions_when_nothing_matches(search_index: Path) -> None:
    dropped = run(search_index, "赣服通", column="cases")
    assert (dropped.total, dropped.suggestion, dropped.suggestion_reason) == (0, "赣服通", "drop_filters")
    fewer = run(search_index, '执法 "赣服通执法"')
    assert fewer.total == 0 and fewer.suggestion_reason == "fewer_terms" and fewer.suggestion == "执法 赣服通执法"
    similar = run(search_index, "alerts")
    assert (similar.total, similar.suggestion, similar.suggestion_reason) == (0, "alert", "similar_term")
    assert run(search_index, "执法").suggestion is None


@pytest.mark.parametrize("hostile", [
    "土壤" * 5000,
    "   ",
    "-土壤",
])
def test_hostile_queries_are_clear_errors(search_index: Path, hostile: str) -> None:
    with pytest.raises(SearchQueryError) as info:
        run(search_index, hostile)
    assert info.value.status == 400
    assert str(info.value)


@pytest.mark.parametrize("wordless", ["*", "\x00\x01\x02\u200b"])
def test_a_query_with_no_words_gets_a_hint_not_an_error(search_index: Path, wordless: str) -> None:
    answer = run(search_index, wordless)
    assert (answer.total, answer.hits) == (0, []) and answer.hint


@pytest.mark.parametrize(("hostile", "shown"), [
    ('"土壤污染', '"土壤污染"'),
    ("((土壤 [污染", "土壤 污染"),
    ("title:土壤 OR body:*", "title 土壤 OR body"),
    ("\x1b[31m土壤", "31m土壤"),
    ("土壤\x00污染\u200b", "土壤 污染"),
    ("*土壤?~2^5", "土壤 2 5"),
])
def test_broken_syntax_is_sanitised_not_passed_on(search_index: Path, hostile: str, shown: str) -> None:
    response = run(search_index, hostile)
    assert response.query == shown
    assert "turang-zongjie" in slugs(response)


@pytest.mark.parametrize(("params", "message"), [
    ({"column": "news"}, "unknown column"),
    ({"sort": "random"}, "unknown sort"),
    ({"page": "0"}, "page"),
    ({"page": "x"}, "whole number"),
    ({"per_page": "1000"}, "per_page"),
    ({"from": "2020-13-01"}, "YYYY-MM-DD"),
    ({"from": "2021-01-01", "to": "2020-01-01"}, "after"),
    ({"year": "99999999"}, "whole number"),
])
def test_bad_parameters_are_clear_errors(search_index: Path, params: dict[str, str], message: str) -> None:
    with pytest.raises(SearchQueryError, match=message):
        search(search_index, SearchRequest.from_params({"q": "执法", **params}))


def test_missing_index_is_a_503(tmp_path: Path) -> None:
    with pytest.raises(SearchQueryError) as info:
        run(tmp_path / "nowhere", "执法")
    assert info.value.status == 503


def test_parse_keeps_phrases_and_exclusions_apart() -> None:
    parsed = parse_query('固废法 "医疗废物" -"土壤 污染"')
    # A resolved short form is searched as the law's name: one word, not its loose characters.
    assert parsed.words == [["固体废物污染环境防治法"]] and parsed.bigrams == []
    assert parsed.laws == ["固体废物污染环境防治法"]
    assert [p.text for p in parsed.phrases] == ["医疗废物"]
    assert [(e.words, e.needle) for e in parsed.excluded] == [(["土壤", "污染"], "土壤污染")]


def test_response_to_dict_is_json_shaped(search_index: Path) -> None:
    data = run(search_index, "执法", per_page=2).to_dict()
    assert set(data) >= {"query", "total", "page", "pages", "hits", "facets", "suggestion", "partial"}
    assert set(data["hits"][0]) >= {"title", "url", "date", "column", "column_name", "source", "laws", "snippet", "score"}


def test_a_spent_time_budget_returns_a_flagged_partial_answer(search_index: Path) -> None:
    assert run(search_index, "执法 检查").partial is False
    spent = search(search_index, SearchRequest(q="执法 检查"), ranking=Ranking(budget=0.0))
    assert spent.partial is True and spent.total < run(search_index, "执法 检查").total


def test_a_document_shown_again_is_read_from_the_index_once_and_shows_the_same(search_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = open_view(search_index)  # the view this thread's searches use for this generation
    view._shown.clear()  # earlier tests in this thread showed documents of this generation
    view._shown_chars = 0
    read: list[int] = []
    stored_fields = view.searcher.stored_fields
    monkeypatch.setattr(view.searcher, "stored_fields", lambda docnum: read.append(docnum) or stored_fields(docnum))
    first = run(search_index, "执法")
    shown = set(read)
    assert len(first.hits) == len(shown) == 10
    read.clear()
    again = run(search_index, "执法")
    assert again.hits == first.hits
    assert not read
    docnum = next(iter(shown))
    assert view.shown(docnum)["body"] == " ".join((stored_fields(docnum).get("body") or "").split())


def test_documents_shown_are_kept_up_to_a_number_of_characters(search_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view = open_view(search_index)
    docs = sorted(view.live)[:3]
    lengths = [len(" ".join((view.searcher.stored_fields(d).get("body") or "").split())) for d in docs]
    monkeypatch.setattr(ranking, "SHOWN_CHARS", lengths[1] + lengths[2])
    read: list[int] = []
    stored_fields = view.searcher.stored_fields
    monkeypatch.setattr(view.searcher, "stored_fields", lambda docnum: read.append(docnum) or stored_fields(docnum))
    view._shown.clear()
    view._shown_chars = 0
    for docnum in (*docs, docs[2], docs[0]):
        view.shown(docnum)
    assert read == [*docs, docs[0]]  # the third pushed the first out; the last two shown stayed
