"""Which province a local regulation or rule belongs to, from its title or its library folders.

A provincial site (setting ``jurisdiction``) weighs its own province's regulations
and rules, and its cities', as national law (``search.ranking``). Which law is whose
is told by the table in ``fazhi/law/regions.yaml``: the 31 provincial-level
divisions and their prefecture-level cities. A title names its maker first
(《江西省…条例》, 《南昌市…条例》, 《北京历史文化名城保护条例》); a title that does not
(《关于议案的若干暂行规定》, a county's regulation) is placed by its library folder
(LawRefBook files local laws under ``DLC/<省>地方法规/…/<省>``). National texts belong to no province.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath

import yaml


@dataclass(frozen=True)
class Province:
    name: str
    short: str
    cities: tuple[str, ...]


@functools.cache
def provinces() -> dict[str, Province]:
    """The table shipped in ``fazhi/law/regions.yaml``, by full name."""
    raw = yaml.safe_load(resources.files("fazhi.law").joinpath("regions.yaml").read_text("utf-8"))
    return {name: Province(name, item["short"], tuple(item["cities"])) for name, item in raw.items()}


@functools.cache
def _prefixes() -> tuple[tuple[str, str], ...]:
    """(title prefix, province) pairs, longest prefix first: 吉林市 is tried before 吉林."""
    pairs = []
    for province in provinces().values():
        pairs += [(province.name, province.name), (province.short, province.name)]
        for city in province.cities:
            pairs += [(city, province.name), (f"{city.removesuffix('市')}经济特区", province.name)]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def province_named(name: str) -> str | None:
    """The full name of the province ``name`` names (江西省 or 江西), or None."""
    table = provinces()
    if name in table:
        return name
    return next((p.name for p in table.values() if p.short == name), None)


def law_jurisdiction(title: str, rel: str = "") -> str:
    """The province a law of this title (at ``rel`` below the library root) belongs to; "" for none (national texts)."""
    for prefix, province in _prefixes():
        if title.startswith(prefix):
            return province
    for folder in reversed(PurePosixPath(rel).parts[:-1]):
        found = province_named(folder.removesuffix("地方法规")) or next((p for c, p in _prefixes() if c == folder), None)
        if found:
            return found
    return ""
