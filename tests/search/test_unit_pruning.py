"""Among statute article units, scoring for the first page only finds what scoring everything finds.

A real Whoosh index of a generated law library large enough (1,200 articles) that the query's common
words are past the ``admit`` cut, so ``score(..., top=k)`` adds them to the few units that may still rank
among the first k (``search.ranking._add_bounded``) instead of to every unit holding them.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from fazhi.law.library import load_library
from fazhi.law.numerals import to_chinese
from search import ranking as ranking_module
from search.deadline import Deadline
from search.engine import Run, law_vector
from search.indexer import sync_articles
from search.law_documents import UNIT_KIND, provision_units
from search.law_documents import law_documents as library_law_documents
from search.query import SearchRequest, parse_query, search
from search.ranking import DEFAULT_RANKING, UNIT_RANKING, IndexView, Ranking, Scores, score
from search.searchers import open_view

TOPICS = [
    "河道", "绿化", "养犬", "噪声", "燃气", "供水", "排水", "物业", "停车", "电梯", "消防", "殡葬",
    "广告", "市容", "道路", "公园", "湿地", "林木", "文物", "档案", "气象", "地名", "人防", "粮食",
]
ARTICLES = 50
# Each in about half the articles: past the admit cut (500 units) and under the common cut (60% of 1,200).
COMMON = ["应当", "管理", "部门", "单位", "责令", "改正"]
RARE = [
    "罚款", "许可", "登记", "赔偿", "投诉", "举报", "公示", "备案", "检查", "补偿",
    "拆除", "恢复", "没收", "警告", "暂扣", "吊销", "听证", "复议", "诉讼", "调解",
]
QUESTIONS = [
    "管理部门应当责令单位改正并处罚款吗",
    "没收违法所得和吊销许可证由哪个部门管理",
    "单位应当登记备案还是公示",
    "举报投诉后管理部门多久检查",
    "拆除违法建筑后应当恢复原状并赔偿吗",
    "调解不成可以申请复议或者诉讼",
    "应当 管理 部门 单位 责令 改正",
]


@pytest.fixture(scope="module")
def unit_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 article units of 24 generated regulations, with the common words in about half of them."""
    root = tmp_path_factory.mktemp("pruning")
    rng = random.Random(2026)
    for topic in TOPICS:
        lines = [f"# 示例市{topic}管理条例", "", "2020年1月1日示例市人民代表大会常务委员会通过", "", "<!-- INFO END -->", ""]
        for n in range(1, ARTICLES + 1):
            words = [w for w in COMMON if rng.random() < 0.52] + rng.sample(RARE, rng.randint(1, 4)) + [topic] * rng.randint(0, 2)
            rng.shuffle(words)
            lines += [f"第{to_chinese(n)}条 " + "，".join(words) + "。", ""]
        # half regulations, half government rules: levels that weigh differently
        laws = root / "laws" / ("地方性法规" if TOPICS.index(topic) % 2 else "地方政府规章")
        laws.mkdir(parents=True, exist_ok=True)
        (laws / f"示例市{topic}管理条例(2020-01-01).md").write_text("\n".join(lines), "utf-8")
    library = load_library(root / "laws")
    units = provision_units(library)
    assert len(units) == len(TOPICS) * ARTICLES
    index = root / "index"
    sync_articles([], index, rebuild=True, laws=[*library_law_documents(library), *units])
    return index


def scored(index: Path, question: str, top: int | None) -> Scores:
    return scored_in(open_view(index), question, top)


def scored_in(view: IndexView, question: str, top: int | None) -> Scores:
    clauses = Run(view, SearchRequest(q=question, kind=UNIT_KIND), parse_query(question), UNIT_RANKING, Deadline(60, 60)).clauses()
    return score(view, clauses, UNIT_RANKING, Deadline(60, 60), top)


def first(result: Scores, count: int) -> list[tuple[int, float]]:
    return sorted(result.scores.items(), key=lambda item: (-item[1], item[0]))[:count]


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("top", [1, 4, 10, 30])
def test_scoring_for_the_first_page_ranks_it_as_scoring_everything_does(unit_index: Path, question: str, top: int) -> None:
    full, cut = scored(unit_index, question, None), scored(unit_index, question, top)
    assert set(cut.matched) == set(full.matched) == set(full.scores), "the same units match: total and facets are unchanged"
    assert first(cut, top) == first(full, top), "the same first units, with the very same scores"
    assert all(value == full.scores[docnum] for docnum, value in cut.scores.items()), "every score given is the full one"


