"""The answer card: statute articles that answer a question, and the archive's articles citing each, as the site links them.

Real Whoosh indexes of the sample archive plus three articles citing our fictional
sample library's river law (fazhi_app/sample_laws), whose 2021 revision took effect on
2022-01-01 and renumbered its articles: the fine for dumping rubbish is 第十条 of the
2016 text and 第十二条 of the 2021 one, and 第十二条 of the 2016 text is its entry into force.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from fazhi.article import Article
from fazhi.law.library import load_library
from fazhi.law.names import law_slug
from fazhi_app.cli import main
from fazhi_app.hooks.citelinks import CitationLinker
from search.answers import CARD_ARTICLES, CONFIDENCE, Confidence, Reach, answer_card, card_size, chosen, ranked_units, reach
from search.deadline import Deadline
from search.indexer import current_generation, update_index
from search.query import SearchRequest, parse_query, search
from search.ranking import UNIT_RANKING
from search.searchers import open_view
from search.verify import verify_index
from tests.fixtures.search import sample_articles, write_tree

RIVERS = "示例市河湖保洁条例"
DUMPING = "往河道里倾倒垃圾渣土会被罚款多少"


def citing_articles() -> list[Article]:
    """Three articles citing the river law: before the revision took effect (第十条, 第十二条) and after (第十二条)."""
    return [
        Article(title="河道倾倒渣土被罚案", date=dt.datetime(2021, 6, 1), column="cases", slug="hedao-zhatu-2021", source="执法局",
                body=f"某公司向河道倾倒渣土。\n\n执法人员依据《{RIVERS}》第十条，对该公司处一万元罚款。"),
        Article(title="河湖保洁条例施行五周年", date=dt.datetime(2021, 6, 2), column="interpretations", slug="hehu-wuzhounian",
                source="办公室", body=f"| 条文 | 内容 |\n| --- | --- |\n| 《{RIVERS}》第十二条 | 施行日期 |\n"),
        Article(title="河道倾倒垃圾被罚案", date=dt.datetime(2022, 3, 1), column="cases", slug="hedao-laji-2022", source="执法局",
                body=f"某人向湖泊倾倒垃圾。\n\n- 依据：《{RIVERS}》第十二条\n- 处罚：罚款一千元"),
    ]



@pytest.fixture()
def content(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "content", [*sample_articles(), *citing_articles()])


def indexed_cites(index: Path) -> dict[str, set[str]]:
    """Cited key -> slugs of the articles holding it, read from the live generation's ``cites`` terms."""
    generation = current_generation(index)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            slugs = reader.column_reader("slug")
            found: dict[str, set[str]] = {}
            for term in (reader.lexicon("cites") if "cites" in reader.indexed_field_names() else ()):
                docs = reader.postings("cites", term).all_ids()
                found[term.decode("utf-8")] = {slugs[d] for d in docs}
            return found
    finally:
        ix.close()


def site_links(library: Path, article: Article) -> set[str]:
    """(law page, version, anchor) of each citation link the site build makes in the article's page, as ``cited_key``s."""
    linker = CitationLinker(load_library(library), dt.date(2026, 1, 1))
    page = linker.link(markdown.markdown(article.body, extensions=["tables"]), article.date.date(), article.url)
    links = re.findall(r'data-statute="[^"]*?(laws/[^/"]+/)([0-9-]+|undated)\.\d+\.json"[^>]*data-articles="([^"]+)"', page)
    return {f"{law}#{anchor}@{version}" for law, version, anchors in links for anchor in anchors.split()}


