"""The site's own province (setting ``jurisdiction``): its and its cities' regulations and rules weigh as national law.

Real Whoosh indexes of our fictional sample library (fazhi_app/sample_laws: two same-named 养犬 regulations of
江西省 and 浙江省, and a 南昌市 rule), the real ``fazhi search`` command with a fazhi.yml, and a part of the real
LawRefBook library (../shared; skipped without it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from fazhi.config import LevelWeights, Settings, default_paths, load_settings
from fazhi.law.library import load_library
from fazhi.law.regions import law_jurisdiction, provinces
from search.indexer import sync_articles
from search.law_documents import law_documents, library_documents
from search.query import SearchRequest, search
from search.ranking import DEFAULT_RANKING, LEVEL_WEIGHTS, Ranking, site_ranking
from tests.fixtures.served import fazhi_executable
from tests.fixtures.site import SAMPLE_LAWS

REPO = Path(__file__).resolve().parents[2]
DOGS = "犬只伤人 牵引绳 犬牌"
JIANGXI, ZHEJIANG, NANCHANG = "江西省示例文明养犬条例", "浙江省示例文明养犬条例", "南昌市示例犬只登记办法"


def _titles(index: Path, q: str, ranking: Ranking) -> list[str]:
    response = search(index, SearchRequest(q=q, kind="laws"), ranking, budget=60)
    return [hit.title for hit in response.hits]


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("jurisdiction") / "index"
    sync_articles([], index, laws=library_documents(SAMPLE_LAWS))
    return index


def test_the_table_holds_every_province_and_its_cities() -> None:
    table = provinces()
    assert len(table) == 31 and sum(len(p.cities) for p in table.values()) == 293
    assert "南昌市" in table["江西省"].cities and "吉林市" in table["吉林省"].cities and table["北京市"].cities == ()


@pytest.mark.parametrize(("title", "rel", "province"), [
    ("江西省示例文明养犬条例", "地方性法规/江西省示例文明养犬条例.md", "江西省"),
    ("南昌市示例犬只登记办法", "地方政府规章/南昌市示例犬只登记办法.md", "江西省"),
    ("吉林市城市供水条例", "", "吉林省"),
    ("深圳经济特区物业管理条例", "", "广东省"),
    ("北京历史文化名城保护条例", "DLC/北京地方法规/地方性法规/北京/北京历史文化名城保护条例.md", "北京市"),
    ("关于议案的若干暂行规定", "DLC/北京地方法规/地方性法规/北京/关于议案的若干暂行规定.md", "北京市"),
    ("彭水苗族土家族自治县旅游条例", "DLC/重庆地方法规/地方性法规/重庆/彭水苗族土家族自治县旅游条例.md", "重庆市"),
    ("中华人民共和国民法典", "民法典/总则编.md", ""),
    ("示例市河湖保洁条例", "地方性法规/示例市河湖保洁条例.md", ""),
])
def test_a_law_belongs_to_the_province_its_title_or_folder_names(title: str, rel: str, province: str) -> None:
    assert law_jurisdiction(title, rel) == province


def test_the_sample_laws_carry_their_province_into_the_index() -> None:
    docs = {doc.title: doc for doc in library_documents(SAMPLE_LAWS)}
    assert (docs[JIANGXI].jurisdiction, docs[NANCHANG].jurisdiction, docs[ZHEJIANG].jurisdiction) == ("江西省", "江西省", "浙江省")
    assert docs[NANCHANG].level == "rules"


def test_the_own_province_outranks_the_same_named_regulation_of_another(sample_index: Path) -> None:
    plain = _titles(sample_index, DOGS, DEFAULT_RANKING)
    assert plain.index(ZHEJIANG) < plain.index(JIANGXI), "without a jurisdiction the closer text ranks first"
    jiangxi = _titles(sample_index, DOGS, replace(DEFAULT_RANKING, jurisdiction="江西省"))
    assert jiangxi.index(JIANGXI) < jiangxi.index(ZHEJIANG)
    assert jiangxi.index(NANCHANG) < jiangxi.index(ZHEJIANG), "a city's rule belongs to its province"
    zhejiang = _titles(sample_index, DOGS, replace(DEFAULT_RANKING, jurisdiction="浙江省"))
    assert zhejiang.index(ZHEJIANG) < zhejiang.index(JIANGXI)


def test_own_laws_weigh_as_national_law_and_the_weights_are_settings() -> None:
    ranking = replace(DEFAULT_RANKING, jurisdiction="江西省")
    assert ranking.level_weight("local", "江西省") == ranking.level_weight("rules", "江西省") == ranking.level_weight("law") == 1.0
    assert ranking.level_weight("local", "浙江省") == 0.3 and ranking.level_weight("administrative", "江西省") == 0.7
    assert dict(LEVEL_WEIGHTS) == {"law": 1.0, "administrative": 0.7, "judicial": 0.6, "rules": 0.4, "local": 0.3, "case": 0.3,
                                   "other": 0.3}
    site = Settings(paths=default_paths(REPO), jurisdiction="江西省", level_weights=LevelWeights(law=2.0, local=0.5))
    assert site_ranking(site).level_weight("local", "浙江省") == 0.5
    assert site_ranking(site).level_weight("local", "江西省") == 2.0


def _deployment(tmp_path: Path, extra: str) -> Path:
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    config = tmp_path / "fazhi.yml"
    config.write_text(f"paths:\n  law_library: {SAMPLE_LAWS}\n{extra}", encoding="utf-8")
    return config


def _cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([fazhi_executable(), *args, "--config", str(config)], capture_output=True, text=True, timeout=300,
                          cwd=config.parent)


def test_fazhi_search_ranks_by_the_configured_province(tmp_path: Path) -> None:
    config = _deployment(tmp_path, "jurisdiction: 江西\n")
    assert load_settings(config).jurisdiction == "江西省", "a short name means its province"
    assert _cli(config, "index").returncode == 0
    found = _cli(config, "search", DOGS, "--kind", "laws", "--json")
    assert found.returncode == 0, found.stderr
    titles = [hit["title"] for hit in json.loads(found.stdout)["hits"]]
    assert titles.index(JIANGXI) < titles.index(ZHEJIANG)
    config.write_text(config.read_text("utf-8").replace("jurisdiction: 江西\n", ""), encoding="utf-8")
    titles = [hit["title"] for hit in json.loads(_cli(config, "search", DOGS, "--kind", "laws", "--json").stdout)["hits"]]
    assert titles.index(ZHEJIANG) < titles.index(JIANGXI), "the index is the same; only the setting changed"


def test_an_unknown_province_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    config = _deployment(tmp_path, "jurisdiction: 火星省\n")
    done = _cli(config, "search", "养犬")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"fazhi: {config}:3:15: jurisdiction: unknown province '火星省'; expected a provincial-level division's name, e.g. 江西省"
        " (fazhi/law/regions.yaml)"
    ]


@pytest.fixture(scope="module")
def water_index(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real 水污染防治 texts: the national law and the regulations of five provinces and one city, in LawRefBook's folders."""
    source = shared_dir / "corpora" / "lawrefbook" / "data"
    library = tmp_path_factory.mktemp("lawrefbook") / "laws"
    for path in [*source.glob("DLC/*/地方性法规/*/*水污染防治条例*.md"), *source.glob("行政法/水污染防治法*.md")]:
        target = library / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    index = library.parent / "index"
    sync_articles([], index, laws=law_documents(load_library(library)))
    return index


