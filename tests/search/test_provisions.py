"""Statute articles as search units of kind ``provisions``: one per article of every law's version in force.

Real Whoosh indexes of the sample archive plus a copy of our fictional sample
library (fazhi_app/sample_laws), edited between runs the way staff edit a library.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index
from whoosh.fields import TEXT

from fazhi.law import library as law_library
from fazhi.law.library import load_library
from fazhi.law.numerals import ArticleNo
from fazhi_app.cli import main
from search import analysis
from search.answers import ranked_units
from search.deadline import Deadline
from search.indexer import current_generation, sync_articles, update_index
from search.law_documents import law_document_id, law_documents, library_documents, provision_units, unit_fields, unit_id
from search.query import SearchRequest, parse_query, search
from search.ranking import DEFAULT_RANKING, UNIT_RANKING, Ranking
from search.schema import build_schema
from search.searchers import open_view
from search.verify import verify_index
from tests.fixtures.search import OLD_GREENING, RIVERS, RIVERS_FILE, ask, sample_articles

GREENWAYS = "示例市绿道管理办法"
PROVINCE = "示例省生态环境保护条例"




def stored_units(index: Path) -> dict[str, dict[str, object]]:
    """Unit id -> stored fields of every unit in the live generation."""
    generation = current_generation(index)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            return {f["slug"]: f for f in searcher.all_stored_fields() if f.get("kind") == "provisions"}
    finally:
        ix.close()



def test_every_article_in_force_is_a_unit_with_its_law_heading_label_text_level_and_anchor(
    content: Path, library: Path, tmp_path: Path,
) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    loaded = load_library(library)
    units = stored_units(index)
    expected = {unit_id(name, article.no) for name, law in loaded.laws.items() for article in law.current().articles}
    assert set(units) == expected and len(units) == 48
    rivers = units[f"{law_document_id(RIVERS)}#a8-1"]
    assert rivers["url"] == rivers["slug"] and rivers["level"] == "local"
    unit = rivers["unit"]
    assert (unit["law"], unit["label"], unit["anchor"], unit["version"]) == (RIVERS, "第八条之一", "a8-1", "2021-09-15")
    assert unit["text"].startswith("在河湖岸线开展垂钓、露营等休闲活动的"), "the version in force today"
    assert unit["heading"] == "第二章 保洁责任" and unit["repealed"] is False
    province = units[unit_id(PROVINCE, ArticleNo(9))]
    assert province["unit"]["text"].startswith("本条例自2021年3月1日起施行"), "a law over two files has every article"
    repealed = [u for u in units.values() if u["unit"]["law"] == OLD_GREENING]
    assert len(repealed) == 5 and all(u["unit"]["repealed"] for u in repealed), "a repealed law's last version, marked"
    assert not set(units) & {law_document_id(name) for name in loaded.laws}, "unit ids never collide with laws' or articles'"
    assert verify_index(content, index, library).ok


def test_kind_provisions_returns_units_and_a_search_without_kind_is_as_without_units(content: Path, library: Path, tmp_path: Path) -> None:
    index, bare = tmp_path / "index", tmp_path / "bare"
    update_index(content, index, law_library=library)
    sync_articles(sample_articles(), bare, laws=law_documents(load_library(library)))
    asked = (("垃圾 执法", {}), ("垂钓 垃圾", {}), ("", {"kind": "laws"}), ("保洁", {"column": "cases"}))
    for q, params in asked:
        with_units, without = ask(index, library, q, per_page="100", **params), ask(bare, library, q, per_page="100", **params)
        for answer in (with_units, without):
            del answer["took_ms"], answer["answers"]  # units feed the answer card (tests/search/test_answers.py)
        assert with_units == without, f"{q!r} {params}: units change nothing else unless asked for"
    # kind=laws adds a law's best article to its score (Ranking.best_unit): the same laws match, counted the same
    with_units, without = (ask(where, library, "占用 绿地", kind="laws", per_page="100") for where in (index, bare))
    assert (with_units["total"], with_units["facets"]) == (without["total"], without["facets"])
    assert {hit["url"] for hit in with_units["hits"]} == {hit["url"] for hit in without["hits"]}
    found = ask(index, library, "垂钓 垃圾", kind="provisions")
    first = found["hits"][0]
    assert (first["kind"], first["url"], first["title"], first["level_name"]) == (
        "provisions", f"{law_document_id(RIVERS)}#a8-1", f"{RIVERS} 第八条之一", "地方性法规")
    assert "<mark>垂钓</mark>" in first["snippet"] and found["facets"]["kind"] == {"provisions": found["total"]}
    named = ask(index, library, f"{RIVERS}第6条", kind="provisions")
    assert named["hits"][0]["url"] == f"{law_document_id(RIVERS)}#a6", "the article a query names first"
    assert ask(index, library, "", kind="provisions", per_page="100")["total"] == 48
    phrase = ask(index, library, '"自行带走"', kind="provisions")
    assert [hit["url"] for hit in phrase["hits"]] == [f"{law_document_id(RIVERS)}#a8-1"]


def test_a_repealed_laws_article_ranks_below_the_article_in_force_that_replaced_it(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    hits = ask(index, library, "擅自占用城市绿地 园林绿化部门 批准 限期恢复", kind="provisions")["hits"]
    laws = [hit["title"].split(" ")[0] for hit in hits]
    assert laws.index(GREENWAYS) < laws.index(OLD_GREENING), laws
    unrepealed = search(index, SearchRequest(q="擅自占用城市绿地 园林绿化部门 批准 限期恢复", kind="provisions"), library=library,
                        unit_ranking=Ranking(repealed_weight=1.0, levels=()))
    assert unrepealed.hits[0].title.startswith(OLD_GREENING), "the repealed article matches better on its words alone"


def test_known_questions_join_their_unit_and_its_fingerprint(library: Path, tmp_path: Path) -> None:
    loaded = load_library(library)
    asked = {(RIVERS, ArticleNo(8, 1)): ["钓鱼后的垃圾谁来清理"]}
    plain, with_questions = provision_units(loaded), provision_units(loaded, questions=asked)
    changed = [a.slug for a, b in zip(plain, with_questions, strict=True) if a.fingerprint != b.fingerprint]
    assert changed == [f"{law_document_id(RIVERS)}#a8-1"]
    index = tmp_path / "index"
    sync_articles([], index, laws=plain)
    assert ask(index, library, "钓鱼 清理", kind="provisions")["total"] == 0
    stats = sync_articles([], index, laws=with_questions)
    assert (stats.updated, stats.added, stats.unchanged) == (1, 0, len(plain) - 1)
    assert [hit["url"] for hit in ask(index, library, "钓鱼 清理", kind="provisions")["hits"]] == [f"{law_document_id(RIVERS)}#a8-1"]
    documents = library_documents(library, questions=asked)
    assert len(documents) == len(loaded.laws) + len(plain) and f"{law_document_id(RIVERS)}#a8-1" in {d.slug for d in documents}


def test_units_follow_the_library_incrementally_and_verify_names_missing_stale_and_ghost_units(
    content: Path, library: Path, tmp_path: Path,
) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    path = library / RIVERS_FILE
    path.write_text(path.read_text("utf-8").replace("应当自行带走产生的垃圾", "应当自行带走产生的垃圾和钓具"), "utf-8")
    stats = update_index(content, index, law_library=library)
    assert (stats.updated, stats.added, stats.removed) == (2, 0, 0), "the law's document and the one article's unit"
    assert ask(index, library, "钓具", kind="provisions")["hits"][0]["url"] == f"{law_document_id(RIVERS)}#a8-1"

    loaded = load_library(library)
    units = provision_units(loaded)
    lost, stale = unit_id(RIVERS, ArticleNo(6)), unit_id(PROVINCE, ArticleNo(2))
    kept = [u for u in units if u.slug != lost]
    sync_articles(sample_articles(), index, laws=[*law_documents(loaded), *kept])
    path.write_text(path.read_text("utf-8").replace("第十四条", "第十五条"), "utf-8")  # a13→ renumbered: a14 is a ghost, a15 new
    edited = (library / "地方性法规/示例省生态环境保护条例/总则编.md")
    edited.write_text(edited.read_text("utf-8").replace("第二条 ", "第二条 在本省行政区域内，", 1), "utf-8")
    found = verify_index(content, index, library)
    messages = "\n".join(f"{p.path}: {p.message}" for p in found.differences)
    assert f"unit '{RIVERS}' 第六条 ({lost}) is not in the index" in messages, messages
    assert f"unit '{PROVINCE}' 第二条 ({stale})" in messages and "the unit is now at" in messages, messages
    assert f"ghost: article unit '{unit_id(RIVERS, ArticleNo(14))}'" in messages, messages
    assert str(library / RIVERS_FILE) in messages, "a unit's difference names its law's file"
    assert "article units" in found.summary
    update_index(content, index, law_library=library)
    assert verify_index(content, index, library).ok


def test_the_cli_takes_kind_provisions(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    locations = ["--content", str(content), "--index", str(index), "--law-library", str(library), "--state", str(tmp_path / "state")]
    runner = CliRunner()
    built = runner.invoke(main, ["index", *locations])
    assert built.exit_code == 0, built.output
    out = json.loads(runner.invoke(main, ["search", "垂钓", "--kind", "provisions", "--json", *locations]).output)
    assert out["total"] == 1 and out["hits"][0]["kind"] == "provisions" and out["hits"][0]["url"].endswith("#a8-1")


# A fictional law written into the library copy: it names camping in many articles and waste, taking away and what is
# produced each once, in articles about other things. 示例市河湖保洁条例 第八条之一 alone answers the question.
OUTDOOR = "示例市户外休闲活动管理条例"
OUTDOOR_TEXT = """# 示例市户外休闲活动管理条例

