"""Every law of the law table that is in the LawRefBook corpus is found by its short forms (skips without ../shared).

The corpus is indexed as the law library it is: each file a law document at its level in the hierarchy of
norms (``bench.search_corpus.write_law_index``), so the short forms are checked with the level prior in place.
The index is written by one process: Whoosh's multiprocess writer forks the test process (with the threads
of the session's fixtures) and does not notice a writer process that dies (one killed during a build of
1,200 documents left 688 in a commit reported whole). One process costs a few seconds more here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.search_corpus import law_documents, write_law_index
from fazhi.law.levels import law_level
from fazhi.law.names import law_table
from search.query import SearchRequest, search
from search.syntax import title_key

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # indexes the whole corpus: about a minute on a quiet machine
# The folders of the national database that hold laws adopted by the NPC and its Standing Committee.
NATIONAL = ("宪法", "宪法相关法", "民法典", "民法商法", "行政法", "经济法", "社会法", "刑法", "诉讼与非诉讼程序法")


@pytest.fixture(scope="module")
def corpus(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], set[str], list[str]]:
    """(index of the whole corpus, document slug -> canonical title, canonical names of the national laws in it,
    titles of every 20th local regulation)."""
    root = shared_dir / "corpora" / "lawrefbook" / "data"
    if not root.is_dir():
        pytest.skip(f"LawRefBook corpus not found at {root}")
    table = law_table()
    docs = law_documents(root)
    index = tmp_path_factory.mktemp("lawrefbook") / "index"
    paths = write_law_index(docs, index, procs=1)
    title_of = {rel: title for rel, title, _ in docs}
    titles = {slug: table.canonical(title_of[rel]) for slug, rel in paths.items()}
    national = {titles[slug] for slug, rel in paths.items() if rel.split("/")[0] in NATIONAL}
    assert len(titles) == len(docs) > 3000
    local = [title for rel, title, _ in docs if law_level(rel) == "local"][::20]
    return index, titles, national, local


Corpus = tuple[Path, dict[str, str], set[str], list[str]]


def test_every_national_law_of_the_corpus_is_in_the_table(corpus: Corpus) -> None:
    _, _, national, _ = corpus
    missing = sorted(national - set(law_table().laws))
    assert not missing, f"names.yaml lacks {len(missing)} national laws: {missing[:10]}"


def test_every_short_form_puts_its_law_in_the_top_3(corpus: Corpus) -> None:
    index, titles, _, _ = corpus
    table = law_table()
    present = set(titles.values())
    checked, failures = 0, []
    for law in table.laws.values():
        if law.name not in present:
            continue
        for form in (*law.short, *law.ambiguous) or (law.name,):
            hits = search(index, SearchRequest(q=form, per_page=3)).hits
            top = [titles[hit.url.rstrip("/").rsplit("/", 1)[1]] for hit in hits]
            checked += 1
            if law.name not in top:
                failures.append(f"{form} -> {top} (wanted {law.name})")
    assert checked > 250
    assert not failures, "\n".join(failures)


def test_a_local_regulation_asked_for_by_its_full_title_comes_first(corpus: Corpus) -> None:
    """Local regulations weigh least by level; asked for by their exact title they still come first."""
    index, _, _, local = corpus
    failures = []
    for title in local:
        hits = search(index, SearchRequest(q=title, per_page=3)).hits
        if not hits or title_key(hits[0].title) != title_key(title):
            failures.append(f"{title} -> {[hit.title for hit in hits]}")
    assert len(local) > 80
    assert not failures, "\n".join(failures)
