"""The cited-law table: citations found, short forms resolved, slugs stable and ASCII."""

from __future__ import annotations

import re

from fazhi.law.names import law_table


def test_extract_resolves_prefix_qualifier_and_short_forms() -> None:
    text = "依据《中华人民共和国固体废物污染环境防治法（2020年修订）》《固废法》和《土壤法》，见《人民日报》报道。"
    assert law_table().extract(text) == ["固体废物污染环境防治法", "土壤污染防治法"]


def test_unknown_laws_still_count_when_they_look_like_laws() -> None:
    assert law_table().extract("《示例市河道管理办法》") == ["示例市河道管理办法"]


def test_slugs_are_ascii_unique_and_stable() -> None:
    table = law_table()
    slugs = [law.slug for law in table.laws.values()]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)
    assert table.slug("固体废物污染环境防治法") == "solid-waste-law"
    generated = table.slug("示例市河道管理办法")
    assert re.fullmatch(r"[a-z0-9-]+", generated) and generated == table.slug("示例市河道管理办法")


def test_expansions_map_short_forms_only() -> None:
    expansions = law_table().expansions()
    assert expansions["固废法"] == "固体废物污染环境防治法"
    assert "民法典" not in expansions
