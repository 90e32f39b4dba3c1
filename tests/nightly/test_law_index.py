"""The nightly job indexes the law library: library edits reach the published index, a lost law document is healed.

One deployment lives through a sequence of nights with a copy of our fictional
sample library, edited between them as staff would edit a real one.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from fazhi.content import load_tree
from fazhi.law.library import load_library
from fazhi.law.numerals import ArticleNo
from fazhi_app.cli import main
from fazhi_app.extraction import file_texts
from fazhi_app.nightly import EXIT_OK
from search.indexer import content_articles, sync_articles
from search.law_documents import law_document_id, law_documents, provision_units, unit_id
from search.query import SearchRequest, search
from tests.fixtures.deployment import Deployment
from tests.fixtures.site import SAMPLE_LAWS

RIVERS = "示例市河湖保洁条例"
RIVERS_FILE = "地方性法规/示例市河湖保洁条例(2021-09-15).md"


def law_hits(d: Deployment, library: Path | None) -> dict[str, str]:
    """url -> title of every law document the published index holds."""
    answer = search(d.current().index, SearchRequest(kind="laws", per_page=100), library=library)
    return {hit.url: hit.title for hit in answer.hits}


def article_text(d: Deployment, library: Path, q: str) -> str | None:
    law = search(d.current().index, SearchRequest(q=q), library=library).law
    return law.article.text if law is not None and law.article is not None else None


def verify_cli(d: Deployment, library: Path) -> tuple[int, str]:
    paths = d.settings.paths
    result = CliRunner().invoke(main, ["index", "--verify", "--content", str(paths.content), "--index", str(d.current().index),
                                       "--law-library", str(library), "--state", str(paths.state)])
    return result.exit_code, result.stdout


def test_library_changes_reach_the_index_night_after_night(deployment: Deployment, tmp_path: Path) -> None:
    d = deployment
    library = Path(shutil.copytree(SAMPLE_LAWS, tmp_path / "laws"))
    d.settings = d.settings.with_paths(law_library=library)
    content = d.settings.paths.content

    # night 1: published with a document per law; night 2: nothing changed
    first = d.run(scrape=False)
    assert (first.exit_code, first.status) == (EXIT_OK, "published"), first.summary
    assert set(law_hits(d, library)) == {law_document_id(name) for name in load_library(library).laws}
    assert d.verify(d.current().index, library).ok
    assert d.run(scrape=False).status == "unchanged"

    # night 3: one law's text edited -> a new release whose index has the new text
    path = library / RIVERS_FILE
    path.write_text(path.read_text("utf-8").replace("及时清除水面漂浮物", "及时打捞水面漂浮物"), "utf-8")
    edited = d.run(scrape=False)
    assert edited.status == "published", edited.summary
    assert edited.report["changes"]["files"]["law_library"]["changed"] == [f"law_library/{RIVERS_FILE}"]
    assert edited.report["index"]["updated"] == 2 and edited.report["index"]["added"] == 0, "the law and its one article's unit"
    assert (article_text(d, library, f"{RIVERS}第6条") or "").startswith("保洁责任人应当每日巡查责任区，及时打捞水面漂浮物")

    # the published index loses a law's document: `fazhi index --verify` names it, night 4 rebuilds it
    lost = law_document_id("示例市绿道管理办法")
    sync_articles(content_articles(content), d.current().index, files=file_texts(d.settings, load_tree(content)),
                  laws=[doc for doc in law_documents(load_library(library)) if doc.slug != lost])
    code, out = verify_cli(d, library)
    assert code == 1 and "law '示例市绿道管理办法'" in out and "is not in the index" in out, out
    broken = d.current().name
    healed = d.run(scrape=False)
    assert (healed.exit_code, healed.status) == (EXIT_OK, "published"), healed.summary
    assert any(f"published search index of release {broken} is unsound" in w for w in healed.report["warnings"])
    assert lost in law_hits(d, library) and verify_cli(d, library)[0] == 0

    # night 5: a law removed from the library leaves the index; night 6: nothing changed
    shutil.rmtree(library / "地方性法规" / "示例省生态环境保护条例")
    removed = d.run(scrape=False)
    assert removed.status == "published" and removed.report["index"]["removed"] == 1 + 9, "the law and its 9 article units"
    assert law_document_id("示例省生态环境保护条例") not in law_hits(d, library)
    assert d.run(scrape=False).status == "unchanged"

    # night 7: the library unset -> every law document leaves, the articles stay
    d.settings = replace(d.settings, paths=replace(d.settings.paths, law_library=None))
    unset = d.run(scrape=False)
    assert unset.status == "published" and unset.report["index"]["removed"] == 6 + 39, "6 laws and their 39 article units"
    assert law_hits(d, None) == {} and d.verify(d.current().index).ok


def unit_urls(d: Deployment, library: Path, q: str) -> list[str]:
    return [hit.url for hit in search(d.current().index, SearchRequest(q=q, kind="provisions"), library=library).hits]


def test_article_units_follow_the_library_and_a_lost_or_stale_unit_is_healed(deployment: Deployment, tmp_path: Path) -> None:
    d = deployment
    library = Path(shutil.copytree(SAMPLE_LAWS, tmp_path / "laws"))
    d.settings = d.settings.with_paths(law_library=library)
    content = d.settings.paths.content
    first = d.run(scrape=False)
    assert (first.exit_code, first.status) == (EXIT_OK, "published"), first.summary
    a6 = unit_id(RIVERS, ArticleNo(6))
    assert unit_urls(d, library, "及时清除水面漂浮物")[0] == a6

    # a night with one article edited: its unit has the new text
    path = library / RIVERS_FILE
    path.write_text(path.read_text("utf-8").replace("及时清除水面漂浮物", "及时打捞水面漂浮物"), "utf-8")
    assert d.run(scrape=False).status == "published"
    assert unit_urls(d, library, "打捞 漂浮物")[0] == a6

    # the published index loses one unit and holds another at an old text: verify names both, the next night heals
    units = provision_units(load_library(library))
    a8 = unit_id(RIVERS, ArticleNo(8, 1))
    stale = [replace(u, fingerprint="0" * 64) if u.slug == a8 else u for u in units if u.slug != a6]
    sync_articles(content_articles(content), d.current().index, files=file_texts(d.settings, load_tree(content)),
                  laws=[*law_documents(load_library(library)), *stale])
    code, out = verify_cli(d, library)
    assert code == 1 and f"unit '{RIVERS}' 第六条 ({a6}) is not in the index" in out, out
    assert f"unit '{RIVERS}' 第八条之一 ({a8}): indexed at fingerprint 000000000000" in out, out
    healed = d.run(scrape=False)
    assert (healed.exit_code, healed.status) == (EXIT_OK, "published"), healed.summary
    assert any("is unsound" in w for w in healed.report["warnings"]), healed.report["warnings"]
    assert unit_urls(d, library, "打捞 漂浮物")[0] == a6 and verify_cli(d, library)[0] == 0
