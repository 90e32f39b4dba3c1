"""Cited laws: find 《…》 citations in text and resolve them to canonical names.

The table in ``fazhi/data/laws.yaml`` maps short forms (《固废法》) to canonical
names (固体废物污染环境防治法) and gives each law its ASCII page slug. The site's
law index and the search query expansion share it, so a law has one name
everywhere.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from pypinyin import Style, lazy_pinyin

PRC_PREFIX = "中华人民共和国"
# A citation: 《…》 with no nested brackets, at most 60 characters inside.
CITATION_RE = re.compile(r"《([^《》\n]{2,60})》")
# What a law's name ends with; anything else in 《》 (a book, a newspaper) is not a law.
LAW_SUFFIXES = ("法", "法典", "条例", "规定", "办法", "细则", "规则", "决定", "解释", "规章", "法规", "准则", "标准")
# Trailing qualifiers that do not change which law is meant: 《…（2018年修正）》, 《…(试行)》.
QUALIFIER_RE = re.compile(r"[（(][^（）()]*[）)]$")


@dataclass(frozen=True)
class Law:
    """A law the archive knows: its canonical name, page slug and short forms."""

    name: str
    slug: str
    short: tuple[str, ...] = ()


class LawTable:
    """Lookup of canonical names, slugs and short forms."""

    def __init__(self, laws: list[Law]):
        self.laws = {law.name: law for law in laws}
        self._alias: dict[str, str] = {}
        for law in laws:
            self._alias[law.name] = law.name
            for short in law.short:
                self._alias[short] = law.name

    def canonical(self, cited: str) -> str:
        """The canonical name for a citation's text (prefix and qualifiers dropped)."""
        name = cited.strip().replace(" ", "").replace("\u3000", "")
        while QUALIFIER_RE.search(name):
            name = QUALIFIER_RE.sub("", name)
        if name.startswith(PRC_PREFIX) and len(name) > len(PRC_PREFIX):
            name = name[len(PRC_PREFIX):]
        return self._alias.get(name, name)

    def slug(self, name: str) -> str:
        """The ASCII slug of a canonical name: from the table, else pinyin initials plus a hash."""
        law = self.laws.get(name)
        if law:
            return law.slug
        initials = "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p and p[0].isascii() and p[0].isalnum())
        digest = hashlib.sha1(name.encode()).hexdigest()[:6]
        return f"{initials.lower()[:24]}-{digest}" if initials else f"law-{digest}"

    def expansions(self) -> dict[str, str]:
        """Every short form mapped to its canonical name, for query expansion."""
        return {alias: name for alias, name in self._alias.items() if alias != name}

    def extract(self, text: str) -> list[str]:
        """Canonical names of the laws cited in ``text``, in order of first citation."""
        seen: dict[str, None] = {}
        for match in CITATION_RE.finditer(text):
            name = self.canonical(match.group(1))
            if name.endswith(LAW_SUFFIXES) or name in self.laws:
                seen.setdefault(name, None)
        return list(seen)


@lru_cache(maxsize=1)
def law_table() -> LawTable:
    """The table shipped in ``fazhi/data/laws.yaml``."""
    raw = yaml.safe_load(resources.files("fazhi").joinpath("data/laws.yaml").read_text("utf-8"))
    return LawTable([Law(item["name"], item["slug"], tuple(item.get("short") or ())) for item in raw])
