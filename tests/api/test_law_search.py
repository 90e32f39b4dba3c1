"""The search API with a law library, through a real `fazhi serve` (worker processes) on 127.0.0.1.

The index holds the shared small archive and our fictional sample library; the
server is told the library with --law-library, as fazhi.yml's ``law_library`` would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fazhi.law.names import law_slug
from tests.api.conftest import api, law_library_server
from tests.fixtures.served import Server

RIVERS = "示例市河湖保洁条例"


@pytest.fixture(scope="module")
def law_server(search_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with law_library_server(tmp_path_factory.mktemp("law-api"), search_content) as server:
        yield server


@pytest.mark.parametrize("number", ["第8条之一", "第八条之一"])
def test_a_named_article_comes_back_in_the_law_block_and_as_the_first_law_hit(law_server: Server, number: str) -> None:
    body = api(law_server, q=f"{RIVERS}{number}")
    slug = law_slug(RIVERS)
    assert body["law"] == {
        "name": RIVERS, "url": f"/laws/{slug}/", "articles": 0,
        "article": {"label": "第八条之一", "anchor": "a8-1", "url": f"/laws/{slug}/#a8-1",
                    "text": "在河湖岸线开展垂钓、露营等休闲活动的，应当自行带走产生的垃圾。", "repeal": None},
    }
    first = body["hits"][0]
    assert (first["kind"], first["url"], first["level"], first["level_name"]) == ("laws", f"laws/{slug}/#a8-1", "local", "地方性法规")
    assert "垂钓、露营" in first["snippet"]
    assert body["facets"]["kind"]["laws"] >= 1


def test_kind_parameter_and_facet(law_server: Server) -> None:
    both = api(law_server, q="执法 垃圾")
    assert set(both["facets"]) == {"kind", "in", "column", "year"}
    counts = both["facets"]["kind"]
    assert counts["articles"] > 0 and counts["laws"] > 0
    for kind, count in counts.items():
        only = api(law_server, q="执法 垃圾", kind=kind, per_page="100")
        assert only["total"] == count and {hit["kind"] for hit in only["hits"]} == {kind}
    bad = law_server.get("api/search", params={"q": "执法", "kind": "statutes"})
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["message"]


def test_an_unknown_article_or_law_leaves_the_block_as_it_was(law_server: Server) -> None:
    assert "article" not in (api(law_server, q=f"{RIVERS}第九十九条")["law"] or {})
    solid = api(law_server, q="固废法第二十五条")
    assert set(solid["law"]) == {"name", "url", "articles"}, "a law of the citation table but not of the library: no article"


def test_a_repealed_laws_article_says_so(law_server: Server) -> None:
    body = api(law_server, q="示例市城市绿化暂行规定第3条")
    article = body["law"]["article"]
    assert article["label"] == "第三条" and article["text"].startswith("任何单位和个人不得擅自占用城市绿地")
    assert article["repeal"] == {"date": "2019-05-01", "by": "示例市绿道管理办法"}
    first = body["hits"][0]
    assert first["kind"] == "laws" and first["url"].endswith("#a3") and first["title"] == "示例市城市绿化暂行规定"
