"""The level prior: a law document's score is weighed by its place in the hierarchy of norms (real Whoosh indexes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from bench.search_corpus import law_document
from fazhi.article import Article
from fazhi.law.levels import LEVELS, law_level
from search.indexer import write_documents
from search.query import SearchRequest, SearchResponse, search
from search.ranking import DEFAULT_RANKING, Ranking
from search.schema import document
from search.syntax import title_key

FLAT = replace(DEFAULT_RANKING, levels=tuple((level, 1.0) for level in LEVELS))
# One library file per level, all with the same title and text.
FILES = {
    "law": "民法商法/甲.md", "administrative": "行政法规/甲.md", "judicial": "司法解释/甲.md", "rules": "部门规章/甲.md",
    "local": "DLC/江西省/地方性法规/甲.md",
}
SAME_TITLE = "关于噪声扰民的规定"
SAME_BODY = "第一条 禁止在夜间进行产生噪声扰民的施工作业。第二条 违反本规定的，由有关部门责令改正。"


def _article(slug: str, title: str, body: str) -> Article:
    return Article(title=title, date=dt.datetime(2021, 1, 1), column="interpretations", slug=slug, body=body)


def _law(slug: str, rel: str, title: str, body: str) -> dict[str, object]:
    return law_document(_article(slug, title, body), rel)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = [_law(level, rel, SAME_TITLE, SAME_BODY) for level, rel in FILES.items()]
    docs.append(document(_article("article", SAME_TITLE, SAME_BODY)))
    # A city's regulation and the national law on its subject; a law and a province's measures implementing it.
    docs += [
        _law("city", "DLC/江西省/南昌市/地方性法规/噪声.md", "南昌市噪声污染防治条例", "第一条 为了防治噪声污染，制定本条例。"),
        _law("national", "行政法/噪声.md", "中华人民共和国噪声污染防治法", "第一条 为了防治噪声污染，保护和改善生活环境，制定本法。"),
        _law("teachers", "社会法/教师法.md", "中华人民共和国教师法", "第一条 为了保障教师的合法权益，制定本法。" * 3),
        _law(
            "teachers-henan", "DLC/河南省/地方性法规/河南省实施教师法办法.md", "河南省实施《中华人民共和国教师法》办法",
            "第一条 根据《中华人民共和国教师法》，结合本省实际，制定本办法。",
        ),
    ]
    root = tmp_path_factory.mktemp("levels") / "index"
    write_documents(root, docs, len(docs))
    return root


def _search(index: Path, q: str, ranking: Ranking = DEFAULT_RANKING) -> SearchResponse:
    return search(index, SearchRequest(q=q, per_page=20), ranking=ranking)


def _slugs(response: SearchResponse) -> list[str]:
    return [hit.url.rstrip("/").rsplit("/", 1)[1] for hit in response.hits]


def _scores(response: SearchResponse) -> dict[str, float]:
    return dict(zip(_slugs(response), (hit.score for hit in response.hits), strict=True))


def test_the_library_folders_give_the_levels_the_index_holds() -> None:
    assert {level: law_level(rel) for level, rel in FILES.items()} == {level: level for level in FILES}


def test_the_same_text_ranks_by_level_and_scores_scale_by_the_weight(index: Path) -> None:
    weighed, flat = _scores(_search(index, "噪声扰民")), _scores(_search(index, "噪声扰民", FLAT))
    assert len({flat[level] for level in FILES}) == 1, "the same text scores the same without the prior"
    order = sorted(FILES, key=DEFAULT_RANKING.level_weight, reverse=True)
    assert order[0] == "law" and order[-1] == "local"
    assert [s for s in _slugs(_search(index, "噪声扰民")) if s in FILES] == order
    for level in FILES:
        assert weighed[level] == pytest.approx(flat[level] * DEFAULT_RANKING.level_weight(level), rel=1e-3)


def test_the_archives_own_articles_weigh_one(index: Path) -> None:
    weighed, flat = _scores(_search(index, "噪声扰民")), _scores(_search(index, "噪声扰民", FLAT))
    assert weighed["article"] == pytest.approx(flat["article"])
    assert weighed["article"] == pytest.approx(weighed["law"])
    assert DEFAULT_RANKING.level_weight("") == 1.0


def test_a_level_the_weights_do_not_name_weighs_as_other() -> None:
    assert DEFAULT_RANKING.level_weight("treaty") == DEFAULT_RANKING.level_weight("other") < 1.0


def test_the_prior_puts_a_national_law_above_a_citys_regulation_on_the_same_words(index: Path) -> None:
    # Not a title, so only the scores decide: by its shorter title the city's regulation wins, weighed by level
    # the national law does. The regulation's full title still finds it first (below).
    assert _slugs(_search(index, "噪声污染防治", FLAT))[:2] == ["city", "national"]
    assert _slugs(_search(index, "噪声污染防治"))[:2] == ["national", "city"]


@pytest.mark.parametrize(
    "q", ["南昌市噪声污染防治条例", "《南昌市噪声污染防治条例》", "南昌市噪聲污染防治條例", '"南昌市噪声污染防治条例"',
          "南昌市 噪声污染防治 条例"],
)
def test_a_regulation_asked_for_by_its_full_title_comes_first(index: Path, q: str) -> None:
    assert _slugs(_search(index, q))[0] == "city"


def test_a_title_naming_a_law_finds_the_title_first_and_the_law_second(index: Path) -> None:
    assert _slugs(_search(index, "河南省实施《中华人民共和国教师法》办法"))[:2] == ["teachers-henan", "teachers"]
    assert _slugs(_search(index, "河南省实施中华人民共和国教师法办法"))[:2] == ["teachers-henan", "teachers"]
    assert _slugs(_search(index, "教师法"))[0] == "teachers"


def test_title_keys_ignore_punctuation_spaces_and_spelling() -> None:
    key = "河南省实施中华人民共和国教师法办法"
    assert title_key("河南省实施《中华人民共和国教师法》办法") == title_key("河南省实施 中华人民共和国教师法 办法") == key
    assert title_key("南昌市噪聲污染防治條例（２０２１）") == "南昌市噪声污染防治条例2021"
