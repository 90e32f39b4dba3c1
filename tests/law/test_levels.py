"""A law's level in the hierarchy of norms, read from its library folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from fazhi.law.levels import LEVEL_NAMES, LEVELS, law_level
from fazhi.law.library import load_library

SAMPLE = Path(__file__).resolve().parents[2] / "fazhi_app" / "sample_laws"


@pytest.mark.parametrize(
    ("rel", "level"),
    [
        ("民法典/合同编.md", "law"),
        ("社会法/劳动合同法(2012-12-28).md", "law"),
        ("行政法规/个体工商户条例(2016-02-06).md", "administrative"),
        ("司法解释/最高人民法院关于审理民间借贷案件适用法律若干问题的规定(2020-12-29).md", "judicial"),
        ("部门规章/某办法.md", "rules"),
        ("DLC/浙江地方法规/地方性法规/浙江/舟山市制定地方性法规条例(2016-04-12).md", "local"),
        ("地方性法规/示例省生态环境保护条例/第一编.md", "local"),
        ("案例/某案.md", "case"),
        ("其他/某文件.md", "other"),
        ("无目录.md", "other"),
    ],
)
def test_level_from_folders(rel: str, level: str) -> None:
    assert law_level(rel) == level


def test_every_level_has_a_chinese_name() -> None:
    assert set(LEVEL_NAMES) == set(LEVELS)


def test_sample_library_laws_carry_their_level() -> None:
    library = load_library(SAMPLE)
    levels = {law.name: law.level for law in library.laws.values()}
    assert levels["示例市河湖保洁条例"] == "local"
    assert levels["示例市绿道管理办法"] == "rules"
