"""The answer card through a real `fazhi serve` on 127.0.0.1: the demo's sample archive and our fictional sample library.

The demo's case of 2021-12-31 and its interpretation of 2022-01-05 cite the river law's
article on dumping rubbish; the card of a question about it lists them under that article.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fazhi.law.names import law_slug
from tests.api.conftest import api, law_library_server
from tests.fixtures.served import Server
from tests.fixtures.site import REPO

RIVERS = "示例市河湖保洁条例"
SAMPLE_CONTENT = REPO / "docs"  # the demo's sample archive


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with law_library_server(tmp_path_factory.mktemp("answers-api"), SAMPLE_CONTENT) as server:
        yield server


def test_a_question_gets_the_answering_articles_with_the_archives_articles_citing_them(demo_server: Server) -> None:
    body = api(demo_server, q="往河道里倾倒垃圾会被罚款多少")
    slug = law_slug(RIVERS)
    # the law's relevance lifts the fine and the rule it punishes alike (Ranking.law_prior): both, the fine first
    assert [answer["anchor"] for answer in body["answers"]] == ["a12", "a7"], "the fine, then the rule it punishes"
    fine = body["answers"][0]
    assert {key: value for key, value in fine.items() if key not in ("text", "citing")} == {
        "law": RIVERS, "law_url": f"/laws/{slug}/", "label": "第十二条", "anchor": "a12", "url": f"/laws/{slug}/#a12",
        "version": "2021-09-15", "repealed": False,
    }
    assert fine["text"].startswith("违反本条例第七条规定，向河道、湖泊、水库倾倒垃圾、渣土的")
    # the case of 2021-12-31 names the revision (《…（2021年修订）》第十二条), as its page links it; newest first
    assert fine["citing"] == [
        {"title": "一图读懂修订后的《示例市河湖保洁条例》", "url": "interpretations/2022/river-lake-cleaning-revision/",
         "date": "2022-01-05"},
        {"title": "以案释法：乙公司向河道倾倒渣土被处罚", "url": "cases/2021/riverbank-dumping-fine/", "date": "2021-12-31"},
    ]
    assert body["hits"], "the hit list is as before, below the card"


def test_no_card_for_a_question_nothing_answers_with_confidence(demo_server: Server) -> None:
    for q in ("夫妻共同债务", "条例", f"{RIVERS}第十二条"):
        body = api(demo_server, q=q)
        assert body["answers"] == [], q
    assert api(demo_server, q=f"{RIVERS}第十二条")["law"]["article"]["anchor"] == "a12", "a named article stays in the law block"
