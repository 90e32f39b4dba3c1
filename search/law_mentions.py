"""Laws named in a query: by name, without 中华人民共和国, in 《》, or by a short form.

``resolve_laws`` returns the query text with every such mention written as the
law's canonical name (an ambiguous short form as every law it may mean), and the
names in order. The query is then searched for the name, never for the loose
characters of a short form (保法 is not a word of 担保法), and the engine ranks the
document whose title is that law first. Mentions are found on the segmenter's
words, whose dictionary holds every name and short form (``search.analysis``),
so a short form inside a longer word (取消法定 is not 消法) is not a mention.
"""

from __future__ import annotations

import re

from fazhi.law.names import PRC_PREFIX, law_table
from search.analysis import segment

_CITED = re.compile(r"《([^《》]{1,60})》")


def resolve_laws(text: str) -> tuple[str, list[str]]:
    """(text with law mentions replaced by canonical names, the names in order of mention)."""
    table = law_table()
    names: dict[str, None] = {}

    def cited(match: re.Match[str]) -> str:
        found = table.resolve(match.group(1))
        names.update(dict.fromkeys(found))
        return f" {' '.join(found)} " if found else f" {match.group(1)} "

    text = _CITED.sub(cited, text)
    forms = table.forms()
    out: list[str] = []
    last = 0
    words = segment(text)
    for n, (word, start, end) in enumerate(words):
        if word == PRC_PREFIX and n + 1 < len(words) and words[n + 1][0] in forms:
            out.append(text[last:start])
            last = end
            continue
        found = forms.get(word) if len(word) > 1 else None
        if found:
            names.update(dict.fromkeys(found))
            out.append(f"{text[last:start]} {' '.join(found)} ")
            last = end
    out.append(text[last:])
    return "".join(out), list(names)
