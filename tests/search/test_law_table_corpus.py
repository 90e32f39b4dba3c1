"""Every law of the law table that is in the LawRefBook corpus is found by its short forms (skips without ../shared)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fazhi.article import Article
from fazhi.laws import law_table
from search.indexer import sync_articles
from search.query import SearchRequest, search

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # indexes the whole corpus: about a minute on a quiet machine
# The folders of the national database that hold laws adopted by the NPC and its Standing Committee.
NATIONAL = ("宪法", "宪法相关法", "民法典", "民法商法", "行政法", "经济法", "社会法", "刑法", "诉讼与非诉讼程序法")


@pytest.fixture(scope="module")
def corpus(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], set[str]]:
    """(index of the whole corpus, article slug -> canonical title, canonical names of the national laws in it)."""
    root = shared_dir / "corpora" / "lawrefbook" / "data"
    if not root.is_dir():
        pytest.skip(f"LawRefBook corpus not found at {root}")
    table = law_table()
    articles, titles, national = [], {}, set()
    for n, path in enumerate(sorted(root.rglob("*.md"))):
        text = path.read_text("utf-8")
        head, _, body = text.partition("\n")
        title = head.lstrip("# ").strip() or path.stem
        slug = f"law-{n}"
        articles.append(Article(title=title, date=dt.datetime(2000, 1, 1), column="interpretations", slug=slug, body=body))
        titles[slug] = table.canonical(title)
        if path.relative_to(root).parts[0] in NATIONAL:
            national.add(titles[slug])
    index = tmp_path_factory.mktemp("lawrefbook") / "index"
    sync_articles(articles, index)
    return index, titles, national


def test_every_national_law_of_the_corpus_is_in_the_table(corpus: tuple[Path, dict[str, str], set[str]]) -> None:
    _, _, national = corpus
    missing = sorted(national - set(law_table().laws))
    assert not missing, f"laws.yaml lacks {len(missing)} national laws: {missing[:10]}"


def test_every_short_form_puts_its_law_in_the_top_3(corpus: tuple[Path, dict[str, str], set[str]]) -> None:
    index, titles, _ = corpus
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