def test_the_common_words_are_added_to_a_few_units_only(unit_index: Path) -> None:
    view = open_view(unit_index)
    assert all(view.doc_frequency("unit_text", word) > 500 for word in COMMON[:4]), "the generated library exercises the cut"
    full, cut = scored(unit_index, QUESTIONS[0], None), scored(unit_index, QUESTIONS[0], 10)
    assert len(cut.scores) < len(full.scores) / 2


def test_a_search_among_units_pages_and_counts_as_the_full_ranking_does(unit_index: Path) -> None:
    view = open_view(unit_index)
    own = replace(UNIT_RANKING, law_prior=0.0)  # the units' own scores (the law prior: the test below)
    for question in QUESTIONS:
        full = scored(unit_index, question, None)
        expected = [view.searcher.stored_fields(docnum)["url"] for docnum, _ in first(full, 20)]
        for page in (1, 2):
            response = search(unit_index, SearchRequest(q=question, kind=UNIT_KIND, page=page, per_page=10), unit_ranking=own)
            assert response.total == len(full.matched)
            assert [hit.url for hit in response.hits] == expected[(page - 1) * 10:page * 10]
            assert [hit.score for hit in response.hits] == [round(value, 4) for _, value in first(full, 20)[(page - 1) * 10:page * 10]]


def test_with_the_law_prior_a_page_is_the_full_ranking_with_its_first_units_lifted_by_their_laws(unit_index: Path) -> None:
    view = open_view(unit_index)
    places = view.unit_laws()[1]
    for question in QUESTIONS:
        full = scored(unit_index, question, None).scores
        laws = Run(view, SearchRequest(q=question, kind="laws"), parse_query(question), DEFAULT_RANKING, Deadline(60, 60))
        law_scores = law_vector(view, score(view, laws.clauses(), DEFAULT_RANKING, Deadline(60, 60)).scores)
        assert law_scores.max() > 0
        share = law_scores / law_scores.max()
        lifted = first(Scores(full), UNIT_RANKING.law_depth)
        final = dict(full)
        for docnum, value in lifted:
            final[docnum] = value + UNIT_RANKING.law_prior * lifted[0][1] * share[places[docnum]]
        expected = first(Scores(final), 20)
        assert expected != first(Scores(full), 20), "the laws' relevance reorders the units"
        for page in (1, 2):
            response = search(unit_index, SearchRequest(q=question, kind=UNIT_KIND, page=page, per_page=10))
            assert response.total == len(full)
            page_of = expected[(page - 1) * 10:page * 10]
            assert [hit.url for hit in response.hits] == [view.searcher.stored_fields(docnum)["url"] for docnum, _ in page_of]
            assert [hit.score for hit in response.hits] == [round(value, 4) for _, value in page_of]


def test_a_ranking_whose_level_weights_differ_keeps_the_same_first_page(unit_index: Path) -> None:
    weights = open_view(unit_index).level_weights(Ranking(levels=(("local", 1.0), ("rules", 0.4))))
    assert weights is not None and len(set(weights.tolist())) == 2
    ranking = Ranking(k1=1.2, b=0.75, levels=(("local", 1.0), ("rules", 0.4), ("other", 1.0)))
    view = open_view(unit_index)
    for question in QUESTIONS:
        clauses = Run(view, SearchRequest(q=question, kind=UNIT_KIND), parse_query(question), ranking, Deadline(60, 60)).clauses()
        full = score(view, clauses, ranking, Deadline(60, 60))
        cut = score(view, clauses, ranking, Deadline(60, 60), 10)
        assert first(cut, 10) == first(full, 10)


