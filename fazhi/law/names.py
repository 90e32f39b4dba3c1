"""Cited laws: find 《…》 citations in text and resolve them to canonical names.

The table in ``fazhi/law/names.yaml`` maps short forms (《固废法》) to canonical
names (固体废物污染环境防治法) and gives each law its ASCII page slug. The site's
law index and the search query expansion share it, so a law has one name
everywhere. A short form naming two laws (国安法) is marked ambiguous: a search
expands it to both (``resolve``), a citation resolves to neither (``canonical``).
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
    ambiguous: tuple[str, ...] = ()


class LawTable:
    """Lookup of canonical names, slugs and short forms."""

    def __init__(self, laws: list[Law]):
        self.laws = {law.name: law for law in laws}
        self._alias: dict[str, str] = {}
        self._ambiguous: dict[str, tuple[str, ...]] = {}
        for law in laws:
            self._alias[law.name] = law.name
            for short in law.short:
                if self._alias.get(short, law.name) != law.name:
                    raise ValueError(f"names.yaml: short form {short} names both {self._alias[short]} and {law.name}; mark it ambiguous")
                self._alias[short] = law.name
            for short in law.ambiguous:
                self._ambiguous[short] = (*self._ambiguous.get(short, ()), law.name)
        for short, names in self._ambiguous.items():
            if len(names) < 2 or short in self._alias:
                raise ValueError(f"names.yaml: ambiguous short form {short} must be listed under two or more laws and nowhere else")

    def canonical(self, cited: str) -> str:
        """The canonical name for a citation's text (prefix and qualifiers dropped); an ambiguous short form stays as written."""
        name = _bare(cited)
        return self._alias.get(name, name)

    def resolve(self, text: str) -> tuple[str, ...]:
        """The laws a written name means: one for a name or short form, several for an ambiguous one, none when unknown."""
        name = _bare(text)
        if name in self._alias:
            return (self._alias[name],)
        return self._ambiguous.get(name, ())

    def forms(self) -> dict[str, tuple[str, ...]]:
        """Every written form (canonical names, short forms, ambiguous short forms) and the laws it means."""
        forms = {alias: (name,) for alias, name in self._alias.items()}
        forms.update(self._ambiguous)
        return forms

    def slug(self, name: str) -> str:
        """The ASCII slug of a canonical name: from the table, else pinyin initials plus a hash."""
        law = self.laws.get(name)
        return law.slug if law else _made_slug(name)

    def expansions(self) -> dict[str, str]:
        """Every unambiguous short form mapped to its canonical name, for query expansion."""
        return {alias: name for alias, name in self._alias.items() if alias != name}

    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        """Every ambiguous short form and the laws it may mean."""
        return dict(self._ambiguous)

    def extract(self, text: str) -> list[str]:
        """Canonical names of the laws cited in ``text``, in order of first citation."""
        seen: dict[str, None] = {}
        for match in CITATION_RE.finditer(text):
            name = self.canonical(match.group(1))
            if name.endswith(LAW_SUFFIXES) or name in self.laws:
                seen.setdefault(name, None)
        return list(seen)


@lru_cache(maxsize=8192)
def _made_slug(name: str) -> str:
    """Pinyin initials plus a hash, for a name the table lacks; kept, as pinyin is slow and a law's articles ask again."""
    initials = "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p and p[0].isascii() and p[0].isalnum())
    digest = hashlib.sha1(name.encode()).hexdigest()[:6]
    return f"{initials.lower()[:24]}-{digest}" if initials else f"law-{digest}"


def law_slug(name: str) -> str:
    """The ASCII slug of a law's page, by its canonical name (``LawTable.slug``)."""
    return law_table().slug(name)


def law_url(slug: str) -> str:
    """The site-relative URL of a law's page: ``laws/<slug>/`` (the site, citations and the search index share it)."""
    return f"laws/{slug}/"


def _bare(cited: str) -> str:
    """A cited name without 《》, spaces, trailing qualifiers and the 中华人民共和国 prefix."""
    name = cited.strip().strip("《》").replace(" ", "").replace("\u3000", "")
    while QUALIFIER_RE.search(name):
        name = QUALIFIER_RE.sub("", name)
    if name.startswith(PRC_PREFIX) and len(name) > len(PRC_PREFIX):
        name = name[len(PRC_PREFIX):]
    return name


@lru_cache(maxsize=1)
def law_table() -> LawTable:
    """The table shipped in ``fazhi/law/names.yaml``."""
    raw = yaml.safe_load(resources.files("fazhi.law").joinpath("names.yaml").read_text("utf-8"))
    return LawTable([
        Law(item["name"], item["slug"], tuple(item.get("short") or ()), tuple(item.get("ambiguous") or ())) for item in raw
    ])
