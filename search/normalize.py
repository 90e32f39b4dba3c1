"""What the user typed, in the form the index holds: one spelling for the same query.

- NFKC (``fazhi.normalize.fold_forms``, shared with text read from files): full-width letters, digits and
  punctuation (Ａ１，) become their ordinary forms;
- traditional characters become simplified (zhconv's ``zh-hans`` table, character by
  character, no regional vocabulary), as the archive is written in simplified Chinese;
- a number in 第N条 (and 款, 项, 章, 节, 编) is written in Chinese numerals, as laws
  number their provisions: 第25条 = 第二十五条.

Only queries are normalised here; stored text is folded for matching by
``search.analysis.normalize``, which keeps offsets.
"""

from __future__ import annotations

import re

import zhconv

from fazhi.normalize import fold_forms

_PROVISION = re.compile(r"第\s*(\d{1,5})\s*([条款项章节编])")
_DIGITS = "零一二三四五六七八九"
_UNITS = ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"))


def normalize_query(text: str) -> str:
    """NFKC, simplified characters, Chinese numerals in 第N条."""
    text = zhconv.convert(fold_forms(text), "zh-hans")
    return _PROVISION.sub(lambda m: f"第{chinese_number(int(m.group(1)))}{m.group(2)}", text)


def chinese_number(n: int) -> str:
    """``n`` (0 to 99,999) as laws write it: 10 十, 25 二十五, 105 一百零五, 1064 一千零六十四."""
    if n < 10:
        return _DIGITS[n]
    out, zero = [], False
    for unit, name in _UNITS:
        digit, n = divmod(n, unit)
        if digit:
            if zero:
                out.append("零")
            out.append(("" if unit == 10 and not out and digit == 1 else _DIGITS[digit]) + name)
            zero = False
        elif out:
            zero = True
    if n:
        out.append(("零" if zero else "") + _DIGITS[n])
    return "".join(out)