2020年5月1日 示例市第十届人民代表大会常务委员会第十次会议通过

<!-- INFO END -->

第一条 为了规范露营、徒步等户外休闲活动，保障游客安全，制定本条例。

第二条 露营地由区文化旅游部门统一规划，露营地名录向社会公布。

第三条 露营地经营者应当设置垃圾收集设施。

第四条 露营活动的组织者应当为参加露营的人员购买保险。

第五条 游客可以带走露营地出售的纪念品和露营装备。

第六条 露营地产生的收费项目由经营者在露营地入口公示。

第七条 本条例自2020年6月1日起施行。
"""


def test_kind_laws_ranks_first_by_default_the_law_whose_one_article_answers(content: Path, library: Path, tmp_path: Path) -> None:
    (library / "地方性法规" / f"{OUTDOOR}(2020-05-01).md").write_text(OUTDOOR_TEXT, "utf-8")
    index = tmp_path / "index"
    locations = ["--content", str(content), "--index", str(index), "--law-library", str(library), "--state", str(tmp_path / "state")]
    runner = CliRunner()
    built = runner.invoke(main, ["index", *locations])
    assert built.exit_code == 0, built.output
    q = "露营产生的垃圾要自己带走吗"
    by_text = search(index, SearchRequest(q=q, kind="laws"), library=library, ranking=replace(DEFAULT_RANKING, best_unit=0.0)).hits
    assert [hit.title for hit in by_text[:2]] == [OUTDOOR, RIVERS], "by their own text the law that scatters the words ranks first"
    answered = runner.invoke(main, ["search", q, "--kind", "laws", "--json", *locations])
    assert answered.exit_code == 0, answered.output
    hits = json.loads(answered.output)["hits"]
    assert [hit["title"] for hit in hits[:2]] == [RIVERS, OUTDOOR], "the law whose 第八条之一 answers the question first"


def test_kind_laws_can_rank_a_law_by_its_best_article(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    q = "垂钓 露营 垃圾"
    plain = {hit.url: hit.score for hit in search(index, SearchRequest(q=q, kind="laws"), library=library,
                                                   ranking=Ranking(best_unit=0.0)).hits}
    combined = {hit.url: hit.score for hit in search(index, SearchRequest(q=q, kind="laws"), library=library,
                                                      ranking=Ranking(best_unit=0.5)).hits}
    best: dict[str, float] = {}
    own = replace(UNIT_RANKING, law_prior=0.0)  # a unit's own score: the law's relevance never feeds back into the law
    for hit in search(index, SearchRequest(q=q, kind="provisions", per_page=100), library=library, unit_ranking=own).hits:
        law = hit.url.split("#")[0]
        best[law] = max(best.get(law, 0.0), hit.score)
    assert set(combined) == set(plain) and best
    for url, value in plain.items():
        assert combined[url] == pytest.approx(value + 0.5 * best.get(url, 0.0), abs=2e-4), url
    assert search(index, SearchRequest(q=q), library=library, ranking=Ranking(best_unit=0.0)).hits == search(
        index, SearchRequest(q=q), library=library).hits, "only kind=laws: a search of every kind is as without best_unit"


def unit_postings(index: Path) -> tuple[dict[str, dict[str, dict[str, object]]], dict[str, dict[str, object]]]:
    """Per unit id: per indexed field, term -> positions (frequency for a field without them), as the index holds them;
    and per unit id its index fields as ``search.law_documents.unit_fields`` gave them (from the stored id)."""
    generation = current_generation(index)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.reader() as reader:
            slugs = reader.column_reader("slug")
            ids = {n: slugs[n] for n in reader.all_doc_ids()}
            found: dict[str, dict[str, dict[str, object]]] = {slug: {} for slug in ids.values()}
            for field, term in reader.all_terms():
                what = "positions" if reader.schema[field].format.supports("positions") else "frequency"
                key = term.decode("utf-8") if isinstance(reader.schema[field], TEXT) else term.hex()
                matcher = reader.postings(field, term)
                while matcher.is_active():
                    found[ids[matcher.id()]].setdefault(field, {})[key] = matcher.value_as(what)
                    matcher.next()
            return found, {ids[n]: {name: reader.column_reader(name)[n] for name in COLUMN_ONLY} for n in ids}
    finally:
        ix.close()


# Read as columns only (a length for BM25, a flag, a fingerprint, a parent's id): no query looks up their terms.
COLUMN_ONLY = ("fingerprint", "law_id", "repealed", "unit_title_len", "unit_text_len", "unit_questions_len", "year")


def test_a_units_terms_positions_and_columns_are_what_whooshs_token_stream_makes_of_its_fields(library: Path, tmp_path: Path) -> None:
    """The postings of every unit, written by the fast formats with the memo of short texts, equal the analyzers' own
    token streams over its fields; the fields read only as columns hold their values and no terms."""
    index = tmp_path / "index"
    asked = {(RIVERS, ArticleNo(8, 1)): ["钓鱼后的垃圾谁来清理"]}
    units = provision_units(load_library(library), questions=asked)
    sync_articles([], index, laws=units, procs=1)
    found, columns = unit_postings(index)
    schema = build_schema()
    for unit in units:
        fields = unit_fields(unit)
        expected: dict[str, dict[str, object]] = {}
        for name, value in fields.items():
            field = schema[name]
            if not field.indexed or name in COLUMN_ONLY:
                continue
            if isinstance(field, TEXT):
                positional = field.format.supports("positions")
                terms: dict[str, object] = {}
                for t in field.analyzer(value, positions=True, mode="index"):
                    if positional:
                        terms.setdefault(t.text, []).append(t.pos)  # type: ignore[union-attr]
                    else:
                        terms[t.text] = int(terms.get(t.text, 0)) + 1  # type: ignore[call-overload]
                expected[name] = terms
        texts = {name: terms for name, terms in found[unit.slug].items() if isinstance(schema[name], TEXT)}
        assert texts == expected, unit.slug
        assert not set(found[unit.slug]) & set(COLUMN_ONLY), f"{unit.slug}: a column-only field has terms"
        held = {name: fields[name] for name in COLUMN_ONLY if name in fields}
        assert held["law_id"] == law_document_id(unit.law.name) and held["fingerprint"] == unit.fingerprint
        assert {name: columns[unit.slug][name] for name in held} == held, unit.slug
    assert any("unit_questions" in terms for terms in found.values()), "the known question was indexed"


def test_a_title_repeated_by_a_laws_articles_is_analysed_once(library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    units = provision_units(load_library(library))
    titles = [str(unit_fields(unit)["unit_title"]) for unit in units]
    analysed: list[str] = []
    fold = analysis.normalize  # what both analyzers do first with a text
    for memo in (analysis._memo_positions, analysis._memo_counts):
        memo.cache_clear()  # titles another test indexed in this process
    monkeypatch.setattr(analysis, "normalize", lambda text: analysed.append(text) or fold(text))
    sync_articles([], tmp_path / "index", laws=units, procs=1)
    distinct = sorted(set(titles))
    assert len(distinct) < len(titles) / 2, "the sample's laws have several articles under one heading"
    assert sorted(text for text in analysed if text in distinct) == sorted(distinct * 2), "each title once per field: words, bigrams"


def test_a_laws_level_and_province_are_read_once_for_all_its_units(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each is judged from the law's title and files, the same for all its articles: once per law, not per article."""
    loaded = load_library(library)
    judged: list[str] = []
    province, level = law_library.law_jurisdiction, law_library.law_level
    monkeypatch.setattr(law_library, "law_jurisdiction", lambda *args: judged.append("jurisdiction") or province(*args))
    monkeypatch.setattr(law_library, "law_level", lambda *args: judged.append("level") or level(*args))
    units = provision_units(loaded)
    assert len(units) > len(loaded.laws)
    assert sorted(judged) == sorted(["jurisdiction", "level"] * len(loaded.laws))
    assert {(unit.law.name, unit.level, unit.jurisdiction) for unit in units} == {
        (name, law.level, law.jurisdiction) for name, law in loaded.laws.items()}