@pytest.fixture(scope="module")
def two_segments(tmp_path_factory: pytest.TempPathFactory, unit_index: Path) -> Path:
    """The same units written in two goes: the articles of half the regulations, then the rest, as a second segment."""
    root = unit_index.parent
    library = load_library(root / "laws")
    units = provision_units(library)
    laws = library_law_documents(library)
    index = tmp_path_factory.mktemp("segments") / "index"
    names = sorted({unit.law.name for unit in units})
    sync_articles([], index, rebuild=True, laws=[unit for unit in units if unit.law.name in names[:len(names) // 2]])
    sync_articles([], index, laws=[*laws, *units])
    return index


def test_looking_up_a_few_units_finds_what_reading_the_whole_posting_list_finds(two_segments: Path) -> None:
    searcher = open_view(two_segments).searcher
    assert len(searcher.reader().leaf_readers()) >= 2, "the lookups cross segments"
    rng = random.Random(7)
    for word in COMMON + RARE[:6]:
        for size in (1, 5, 40):
            view = IndexView(searcher)  # nothing read yet: the few units are looked up with skip_to
            docs = np.array(sorted(rng.sample(sorted(view.units), size)))
            places, values = view.contributions_among("unit_text", word, UNIT_RANKING, 1.0, docs)
            ids, scores = view.contributions("unit_text", word, UNIT_RANKING, 1.0)
            expected = [(d, s) for d, s in zip(ids.tolist(), scores.tolist(), strict=True) if d in set(docs.tolist())]
            assert list(zip(docs[places].tolist(), values.tolist(), strict=True)) == expected, (word, size)
            # once read whole, the same lookups come from the cached arrays
            again = view.contributions_among("unit_text", word, UNIT_RANKING, 1.0, docs)
            assert list(zip(docs[again[0]].tolist(), again[1].tolist(), strict=True)) == expected, (word, size)


def test_a_warmed_view_scores_and_looks_up_as_a_cold_one_without_decoding_the_warmed_terms(
    two_segments: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = open_view(two_segments).searcher
    cold, warmed = IndexView(searcher), IndexView(searcher)
    assert warmed.warm()
    expected = {(q, top): scored_in(cold, q, top) for q in QUESTIONS for top in (None, 10)}
    decoded: list[str] = []
    original = ranking_module._read_matcher
    monkeypatch.setattr(ranking_module, "_read_matcher", lambda matcher, offset: decoded.append("read") or original(matcher, offset))
    rng = random.Random(11)
    for question in QUESTIONS:
        for top in (None, 10):
            found = scored_in(warmed, question, top)
            assert found.scores == expected[question, top].scores and set(found.matched) == set(expected[question, top].matched)
    for word in COMMON + RARE[:6]:
        docs = np.array(sorted(rng.sample(sorted(cold.units), 5)))
        looked_up = warmed.contributions_among("unit_text", word, UNIT_RANKING, 1.0, docs)
        wanted = cold.contributions_among("unit_text", word, UNIT_RANKING, 1.0, docs)
        assert looked_up[0].tolist() == wanted[0].tolist() and looked_up[1].tolist() == wanted[1].tolist()
    assert not decoded, "every term of this small index is warmed: no posting block is decoded while searching"


def test_warming_keeps_the_longest_posting_lists_within_its_budget_and_stops_when_asked(two_segments: Path) -> None:
    searcher = open_view(two_segments).searcher
    view = IndexView(searcher)
    budget = 20 * view.doc_frequency("unit_text", COMMON[0])
    asked: list[int] = []
    assert not view.warm(budget, stop=lambda: len(asked) > 3 or bool(asked.append(1)))  # stopped after a few steps
    assert view.warm(budget)  # goes on where it stopped
    kept = view._warm
    assert sum(len(ids) for ids, _ in kept.values()) <= budget
    assert ("unit_text", COMMON[0]) in kept and ("unit_text", RARE[0]) not in kept
    shortest = min(view.doc_frequency(*term) for term in kept)
    assert all(view.doc_frequency("unit_text", word) <= shortest for word in RARE if ("unit_text", word) not in kept), "the longest first"
    ids, tfs = kept["unit_text", COMMON[0]]
    fresh = IndexView(searcher).postings("unit_text", COMMON[0])
    assert ids.tolist() == fresh[0].tolist() and tfs.tolist() == fresh[1].tolist()


def test_warming_looks_whether_a_search_waits_while_it_counts_a_fields_terms(two_segments: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking_module, "WARM_STEP", 1)
    view = open_view(two_segments)
    fields = sum(len([f for f in ranking_module.SCORED_FIELDS if f in segment.schema]) for segment, _ in view.reader.leaf_readers())
    asked: list[int] = []
    # a search waits after a few more looks than there are fields: counting the terms is not over, nothing is decoded yet
    assert not view.warm(stop=lambda: bool(asked.append(1)) or len(asked) > fields + 5)
    assert not view._warm, "stopped while counting a field's terms, not after it"
    assert view.warm() and ("unit_text", COMMON[0]) in view._warm, "and went on from there"


def test_warming_reads_the_units_laws_first_so_no_search_among_the_units_reads_them(
    two_segments: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = IndexView(open_view(two_segments).searcher)
    assert not view.warm(stop=lambda: True), "a search waiting at once stops it before anything is read"
    assert view.warm()
    read: list[str] = []
    original = ranking_module._column
    monkeypatch.setattr(ranking_module, "_column", lambda reader, name, *rest: read.append(name) or original(reader, name, *rest))
    laws, places = view.unit_laws()
    assert not read and len(laws) and (places[sorted(view.units)] >= 0).all()
