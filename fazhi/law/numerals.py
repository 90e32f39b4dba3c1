"""Chinese article numbers: 第一千二百六十条 ⇄ 1260, 第一百二十条之一 ⇄ (120, 1).

Statutes number their articles in Chinese numerals; articles inserted later
carry 之一, 之二 after the number they follow. Citations in articles use the
same numerals or Arabic digits (第25条). Every part of the project that names
an article speaks of it as an ``ArticleNo`` and its ASCII anchor (``a120-1``).
"""

from __future__ import annotations

from typing import NamedTuple

DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
          "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# One number as written in a statute or a citation: Chinese numerals or Arabic (also full-width) digits.
NUMBER = r"[零〇一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]+|[0-9０-９]+"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def to_int(text: str) -> int | None:
    """The value of a Chinese or Arabic numeral, or None when ``text`` is not one.

    Handles the forms statutes use: 十二 (12), 一百零五 (105), 一千二百六十 (1260),
    also 二〇二一-style digit strings and 万 for completeness.
    """
    text = text.strip().translate(_FULL_WIDTH)
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in DIGITS and ch not in UNITS and ch != "万" for ch in text):
        return None
    if all(ch in DIGITS for ch in text) and len(text) > 1:
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + section + (digit or 0)


_SMALL = "零一二三四五六七八九"


def to_chinese(value: int) -> str:
    """``value`` (0 < value < 10000) as statutes write it: 25 → 二十五, 1260 → 一千二百六十, 105 → 一百零五."""
    if not 0 < value < 10000:
        raise ValueError(f"{value} is outside the article numbers statutes use")
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(("" if unit == 10 and digit == 1 and not parts else _SMALL[digit]) + name)
    return "".join(parts)


class ArticleNo(NamedTuple):
    """An article's number and its 之N insertion index (0 for a plain article)."""

    number: int
    sub: int = 0

    @property
    def anchor(self) -> str:
        """The ASCII fragment id on law pages: ``a25``, ``a120-1``."""
        return f"a{self.number}-{self.sub}" if self.sub else f"a{self.number}"

    @property
    def label(self) -> str:
        """How statutes print it: 第二十五条, 第一百二十条之一."""
        return f"第{to_chinese(self.number)}条" + (f"之{to_chinese(self.sub)}" if self.sub else "")
