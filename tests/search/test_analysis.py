"""The Chinese analysis: pinned tokens for fixed sentences, positions that keep phrases working."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema

from search.analysis import (
    analysis_version,
    bigram_analyzer,
    dictionary_terms,
    normalize,
    query_bigrams,
    query_words,
    segment,
    unfolded_pattern,
    word_analyzer,
)
from search.highlight import Highlighter


def tokens(text: str, mode: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in word_analyzer()(text, positions=True, mode=mode)]


def test_question_words_and_punctuation_are_dropped_from_queries() -> None:
    assert query_words("夫妻一方欠的债谁来还？") == [["夫妻"], ["一方"], ["欠"], ["债"], ["来"], ["还"]]


def test_index_positions_are_word_ordinals_with_sub_words_sharing_a_position() -> None:
    assert tokens("固体废物处置", "index") == [("固体废物", 0), ("固体", 0), ("废物", 0), ("处置", 1)]
    assert tokens("固体废物处置", "query") == [("固体废物", 0), ("处置", 1)]


def test_stop_words_leave_positions_sequential() -> None:
    assert tokens("土壤的污染", "index") == [("土壤", 0), ("污染", 1)]
    assert tokens("土壤的污染", "query") == [("土壤", 0), ("污染", 1)]


def test_short_forms_expand_at_the_same_position_in_queries_only() -> None:
    assert query_words("固废法 处罚") == [["固废法", "固体废物污染环境防治法"], ["处罚"]]
    assert tokens("固废法", "index") == [("固废法", 0)]


def test_user_dictionary_keeps_legal_terms_and_law_names_whole() -> None:
    assert "个体工商户" in dictionary_terms()
    assert segment("个体工商户的债务")[0][0] == "个体工商户"
    assert [w for w, _, _ in segment("中华人民共和国土壤污染防治法")] == ["中华人民共和国", "土壤污染防治法"]


def test_full_width_forms_fold_without_moving_offsets() -> None:
    text = "ＰＭ２．５浓度"
    found = [(t.text, t.startchar, t.endchar) for t in word_analyzer()(text, chars=True, mode="index")]
    assert found[0] == ("pm2.5", 0, 5)
    assert text[found[-1][1]:found[-1][2]] == "浓度"


def test_bigrams_cover_unknown_words_and_stop_at_punctuation() -> None:
    assert query_bigrams("赣服通，好") == ["赣服", "服通", "好"]
    positions = [(t.text, t.pos) for t in bigram_analyzer()("土壤，污染 abc", positions=True)]
    assert positions == [("土壤", 0), ("污染", 1), ("abc", 2)]


def test_analysis_version_names_the_dictionary_version() -> None:
    version = analysis_version()
    assert version.startswith("t") and "-d" in version


def test_phrase_query_matches_words_in_a_row_only(tmp_path: Path) -> None:
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=word_analyzer()))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with ix.writer() as writer:
        writer.add_document(id="row", body="全省固体废物处置能力提升")
        writer.add_document(id="apart", body="固体燃料燃烧后的废物，集中处置")
        writer.add_document(id="stop", body="固体废物的处置")
    with ix.searcher() as searcher:
        def found(words: list[str]) -> set[str]:
            return {hit["id"] for hit in searcher.search(wq.Phrase("body", words))}

        assert found(["固体废物", "处置"]) == {"row", "stop"}
        # A sub-word shares its word's position, so the phrase 废物 处置 still lines up.
        assert found(["废物", "处置"]) == {"row", "stop"}
        assert found(["集中", "废物"]) == set()


@pytest.mark.parametrize("text", [
    "中华人民共和国固体废物污染环境防治法第一条：为了保护和改善生态环境，防治固体废物污染环境。",
    "夫妻一方欠的债谁来还？ＰＭ２．５浓度<35 & 达标 abc def",
    "土壤的污染，和大气的污染；赣服通上线了了了",
])
def test_fast_index_paths_equal_the_token_stream(text: str) -> None:
    streamed: dict[str, list[int]] = {}
    for t in word_analyzer()(text, positions=True, mode="index"):
        streamed.setdefault(t.text, []).append(t.pos)
    assert word_analyzer().index_positions(text) == streamed  # type: ignore[attr-defined]
    assert bigram_analyzer().index_counts(text) == Counter(t.text for t in bigram_analyzer()(text, mode="index"))  # type: ignore[attr-defined]


def test_a_term_matches_unfolded_text_where_it_matches_the_normalised_text() -> None:
    """Snippets search a whole law's stored text as it is: the pattern finds what the term finds once the text is
    folded, at the same offsets, for every character ``normalize`` folds and its case."""
    text = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000" + "".join(chr(c) for c in range(0x20, 0x7F)) + "ｋKK法律"
    folded = normalize(text)
    terms = ["a", "k", "z1", "!", "~", "{|}", " ", "法律", "ｋ", "Ａ法", "\u3000"]
    for term in terms:
        pattern = unfolded_pattern(term.lower())
        wanted = [m.span() for m in re.finditer(re.escape(term.lower()), folded, re.IGNORECASE)]
        found = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)] if pattern is not None else []
        assert found == wanted, term
    assert unfolded_pattern("ｋ") is None and unfolded_pattern("a") == "[aａ]"


def test_highlighting_marks_full_width_text_as_its_ascii_form() -> None:
    highlighter = Highlighter(["abc", "劳动合同", "1０"])
    assert highlighter.mark("ＡＢＣ与abc及劳动合同第１０条") == "<mark>ＡＢＣ</mark>与<mark>abc</mark>及<mark>劳动合同</mark>第１０条"
    assert highlighter.count("ＡＢＣ abc Abc") == 1
    snippet = highlighter.snippet("前文" * 100 + "ＡＢＣ劳动合同" + "后文" * 100)
    assert "<mark>ＡＢＣ劳动合同</mark>" in snippet and snippet.startswith("…") and snippet.endswith("…")
