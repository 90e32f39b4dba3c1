"""The law library's texts in the index: one document of kind ``laws`` per law, kept in step with the library.

Real Whoosh indexes of the sample archive plus a copy of our fictional sample
library (fazhi_app/sample_laws), edited between runs the way staff edit a library.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import Schema

from fazhi.article import Article
from fazhi.errors import ConfigError, SearchQueryError
from fazhi.law.library import load_library
from search.indexer import current_generation, rebuild_index, sync_articles, update_index
from search.law_documents import law_document_id, law_documents, library_documents, provision_units
from search.schema import build_schema, document
from search.verify import verify_index
from tests.fixtures.search import OLD_GREENING, RIVERS, RIVERS_FILE, ask, sample_articles, write_tree

GREENWAYS_FILE = "地方政府规章/示例市绿道管理办法.md"
PROVINCE_FOLDER = "地方性法规/示例省生态环境保护条例"
NEW_LAW = """# 示例县古树名木保护办法

2023年6月1日 示例县人民政府令第5号公布

<!-- INFO END -->

第一条 为了保护古树名木，制定本办法。

第二条 任何单位和个人不得擅自砍伐、移植古树名木。

第三条 本办法自2023年7月1日起施行。
"""




def stored_laws(index: Path) -> dict[str, dict[str, object]]:
    """Document id -> stored fields (and fingerprint) of every law document in the live generation."""
    generation = current_generation(index)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            prints = searcher.reader().column_reader("fingerprint")
            out = {}
            for docnum in searcher.reader().all_doc_ids():
                fields = searcher.stored_fields(docnum)
                if fields.get("kind") == "laws":
                    out[fields["slug"]] = {**fields, "fingerprint": prints[docnum]}
            return out
    finally:
        ix.close()


def kinds(index: Path) -> dict[str, int]:
    generation = current_generation(index)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            counts: dict[str, int] = {}
            for fields in searcher.all_stored_fields():
                counts[fields["kind"]] = counts.get(fields["kind"], 0) + 1
            return counts
    finally:
        ix.close()



def test_each_law_is_one_document_of_kind_laws_with_its_level_text_url_and_date(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    stats = update_index(content, index, law_library=library)
    laws = load_library(library).laws
    docs = stored_laws(index)
    units = sum(len(law.current().articles) for law in laws.values())
    assert stats.documents == len(sample_articles()) + len(laws) + units == 27 + 7 + 48
    assert kinds(index) == {"articles": 27, "laws": 7, "provisions": 48}, "and a unit per article (tests/search/test_provisions.py)"
    assert set(docs) == {law_document_id(name) for name in laws}
    for slug, doc in docs.items():
        assert slug.startswith("laws/") and slug.endswith("/") and doc["url"] == slug, "the id is the page URL, never an article slug"
    rivers = docs[law_document_id(RIVERS)]
    assert (rivers["title"], rivers["level"], rivers["date_text"]) == (RIVERS, "local", "2021-09-15")
    assert "第八条之一 在河湖岸线开展垂钓、露营等休闲活动的" in str(rivers["body"]), "the version in force today, articles as text"
    assert "第一章 总则\n第一条" in str(rivers["body"]), "headings stay in the text"
    province = docs[law_document_id("示例省生态环境保护条例")]
    assert "第一条 为了保护和改善本省生态环境" in str(province["body"]) and "第九条 本条例自2021年3月1日起施行" in str(province["body"]), (
        "a law over two files is one document")
    assert docs[law_document_id("示例市绿道管理办法")]["level"] == "rules"
    repealed = str(docs[law_document_id(OLD_GREENING)]["body"])
    assert repealed.startswith("（已废止：2019年5月1日起由《示例市绿道管理办法》废止）"), repealed[:60]
    assert verify_index(content, index, library).ok


def test_kind_filters_and_the_kind_facet_counts_both_kinds(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    both = ask(index, library, "垃圾 执法")
    facet = both["facets"]["kind"]
    assert set(facet) == {"articles", "laws"} and facet["articles"] + facet["laws"] == both["total"]
    for kind in ("articles", "laws"):
        only = ask(index, library, "垃圾 执法", kind=kind, per_page="100")
        assert only["total"] == facet[kind]
        assert {hit["kind"] for hit in only["hits"]} == {kind}
        assert only["facets"]["kind"] == facet, "the kind facet still counts the other kind while one is chosen"
    laws = ask(index, library, "", kind="laws")
    assert laws["total"] == 7, "a kind alone lists its documents"
    assert {hit["level_name"] for hit in laws["hits"]} == {"地方性法规", "规章"}
    assert all(hit["column"] == "" and hit["url"].startswith("laws/") for hit in laws["hits"])
    assert ask(index, library, "垃圾", column="cases")["facets"]["kind"].get("laws") is None, "a law has no column"
    with pytest.raises(SearchQueryError, match="unknown kind 'statutes'"):
        ask(index, library, "垃圾", kind="statutes")


@pytest.mark.parametrize("q", [f"{RIVERS}第6条", f"{RIVERS}第六条", f"《{RIVERS}》第６条 保洁", f"{RIVERS} 第六条 怎么规定"])
def test_a_query_naming_an_article_gets_its_text_and_its_law_first(content: Path, library: Path, tmp_path: Path, q: str) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    answer = ask(index, library, q)
    slug = law_document_id(RIVERS)
    text = "保洁责任人应当每日巡查责任区，及时清除水面漂浮物和岸线垃圾。\n遇汛期、重大节假日，保洁责任人应当增加巡查次数。"
    assert answer["law"]["name"] == RIVERS
    assert answer["law"]["url"] == f"/{slug}"
    assert answer["law"]["article"] == {"label": "第六条", "anchor": "a6", "url": f"/{slug}#a6", "text": text, "repeal": None}, (
        "the 2021 version's 第六条, not the 2016 one's")
    first_law = next(hit for hit in answer["hits"] if hit["kind"] == "laws")
    assert first_law is answer["hits"][0]
    assert first_law["url"] == f"{slug}#a6"
    assert "保洁责任人应当每日巡查责任区" in first_law["snippet"].replace("<mark>", "").replace("</mark>", "")
    assert "第六条" in first_law["snippet"]


def test_an_inserted_article_and_an_unknown_number(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    inserted = ask(index, library, f"{RIVERS}第8条之一")
    assert inserted["law"]["article"]["anchor"] == "a8-1"
    assert inserted["hits"][0]["url"].endswith("#a8-1")
    unknown = ask(index, library, f"{RIVERS}第99条")
    assert unknown["law"] is None or "article" not in unknown["law"], "no article text for a number the law does not have"
    assert all("#" not in hit["url"] for hit in unknown["hits"])
    unknown_law = ask(index, library, "示例市不存在条例第3条")
    assert unknown_law["law"] is None


def test_without_a_library_nothing_changes(content: Path, library: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    stats = update_index(content, plain)
    assert kinds(plain) == {"articles": 27} and stats.documents == 27
    assert verify_index(content, plain).ok
    answer = ask(plain, None, f"{RIVERS}第6条")
    assert answer["law"] is None and answer["facets"]["kind"] == {"articles": answer["total"]}
    solid = ask(plain, None, "固体废物污染环境防治法第二十五条")
    assert set(solid["law"]) == {"name", "url", "articles"}, "the law block as it was, with no article"
    # the library given to the search but not indexed: the article text still comes, no law hit is invented
    answer = ask(plain, library, f"{RIVERS}第6条")
    assert answer["law"]["article"]["anchor"] == "a6" and all(hit["kind"] == "articles" for hit in answer["hits"])


def test_library_edits_update_exactly_the_laws_they_touch(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    before = stored_laws(index)

    # 1. a word of one law changes: that document alone is written again
    path = library / RIVERS_FILE
    path.write_text(path.read_text("utf-8").replace("及时清除水面漂浮物", "及时打捞水面漂浮物"), "utf-8")
    stats = update_index(content, index, law_library=library)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (0, 2, 0, 80), "the law and its one article's unit"
    after = stored_laws(index)
    changed = {slug for slug in before if before[slug]["fingerprint"] != after[slug]["fingerprint"]}
    assert changed == {law_document_id(RIVERS)}
    assert ask(index, library, f"{RIVERS}第6条")["law"]["article"]["text"].startswith("保洁责任人应当每日巡查责任区，及时打捞水面漂浮物")

    # 2. a new law: added; 3. a law removed from the library: its document leaves the index
    (library / "地方政府规章" / "示例县古树名木保护办法(2023-06-01).md").write_text(NEW_LAW, "utf-8")
    province_units = len(load_library(library).laws["示例省生态环境保护条例"].current().articles)
    shutil.rmtree(library / PROVINCE_FOLDER)
    stats = update_index(content, index, law_library=library)
    assert (stats.added, stats.updated, stats.removed) == (1 + 3, 0, 1 + province_units), "laws with their article units"
    expected = set(before) - {law_document_id("示例省生态环境保护条例")} | {law_document_id("示例县古树名木保护办法")}
    assert set(stored_laws(index)) == expected
    assert ask(index, library, "示例县古树名木保护办法第2条")["hits"][0]["url"] == law_document_id("示例县古树名木保护办法") + "#a2"
    assert ask(index, library, "示例省生态环境保护条例第7条")["law"] is None

    # 4. nothing edited: nothing written; 5. the library unset: every law leaves, the articles stay
    units = len(provision_units(load_library(library)))
    assert update_index(content, index, law_library=library).unchanged == 34 + units
    stats = update_index(content, index)
    assert (stats.removed, stats.unchanged, kinds(index)) == (7 + units, 27, {"articles": 27})
    assert verify_index(content, index).ok

    # 6. set again, and a rebuild writes the same documents the updates did
    update_index(content, index, law_library=library)
    updated = {slug: doc["fingerprint"] for slug, doc in stored_laws(index).items()}
    rebuild_index(content, index, law_library=library)
    assert {slug: doc["fingerprint"] for slug, doc in stored_laws(index).items()} == updated
    assert verify_index(content, index, library).ok


def test_the_document_follows_the_version_in_force(content: Path, library: Path, tmp_path: Path) -> None:
    """Between the 2016 and the 2021 text of a law, only which day it is changes: that law's document follows."""
    index = tmp_path / "index"
    articles = sample_articles()
    loaded = load_library(library)
    sync_articles(articles, index, laws=law_documents(loaded, dt.date(2020, 1, 1)))
    old = stored_laws(index)[law_document_id(RIVERS)]
    assert old["date_text"] == "2016-03-10" and "第六条 任何单位和个人不得向河道、湖泊倾倒垃圾" in str(old["body"])
    stats = sync_articles(articles, index, laws=law_documents(loaded, dt.date(2022, 1, 1)))
    assert (stats.updated, stats.added, stats.removed) == (1, 0, 0)
    assert stored_laws(index)[law_document_id(RIVERS)]["date_text"] == "2021-09-15"