# Two fictional laws written into the library copy. The question is about keeping bees (养蜂), which the first law's
# title does not name but its articles do throughout; its article on harm done by bees does not say 养蜂. The second,
# about traffic accidents, has an article saying harm (损害) and compensation (赔偿) twice each.
BEES = "示例市山区特色产业促进条例"
BEES_TEXT = """# 示例市山区特色产业促进条例

2021年4月1日 示例市第十届人民代表大会常务委员会第二十次会议通过

<!-- INFO END -->

第一条 为了促进山区养蜂、茶叶等特色产业发展，制定本条例。

第二条 本市扶持养蜂业发展，养蜂人可以申请养蜂补贴。

第三条 养蜂人应当向所在地农业农村部门办理养蜂登记。

第四条 养蜂场所应当远离学校、医院，养蜂人应当设置警示标志。

第五条 蜂群转地放养的，养蜂人应当提前告知当地村民委员会。

第六条 蜂群造成他人损害的，由管理人赔偿。

第七条 本条例自2021年5月1日起施行。
"""
ACCIDENTS = "示例市道路交通事故处理条例"
ACCIDENTS_TEXT = """# 示例市道路交通事故处理条例

2019年3月1日 示例市第十届人民代表大会常务委员会第五次会议通过

<!-- INFO END -->

第一条 为了规范道路交通事故处理，制定本条例。

第二条 交通事故造成损害的，应当赔偿；赔偿数额由当事人协商。

第三条 本条例自2019年4月1日起施行。
"""