def test_on_the_real_library_a_provincial_site_finds_its_own_regulation_first(water_index: Path) -> None:
    q = "水污染防治条例 饮用水水源保护区 排污口"
    plain = _titles(water_index, q, DEFAULT_RANKING)
    assert "浙江省水污染防治条例" in plain and plain[0] != "浙江省水污染防治条例"
    zhejiang = _titles(water_index, q, replace(DEFAULT_RANKING, jurisdiction="浙江省"))
    assert zhejiang[0] == "浙江省水污染防治条例"
    assert zhejiang.index("浙江省水污染防治条例") < min(zhejiang.index(t) for t in zhejiang if t.endswith("条例") and "浙江" not in t)


def test_the_own_province_weighs_among_article_units_and_in_the_answer_card(sample_index: Path) -> None:
    def laws_of_units(ranking: Ranking) -> list[str]:
        response = search(sample_index, SearchRequest(q=DOGS, kind="provisions"), ranking, budget=60)
        return [hit.title.split(" ")[0] for hit in response.hits]

    plain = laws_of_units(DEFAULT_RANKING)
    assert plain.index(ZHEJIANG) < plain.index(JIANGXI), "without a jurisdiction the closer text ranks first"
    jiangxi = laws_of_units(replace(DEFAULT_RANKING, jurisdiction="江西省"))
    assert jiangxi.index(JIANGXI) < jiangxi.index(ZHEJIANG), "the site's province reaches the units' ranking"
