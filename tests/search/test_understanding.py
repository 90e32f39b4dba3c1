"""What the public types: laws by name or short form, traditional or full-width text, 第25条, everyday words."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from fazhi.article import Article
from fazhi.errors import SearchQueryError
from fazhi.law.names import law_table
from search.analysis import segment
from search.deadline import SearchTimeout
from search.indexer import sync_articles
from search.query import MAX_EXCLUSIONS, MAX_PHRASES, SearchRequest, SearchResponse, parse_query, search
from search.ranking import Ranking
from search.searchers import open_view

LAWS = {
    "solid-waste": "中华人民共和国固体废物污染环境防治法",
    "labor-contract": "中华人民共和国劳动合同法",
    "national-security": "中华人民共和国国家安全法",
    "hk-security": "中华人民共和国香港特别行政区维护国家安全法",
    "guarantee": "中华人民共和国担保法",
}


def _article(slug: str, title: str, body: str, day: int = 1) -> Article:
    return Article(title=title, date=dt.datetime(2021, 1, day), column="interpretations", slug=slug, body=body)


def law_articles() -> list[Article]:
    """Five laws (short bodies) and commentaries that repeat a law's name in their bodies many times."""
    articles = [_article(slug, title, f"第一条 为了规范{title[7:]}的适用，制定本法。第三十九条 用人单位可以解除劳动合同。")
                for slug, title in LAWS.items()]
    articles += [
        _article("waste-commentary", "一部法律的十次引用", "固体废物污染环境防治法规定了处罚。" * 10 + "《固废法》", day=2),
        _article("labor-commentary", "用工答疑", "劳动合同法第三十九条规定，劳动合同法适用于企业。" * 8, day=3),
        _article("insurance", "保险与担保", "保证人依照担保法承担保证责任。", day=4),
        _article("debt", "借款到期不还的处理", "债务人到期不履行债务，债权人可以起诉。", day=5),
        _article("money", "欠钱了怎么办", "朋友欠钱一直不还，聊天记录截图要保存好。", day=6),
        _article("contract-title", "劳动合同的订立", "双方应当订立书面合同。", day=7),
        _article("contract-body", "用人单位问答", "劳动合同 劳动合同 劳动合同 劳动合同 劳动合同 劳动合同 都要书面订立。", day=8),
    ]
    return articles


@pytest.fixture(scope="module")
def law_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("law-index") / "index"
    sync_articles(law_articles(), index)
    return index


def run(index: Path, q: str) -> SearchResponse:
    return search(index, SearchRequest(q=q))


def slugs(response: SearchResponse) -> list[str]:
    return [hit.url.rstrip("/").rsplit("/", 1)[1] for hit in response.hits]


@pytest.mark.parametrize("q", [
    "中华人民共和国固体废物污染环境防治法", "固体废物污染环境防治法", "《固体废物污染环境防治法》", "固废法", "《固废法》",
    "固废法第二十条", "固体废物污染环境防治法 处罚",
])
def test_a_law_named_any_way_ranks_its_own_document_first(law_index: Path, q: str) -> None:
    response = run(law_index, q)
    assert slugs(response)[0] == "solid-waste"
    assert "waste-commentary" in slugs(response)
    slug = law_table().slug("固体废物污染环境防治法")
    assert response.law is not None and (response.law.name, response.law.url) == ("固体废物污染环境防治法", f"/laws/{slug}/")
    assert response.to_dict()["law"] == {"name": "固体废物污染环境防治法", "url": f"/laws/{slug}/", "articles": 1}


def test_a_query_naming_no_law_has_no_law_block(law_index: Path) -> None:
    assert run(law_index, "借款 债务").law is None


def test_an_ambiguous_short_form_expands_to_both_laws(law_index: Path) -> None:
    assert law_table().resolve("国安法") == ("国家安全法", "香港特别行政区维护国家安全法")
    assert law_table().canonical("国安法") == "国安法"
    assert set(slugs(run(law_index, "国安法"))[:2]) == {"national-security", "hk-security"}


def test_a_short_form_is_not_searched_as_loose_characters(law_index: Path) -> None:
    # 妇保法's characters 保法 occur inside 担保法; the short form means only 妇女权益保障法.
    parsed = parse_query("妇保法")
    assert parsed.laws == ["妇女权益保障法"] and parsed.words == [["妇女权益保障法"]] and parsed.bigrams == []
    assert run(law_index, "妇保法").total == 0