def test_verify_names_missing_stale_and_ghost_law_documents(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    greenways = law_document_id("示例市绿道管理办法")
    sync_articles(sample_articles(), index, laws=[doc for doc in library_documents(library) if doc.slug != greenways])
    (library / RIVERS_FILE).write_text((library / RIVERS_FILE).read_text("utf-8") + "\n第十六条 新增的条文。\n", "utf-8")
    shutil.rmtree(library / PROVINCE_FOLDER)
    found = verify_index(content, index, library)
    lines = sorted(str(d) for d in found.differences if " unit " not in str(d))  # units: tests/search/test_provisions.py
    assert len(lines) == 3, lines
    assert any(line.startswith(str(library / GREENWAYS_FILE)) and "is not in the index" in line for line in lines)
    assert any(line.startswith(str(library / RIVERS_FILE)) and "the law is now at" in line for line in lines)
    assert any(line.startswith(law_document_id("示例省生态环境保护条例")) and "ghost: law document" in line for line in lines)
    assert "the content tree and the law library" in found.summary
    update_index(content, index, law_library=library)
    assert verify_index(content, index, library).ok


def test_an_empty_library_is_refused_naming_it(content: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigError, match="no law text in the law library"):
        update_index(content, tmp_path / "index", law_library=empty)
    assert current_generation(tmp_path / "index") is None


def test_segments_holding_only_laws_leave_filters_and_facets_right(content: Path, library: Path, tmp_path: Path) -> None:
    """An update that writes only laws makes a segment with no column or source values; what follows it still filters right."""
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    path = library / RIVERS_FILE
    for n in range(3):  # successive edits of one law, then a new article after them
        path.write_text(path.read_text("utf-8") + f"\n第{16 + n}条 补充的第{n + 1}条规定。\n", "utf-8")
        assert update_index(content, index, law_library=library).updated == 1
    write_tree(content, [Article(title="河湖垃圾整治典型案例", date=dt.datetime(2024, 4, 1), column="cases", slug="hehu-anli",
                                 source="执法局", body="执法人员在河湖巡查中发现倾倒垃圾，依法处罚。")])
    assert update_index(content, index, law_library=library).added == 1
    rebuilt = tmp_path / "rebuilt"
    rebuild_index(content, rebuilt, law_library=library)
    for params in ({"q": "垃圾"}, {"q": "执法", "column": "cases"}, {"q": "", "source": "执法局"}, {"q": "垃圾", "kind": "articles"}):
        incremental, fresh = ask(index, library, **params), ask(rebuilt, library, **params)
        assert incremental["facets"] == fresh["facets"], params
        assert sorted(h["url"] for h in incremental["hits"]) == sorted(h["url"] for h in fresh["hits"]), params
    assert verify_index(content, index, library).ok


def test_a_law_without_any_date_is_indexed_and_verified(content: Path, library: Path, tmp_path: Path) -> None:
    """A text with no date in its name or history (a law's only known version) has no date in the index either."""
    (library / "地方政府规章" / "示例县禁渔办法.md").write_text(
        "# 示例县禁渔办法\n\n<!-- INFO END -->\n\n第一条 每年三月至六月为禁渔期。\n\n第二条 禁渔期内禁止在县内河流捕捞。\n", "utf-8")
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    doc = stored_laws(index)[law_document_id("示例县禁渔办法")]
    assert doc["date_text"] == "" and "date" not in doc
    assert verify_index(content, index, library).ok
    listed = ask(index, library, "", kind="laws", sort="date", per_page="10")
    assert listed["hits"][-1]["title"] == "示例县禁渔办法" and listed["hits"][-1]["date"] == "", "undated: last, newest first"
    assert "2147483647" not in listed["facets"]["year"] and sum(listed["facets"]["year"].values()) == 7, "an undated law counts in no year"
    assert ask(index, library, "示例县禁渔办法第2条")["law"]["article"]["text"] == "禁渔期内禁止在县内河流捕捞。"
    shutil.rmtree(content / "cases")
    ghosts = [str(d) for d in verify_index(content, index, library).differences]
    assert ghosts and all(line.startswith("cases/") and "ghost: document" in line for line in ghosts), ghosts[:3]


def test_an_index_of_the_previous_schema_still_answers_until_it_is_rebuilt(tmp_path: Path) -> None:
    """A release indexed before documents had a kind is served until the nightly job rebuilds it: searches still work."""
    full = build_schema()
    generation = tmp_path / "index" / "gen-1"
    generation.mkdir(parents=True)
    ix = whoosh_index.create_in(str(generation), Schema(**{name: full[name] for name in full.names() if name not in ("kind", "level")}))
    writer = ix.writer()
    for article in sample_articles():
        writer.add_document(**{k: v for k, v in document(article).items() if k != "kind"})
    writer.commit()
    ix.close()
    (generation / "fazhi-index.json").write_text('{"schema": "s4"}', "utf-8")
    (tmp_path / "index" / "CURRENT").write_text("gen-1\n", "utf-8")
    answer = ask(tmp_path / "index", None, "执法")
    assert answer["total"] == 21 and answer["facets"]["kind"] == {} and answer["facets"]["column"] == {"summaries": 7, "cases": 14}
    assert ask(tmp_path / "index", None, "执法", kind="laws")["total"] == 0