@pytest.fixture
def bees_and_accidents(content: Path, library: Path, tmp_path: Path) -> Path:
    """An index of the sample library with a law on beekeeping and an unrelated one on traffic accidents sharing its words."""
    (library / "地方性法规" / f"{BEES}(2021-04-01).md").write_text(BEES_TEXT, "utf-8")
    (library / "地方性法规" / f"{ACCIDENTS}(2019-03-01).md").write_text(ACCIDENTS_TEXT, "utf-8")
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    return index


def test_an_article_of_the_law_a_question_is_about_ranks_above_an_unrelated_law_sharing_its_words(
    bees_and_accidents: Path, library: Path,
) -> None:
    index = bees_and_accidents
    q = "养蜂 损害 赔偿"
    laws = search(index, SearchRequest(q=q, kind="laws"), library=library, ranking=replace(DEFAULT_RANKING, best_unit=0.0)).hits
    assert laws[0].title == BEES, "as a whole, the law the question is about"
    alone = search(index, SearchRequest(q=q, kind="provisions"), library=library, unit_ranking=replace(UNIT_RANKING, law_prior=0.0)).hits
    assert [hit.title for hit in alone[:2]] == [f"{ACCIDENTS} 第二条", f"{BEES} 第六条"], "by their own words"
    assert alone[1].score > 0.8 * alone[0].score, "the unrelated article matches only slightly better"
    hits = search(index, SearchRequest(q=q, kind="provisions"), library=library).hits
    assert [hit.title for hit in hits[:2]] == [f"{BEES} 第六条", f"{ACCIDENTS} 第二条"], "with its law's relevance"


def test_the_answer_card_ranks_the_units_by_their_own_text_without_their_laws_relevance(bees_and_accidents: Path, library: Path) -> None:
    index = bees_and_accidents
    q, view = "养蜂 损害 赔偿", open_view(index)
    hits = search(index, SearchRequest(q=q, kind="provisions"), library=library).hits
    assert hits[0].title == f"{BEES} 第六条", "kind=provisions: the law's relevance lifts its article"
    card = ranked_units(view, parse_query(q), UNIT_RANKING, Deadline(60, 60), 2)
    units = [view.searcher.stored_fields(docnum)["unit"] for docnum, _ in card]
    titles = [f"{unit['law']} {unit['label']}" for unit in units]
    assert titles == [f"{ACCIDENTS} 第二条", f"{BEES} 第六条"], "the card's rule was fitted on the units' own scores"