def test_titles_are_scored_on_their_own_statistics(law_index: Path) -> None:
    view = open_view(law_index)
    ranking = Ranking()
    word = "劳动合同"
    title_df, body_df = view.doc_frequency("title", word), view.doc_frequency("body", word)
    assert title_df < body_df
    ids, scores = view.contributions("title", word, ranking, 1.0)
    idf = math.log(1 + (view.count - title_df + 0.5) / (title_df + 0.5))
    k1, b = ranking.title_k1, ranking.title_b
    for docnum, value in zip(ids, scores, strict=True):
        norm = k1 * (1 - b + b * view.lengths["title_len"][docnum] / view.average["title_len"])
        assert value == pytest.approx(ranking.title_weight * idf * (k1 + 1) / (1 + norm))
    # The law whose title it is comes first, above a commentary that repeats its name eight times.
    assert slugs(run(law_index, "劳动合同法"))[:2] == ["labor-contract", "labor-commentary"]


@pytest.mark.parametrize(("typed", "same_as"), [
    ("勞動合同法第三十九條", "劳动合同法第三十九条"),
    ("劳动合同法第39条", "劳动合同法第三十九条"),
    ("劳动合同法第３９条", "劳动合同法 第三十九条"),
    ("ＡＢＣ　劳动合同法", "abc 劳动合同法"),
])
def test_traditional_full_width_and_arabic_numerals_find_the_same(law_index: Path, typed: str, same_as: str) -> None:
    assert parse_query(typed).words == parse_query(same_as).words
    assert slugs(run(law_index, typed)) == slugs(run(law_index, same_as))
    assert slugs(run(law_index, typed))[0] == "labor-contract"


def test_everyday_words_reach_legal_terms_with_a_lower_weight(law_index: Path) -> None:
    parsed = parse_query("欠钱不还")
    assert ["债务"] in parsed.related and ["债务"] not in parsed.words
    order = slugs(run(law_index, "欠钱不还"))
    # The document in the public's words first, the one in legal terms found too.
    assert order[0] == "money" and "debt" in order


def test_exclusions_and_phrases_are_deduplicated_and_capped() -> None:
    parsed = parse_query(" ".join(["-土壤"] * 20 + [f"-词{n}" for n in range(20)] + [f'"短语{n}"' for n in range(20)]))
    assert [p.needle for p in parsed.excluded][:2] == ["土壤", "词0"]
    assert len(parsed.excluded) == MAX_EXCLUSIONS and len(parsed.phrases) == MAX_PHRASES


def test_the_budget_covers_phrases_and_exclusions(law_index: Path) -> None:
    many = " ".join(f'"劳动合同{n}"' for n in range(8)) + " " + " ".join(f"-解除{n}" for n in range(8))
    with pytest.raises(SearchTimeout) as info:
        search(law_index, SearchRequest(q=many), budget=0.0)
    assert info.value.status == 503
    assert search(law_index, SearchRequest(q=many)).total == 0


def test_a_spent_scoring_budget_is_partial_not_an_error(law_index: Path) -> None:
    response = search(law_index, SearchRequest(q="劳动合同 债务"), ranking=Ranking(budget=0.0))
    assert response.partial is True


def test_bad_law_table_entries_are_refused() -> None:
    from fazhi.law.names import Law, LawTable

    with pytest.raises(ValueError, match="mark it ambiguous"):
        LawTable([Law("甲法", "a", ("简法",)), Law("乙法", "b", ("简法",))])
    with pytest.raises(ValueError, match="two or more laws"):
        LawTable([Law("甲法", "a", (), ("简法",))])


def test_an_overlong_query_is_refused_before_any_work(law_index: Path) -> None:
    with pytest.raises(SearchQueryError, match="at most 500"):
        search(law_index, SearchRequest(q="法" * 501))


def test_the_segmenter_keeps_every_law_name_and_short_form_whole() -> None:
    forms = law_table().forms()
    assert len(forms) > 400
    split = [form for form in forms if [word for word, _, _ in segment(form)] != [form]]
    assert not split, split[:10]
