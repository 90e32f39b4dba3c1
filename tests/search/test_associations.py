"""Learned lay word -> legal term associations: learned reproducibly, searched below the user's words and the everyday-word table."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi.article import Article
from search.associations import TABLE, association_table
from search.colloquial import colloquial_table
from search.indexer import sync_articles
from search.query import SearchRequest, parse_query, search
from search.ranking import Ranking

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "bench" / "learn_associations.py"

# Questions in our own words with article texts that answer them: 楼上 comes with 抛掷, 公司 with 用人单位 (4 times each).
SMALL = [
    ("楼上邻居扔花盆砸坏了车", "禁止从建筑物中抛掷物品。从高空抛掷物品造成他人损害的，由侵权人依法承担侵权责任。"),
    ("楼上有人扔垃圾下来", "禁止从建筑物中抛掷物品。物业服务企业应当采取必要的安全保障措施。"),
    ("楼上小孩扔玩具伤人谁负责", "从高空抛掷物品造成他人损害的，由侵权人依法承担侵权责任。"),
    ("楼上扔烟头烧了阳台", "禁止从建筑物中抛掷物品，经调查难以确定具体侵权人的，由可能加害的建筑物使用人给予补偿。"),
    ("公司不交社保怎么办", "用人单位未依法缴纳社会保险费的，劳动者可以解除劳动合同。"),
    ("公司拖欠工资可以走吗", "用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同。"),
    ("公司不签合同怎么算", "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。"),
    ("公司随便开除我", "用人单位违反本法规定解除劳动合同的，应当依照本法第八十七条规定支付赔偿金。"),
]


def _write_queries(path: Path) -> None:
    items = [{"query_id": n, "问题": q, "相关法规": {f"示例法第{n + 1}条": text}} for n, (q, text) in enumerate(SMALL)]
    path.write_text(json.dumps(items, ensure_ascii=False), "utf-8")


def _learn(queries: Path, out: Path) -> bytes:
    subprocess.run([sys.executable, str(SCRIPT), "--queries", str(queries), "--out", str(out), "--all"], check=True,
                   capture_output=True, cwd=REPO)
    return out.read_bytes()


def test_the_script_regenerates_its_table_byte_for_byte(tmp_path: Path) -> None:
    queries = tmp_path / "queries.json"
    _write_queries(queries)
    first = _learn(queries, tmp_path / "first.tsv")
    second = _learn(queries, tmp_path / "second.tsv")
    assert first == second
    rows = [line.split("\t") for line in first.decode("utf-8").splitlines() if not line.startswith("#")]
    pairs = {(lay, term) for lay, term, _, _ in rows}
    assert ("楼上", "抛掷") in pairs and ("公司", "用人单位") in pairs
    # no pair of a word with itself or with a word inside it, no question word, weights within 0..1
    assert all(lay != term and lay not in term and term not in lay for lay, term in pairs)
    assert not {lay for lay, _ in pairs} & {"怎么办", "可以", "谁"}
    assert all(0 < float(weight) <= 1 and int(count) >= 4 for _, _, count, weight in rows)
    # the shipped table was written by this script: same header, same columns
    shipped = TABLE.read_text("utf-8")
    assert shipped.splitlines()[:3] == first.decode("utf-8").splitlines()[:3]


@pytest.fixture(scope="module")
def neighbour_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three short articles: one with the lay word 邻居, one with its everyday-table term, one with only a learned term."""
    index = tmp_path_factory.mktemp("associations") / "index"
    bodies = {"own": "邻居之间的纠纷如何调解。", "related": "处理相邻关系的规则。", "learned": "应当按照团结互助的原则处理。"}
    sync_articles([Article(title=f"文章{n}", date=dt.datetime(2022, 1, n + 1), column="interpretations", slug=slug, body=body)
                   for n, (slug, body) in enumerate(bodies.items())], index)
    return index


def test_learned_terms_rank_below_the_user_s_words_and_the_everyday_table(neighbour_index: Path) -> None:
    assert "相邻关系" in colloquial_table()["邻居"]
    assert "团结互助" in dict(association_table()["邻居"])
    parsed = parse_query("邻居")
    assert ("团结互助", dict(association_table()["邻居"])["团结互助"]) in parsed.learned
    assert not {term for term, _ in parsed.learned} & {w for g in parsed.words + parsed.related for w in g}

    hits = search(neighbour_index, SearchRequest(q="邻居")).hits
    assert [hit.url.rstrip("/").rsplit("/", 1)[1] for hit in hits] == ["own", "related", "learned"]
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_a_zero_learned_weight_turns_them_off(neighbour_index: Path) -> None:
    hits = search(neighbour_index, SearchRequest(q="邻居"), Ranking(learned_weight=0.0)).hits
    assert [hit.url.rstrip("/").rsplit("/", 1)[1] for hit in hits] == ["own", "related"]
