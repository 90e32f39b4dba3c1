"""The index through many nights: small incremental updates, Whoosh's segment merges and a full optimize.

After every step the index must answer a search for what changed and hold
exactly the content tree (checked here directly from the index's columns, and by
``search.verify``). Whoosh merges small segments on commit, so a long enough
sequence runs its merge path many times over; ``optimize`` then rewrites
everything into one segment and the updates go on from there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
from pathlib import Path

from whoosh import index as whoosh_index

from fazhi.article import Article, article_path
from search.indexer import current_generation, optimize_index, rebuild_index, update_index
from search.query import SearchRequest, search
from search.schema import fingerprint
from search.verify import verify_index
from tests.fixtures.search import sample_articles, write_tree

STEPS = 64
OPTIMIZE_AT = 48
# Invented syllables: every changed or added article gets a word no other article has.
_SYLLABLES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def marker(rng: random.Random) -> str:
    return "标记" + "".join(rng.choice(_SYLLABLES) for _ in range(6))


def index_state(index: Path) -> dict[str, str]:
    """slug -> fingerprint of every live document, read from the index's own columns."""
    generation = current_generation(index)
    assert generation is not None
    with whoosh_index.open_dir(str(generation)).searcher() as searcher:
        reader = searcher.reader()
        slugs, prints = reader.column_reader("slug"), reader.column_reader("fingerprint")
        docs = [(slugs[n], prints[n]) for n in reader.all_doc_ids()]
    state = dict(docs)
    assert len(state) == len(docs), "a slug is indexed twice"
    return state


def segment_count(index: Path) -> int:
    generation = current_generation(index)
    assert generation is not None
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        return len(list(reader.leaf_readers()))


def remove(content: Path, article: Article) -> None:
    shutil.rmtree((content / article_path(article.column, article.date, article.slug)).parent)


def step(rng: random.Random, live: dict[str, Article], content: Path, n: int) -> list[tuple[str, str]]:
    """One night's changes: some adds, edits and deletions; returns (slug, marker) to search for."""
    expect: list[tuple[str, str]] = []
    for _ in range(rng.randint(1, 3)):
        action = rng.choice(("add", "add", "edit", "edit", "delete")) if len(live) > 12 else "add"
        word = marker(rng)
        if action == "add":
            slug = f"night-{n}-{len(expect)}"
            date = dt.datetime(2020 + n % 5, 1 + n % 12, 1 + n % 28)
            article = Article(
                title=f"第{n}夜新增的执法通报", date=date, column=rng.choice(("cases", "summaries")), slug=slug,
                source="执法局", body=f"本文记录第{n}夜的检查情况，{word}。企业依法整改。" * rng.randint(1, 20),
            )
        elif action == "edit":
            old = live[rng.choice(sorted(live))]
            article = dataclasses.replace(old, body=old.body + f"\n\n补充说明：{word}。")
        else:
            gone = live.pop(rng.choice(sorted(live)))
            remove(content, gone)
            continue
        write_tree(content, [article])
        live[article.slug] = article
        expect.append((article.slug, word))
    return expect


def check(index: Path, content: Path, live: dict[str, Article], expect: list[tuple[str, str]]) -> None:
    assert index_state(index) == {slug: fingerprint(a) for slug, a in live.items()}
    verification = verify_index(content, index)
    assert verification.ok, "\n".join(map(str, verification.differences))
    for slug, word in expect:
        if slug in live:
            urls = [hit.url for hit in search(index, SearchRequest(q=word)).hits]
            assert urls and urls[0].rstrip("/").endswith(slug), (word, urls)


def test_sixty_nights_of_small_updates_with_merges_and_an_optimize(tmp_path: Path) -> None:
    rng = random.Random(9)
    live = {a.slug: a for a in sample_articles()}
    content, index = write_tree(tmp_path / "content", list(live.values())), tmp_path / "index"
    # Two writer processes: the first commit holds several segments, as a full build of the archive does.
    first = rebuild_index(content, index, procs=2)
    assert first.rebuilt
    check(index, content, live, [])
    generation = current_generation(index)
    most_segments = 0
    for n in range(1, STEPS + 1):
        expect = step(rng, live, content, n)
        stats = update_index(content, index)
        assert not stats.rebuilt and current_generation(index) == generation
        check(index, content, live, expect)
        most_segments = max(most_segments, segment_count(index))
        if n == OPTIMIZE_AT:
            optimize_index(index)  # Whoosh's optimize: every segment rewritten into one
            assert segment_count(index) == 1
            check(index, content, live, [])
    # Whoosh merged along the way: far fewer segments than commits.
    assert 1 < most_segments < STEPS // 2
