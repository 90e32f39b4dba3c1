"""Thirty everyday questions of our own, held out of all tuning: each with the laws and articles that answer it.

``everyday_questions.jsonl`` (one object a line: topic, question, answers [{law, article}]) is what
bench/everyday_questions.py searches through ``kind=laws`` on the LawRefBook library. The questions are
written as people ask (no law names, no legal terms where a person would not use them); the articles are
checked here against the real library's text (../shared; skipped without it).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from fazhi.law.library import Library, load_library
from fazhi.law.names import law_table
from fazhi.law.numerals import ArticleNo

QUESTIONS = Path(__file__).with_name("everyday_questions.jsonl")
TOPICS = ("environment", "labour", "consumer", "family", "traffic", "neighbours")


def everyday_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text("utf-8").splitlines() if line.strip()]


def test_thirty_questions_across_six_topics_asked_without_law_names() -> None:
    questions = everyday_questions()
    assert len(questions) == 30 and len({q["question"] for q in questions}) == 30
    assert Counter(q["topic"] for q in questions) == dict.fromkeys(TOPICS, 5)
    table = law_table()
    for q in questions:
        assert q["answers"] and all(set(a) == {"law", "article"} and a["article"] > 0 for a in q["answers"]), q
        named = {a["law"] for a in q["answers"]} | {table.canonical(a["law"]) for a in q["answers"]}
        assert not any(name in q["question"] for name in named), f"a held-out question names its law: {q['question']}"
        assert "《" not in q["question"] and "条例" not in q["question"], q["question"]


@pytest.fixture(scope="module")
def library(shared_dir: Path) -> Library:
    return load_library(shared_dir / "corpora" / "lawrefbook" / "data")


def test_every_answer_is_an_article_of_the_real_library_in_force(library: Library) -> None:
    for q in everyday_questions():
        for answer in q["answers"]:
            law = library.laws.get(answer["law"])
            assert law is not None and law.repeal is None, answer
            assert law.current().article(ArticleNo(answer["article"])) is not None, answer
