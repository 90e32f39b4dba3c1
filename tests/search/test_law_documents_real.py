"""Law documents of the real LawRefBook library (../shared; skipped without it): ids, texts, repeals, named articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fazhi.law.library import Library, load_library
from fazhi.law.numerals import ArticleNo
from search.indexer import sync_articles
from search.law_documents import law_document_id, law_documents
from search.query import SearchRequest, search
from search.verify import verify_articles

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def real_library(shared_dir: Path) -> Path:
    return shared_dir / "corpora" / "lawrefbook" / "data"


@pytest.fixture(scope="module")
def loaded(real_library: Path) -> Library:
    return load_library(real_library)


@pytest.fixture(scope="module")
def real_index(loaded: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of a few real laws (the code among them), verified."""
    picked = [doc for doc in law_documents(loaded) if doc.law.name in ("环境保护法", "民法典", "大气污染防治法", "固体废物污染环境防治法")]
    index = tmp_path_factory.mktemp("real-laws") / "index"
    sync_articles([], index, laws=picked)
    assert verify_articles([], index, picked).ok
    return index


def test_every_law_of_the_real_library_is_one_document_with_its_own_id(loaded: Library) -> None:
    docs = law_documents(loaded, TODAY)
    assert len(docs) == len(loaded.laws) > 3000
    assert len({doc.slug for doc in docs}) == len(docs), "no two laws share an id"
    code = next(doc for doc in docs if doc.law.name == "民法典")
    assert code.level == "law" and "第一千二百六十条 本法自2021年1月1日起施行" in code.text, "a code over several files is one text"
    assert code.text.count("第一千二百五十九条 ") == 1
    repealed = [doc for doc in docs if doc.law.repeal is not None and doc.law.repealed_on(TODAY)]
    assert repealed, "the library states repeals"
    for doc in repealed:
        assert doc.text.startswith("（已废止：") and f"《{doc.law.repeal.by}》废止）" in doc.text.split("\n", 1)[0]  # type: ignore[union-attr]


@pytest.mark.parametrize(("q", "law", "number"), [
    ("环境保护法第二十五条", "环境保护法", 25), ("环境保护法第25条", "环境保护法", 25),
    ("《中华人民共和国环境保护法》第25条", "环境保护法", 25),
    ("民法典第1260条", "民法典", 1260), ("民法典第一千零六十四条 夫妻共同债务", "民法典", 1064),
])
def test_a_real_article_named_in_a_query(loaded: Library, real_library: Path, real_index: Path, q: str, law: str, number: int) -> None:
    answer = search(real_index, SearchRequest(q=q), library=real_library, budget=60)
    no = ArticleNo(number)
    assert answer.law is not None and answer.law.name == law
    assert answer.law.article is not None and answer.law.article.anchor == no.anchor and answer.law.article.label == no.label
    assert answer.law.article.text == loaded.laws[law].current().article(no).text  # type: ignore[union-attr]
    first = answer.hits[0]
    assert first.kind == "laws" and first.url == f"{law_document_id(law)}#{no.anchor}"