def test_the_index_resolves_each_citation_to_the_version_the_site_build_links(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    cites = indexed_cites(index)
    rivers = f"laws/{law_slug(RIVERS)}/"
    for article in citing_articles():
        held = {key for key, slugs in cites.items() if article.slug in slugs}
        assert held == site_links(library, article), article.slug
    # dated before the revision took effect: the 2016 text, whose 第十二条 is another article than the 2021 text's
    assert cites[f"{rivers}#a10@2016-03-10"] == {"hedao-zhatu-2021"}
    assert cites[f"{rivers}#a12@2016-03-10"] == {"hehu-wuzhounian"}
    assert cites[f"{rivers}#a12@2021-09-15"] == {"hedao-laji-2022"}
    assert verify_index(content, index, library).ok


def test_a_changed_library_changes_the_cited_versions_and_verify_sees_it(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    (library / "地方性法规" / f"{RIVERS}(2016-03-10).md").unlink()  # the 2021 text stands in for an article of 2021 now
    found = verify_index(content, index, library)
    assert any("hedao-zhatu-2021" in p.path for p in found.differences), [p.path for p in found.differences]
    stats = update_index(content, index, law_library=library)
    assert stats.updated >= 2 and verify_index(content, index, library).ok
    assert indexed_cites(index)[f"laws/{law_slug(RIVERS)}/#a12@2021-09-15"] == {"hehu-wuzhounian", "hedao-laji-2022"}


def test_a_question_gets_the_article_that_answers_it_and_the_articles_citing_it(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    answers = search(index, SearchRequest(q=DUMPING), library=library).to_dict()["answers"]
    assert [a["anchor"] for a in answers] == ["a12", "a7"], "the fine asked about, then the rule it punishes, clear of the rest"
    first = answers[0]
    slug = law_slug(RIVERS)
    assert (first["law"], first["label"], first["anchor"], first["url"], first["law_url"], first["version"], first["repealed"]) == (
        RIVERS, "第十二条", "a12", f"/laws/{slug}/#a12", f"/laws/{slug}/", "2021-09-15", False)
    assert "五百元以上二千元以下" in first["text"], "the text of the version in force"
    assert first["citing"] == [{"title": "河道倾倒垃圾被罚案", "url": "cases/2022/hedao-laji-2022/", "date": "2022-03-01"}], \
        "only the article citing this article of this version"
    assert answers[1]["citing"] == [] and "倾倒垃圾" in answers[1]["text"]


def test_no_card_without_a_confident_answer_for_a_named_article_or_without_units(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    assert search(index, SearchRequest(q="夫妻共同债务"), library=library).answers == [], "no sample law answers it"
    assert search(index, SearchRequest(q="条例"), library=library).answers == [], "every unit alike: nothing stands out"
    named = search(index, SearchRequest(q=f"{RIVERS}第十二条"), library=library)
    assert named.answers == [] and named.law is not None and named.law.article is not None and named.law.article.anchor == "a12"
    assert search(index, SearchRequest(q=DUMPING, kind="laws"), library=library).answers == []
    assert search(index, SearchRequest(q=DUMPING, page=2), library=library).answers == []
    bare = tmp_path / "bare"
    update_index(content, bare)
    assert search(bare, SearchRequest(q=DUMPING)).answers == [], "no law library, no units"


def test_the_card_ends_at_the_first_gap() -> None:
    assert card_size([20.0, 12.0, 5.0], 1.5) == 1
    assert card_size([20.0, 18.0, 11.0, 10.0], 1.5) == 2, "the card ends at the first gap"
    assert card_size([20.0, 18.0, 17.0, 10.0], 1.5) == 3
    assert card_size([20.0, 15.0, 14.0, 13.0], 1.5) == 3, "no gap among the first three: they answer together"
    assert card_size([20.0, 19.0], 1.5) == 2, "no unit follows the second: it stands clear"


FULL = Reach(held=10.0, whole=10.0)


def test_the_confidence_rule() -> None:
    gap_alone = Confidence(margin=1.5, relative_score=0.0, held=0.0, end_gap=1.0, second_gap=0.0, law_missing=0.0, bias=-math.log(1.5))
    assert chosen([], FULL, gap_alone) == []
    assert chosen([(1, 20.0)], FULL, gap_alone) == [1], "the only unit matched"
    assert chosen([(1, 20.0), (2, 15.0), (3, 14.0), (4, 13.0)], FULL, gap_alone) == [], "no gap among the first three"
    assert chosen([(1, 20.0), (2, 12.0), (3, 5.0)], FULL, gap_alone) == [1]
    assert chosen([(1, 20.0), (2, 18.0), (3, 11.0), (4, 10.0)], FULL, gap_alone) == [1, 2]
    assert chosen([(1, 20.0), (2, 18.0), (3, 17.0), (4, 10.0)], FULL, gap_alone) == [1, 2, 3]


def test_the_shipped_rule_weighs_the_top_score_against_the_question_and_whether_the_search_found_the_law() -> None:
    close = [(1, 4.0), (2, 3.5), (3, 3.2), (4, 3.0)]  # no gap: the card would hold all three
    assert chosen(close, Reach(held=4.4, whole=4.4), CONFIDENCE, True) == [1, 2, 3], \
        "a short question whose top unit holds every clause is answered, however low its score"
    assert chosen(close, Reach(held=1.0, whole=12.0), CONFIDENCE, True) == [], \
        "the same scores for a longer question of which the top unit holds little: a weak match"
    assert chosen([(1, 4.0), (2, 3.5), (3, 3.2), (4, 3.2)], Reach(held=4.4, whole=4.4), CONFIDENCE, True) == [], \
        "the card's last unit ties the next: the ranking cannot tell which answer"
    assert chosen([(1, 20.0), (2, 13.0), (3, 12.0), (4, 11.0)], Reach(held=12.0, whole=40.0), CONFIDENCE, True) == [1]
    assert chosen([(1, 20.0), (2, 13.0), (3, 12.0), (4, 11.0)], Reach(held=12.0, whole=40.0), CONFIDENCE, False) == [], \
        "no hit of the search belongs to the top unit's law: a stray match"


def test_the_reach_of_a_unit_is_the_weight_of_the_clauses_it_holds(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    view = open_view(index)
    parsed = parse_query("倾倒垃圾")  # a short question
    ranked = ranked_units(view, parsed, UNIT_RANKING, Deadline(1.0, 60.0), CARD_ARTICLES + 1)
    full = reach(view, parsed, UNIT_RANKING, Deadline(1.0, 60.0), ranked[0][0])
    assert 0 < full.held < full.whole, "the top unit holds the words, not every related term asked with them"
    longer = parse_query("倾倒垃圾 宇宙飞船")  # no unit speaks of spaceships
    part = reach(view, longer, UNIT_RANKING, Deadline(1.0, 60.0), ranked[0][0])
    assert part.held == pytest.approx(full.held) and part.whole > full.whole, "a clause no unit holds weighs, held by none"


def test_the_card_asks_the_law_search_whether_it_found_the_law(content: Path, library: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    update_index(content, index, law_library=library)
    rivers = f"laws/{law_slug(RIVERS)}/"
    request, parsed = SearchRequest(q=DUMPING), parse_query(DUMPING)
    view = open_view(index)
    law_alone = Confidence(relative_score=0.0, held=0.0, end_gap=0.0, second_gap=0.0, law_missing=-1.0, bias=0.5)
    deadline = Deadline(1.0, 60.0)
    assert answer_card(view, request, parsed, UNIT_RANKING, deadline, law_alone) == [], "no law among the hits"
    assert answer_card(view, request, parsed, UNIT_RANKING, deadline, law_alone, laws=["laws/other/"]) == [], "another law"
    card = answer_card(view, request, parsed, UNIT_RANKING, deadline, law_alone, laws=["laws/other/", rivers])
    assert card and card[0].law_url == f"/{rivers}", "the top unit's law among the hits, wherever it ranks"


def test_the_cli_prints_the_card_first(content: Path, library: Path, tmp_path: Path) -> None:
    locations = ["--content", str(content), "--index", str(tmp_path / "index"), "--law-library", str(library),
                 "--state", str(tmp_path / "state")]
    runner = CliRunner()
    built = runner.invoke(main, ["index", *locations])
    assert built.exit_code == 0, built.output
    out = runner.invoke(main, ["search", DUMPING, *locations])
    assert out.exit_code == 0, out.output
    card, _, hits = out.output.partition("\n1. ")
    assert hits, out.output
    assert f"《{RIVERS}》第十二条  /laws/{law_slug(RIVERS)}/#a12  version 2021-09-15" in card, out.output
    assert "五百元以上二千元以下" in card and "cited by:" in card
    assert "2022-03-01  河道倾倒垃圾被罚案  /cases/2022/hedao-laji-2022/" in card and "hedao-zhatu-2021" not in card
