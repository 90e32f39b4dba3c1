"""One spelling for the same text, shared by what users type and what is read out of files.

Queries (``search.normalize``) and text extracted from attachments and images (``extract``) are
folded the same way, so a phrase typed in a query is found in a file: NFKC turns full-width letters,
digits and punctuation (Ａ１，) into their ordinary forms and compatibility characters into the
ideographs they stand for (the CJK compatibility ideographs and Kangxi radicals that PDF text layers
often carry). NFKC leaves CJK unified ideographs and the ideographic full stop and comma alone, so
it is safe for Chinese. ``tidy_text`` adds what file text needs on top: invisible characters
dropped, and the spaces that PDF and OCR output put between Chinese characters removed; tabs (between
cells of a table) kept.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters, the soft hyphen and the byte-order mark: invisible, but they split words.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# Control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CJK = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")
_SPACES = re.compile(r"[ \u3000]+")
# Radicals-supplement forms of whole characters (⺠ CJK RADICAL CIVILIAN), which PDF fonts map glyphs to and NFKC
# leaves alone, as the ideographs they stand for; radicals that are only components are left as they are.
_RADICALS = str.maketrans({"\u2e9f": "母", "\u2ea0": "民", "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角", "\u2ec9": "贝",
                           "\u2ecb": "车", "\u2ed3": "长", "\u2ed4": "门", "\u2ed8": "青", "\u2eda": "页", "\u2edb": "风",
                           "\u2edc": "飞", "\u2edd": "食", "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼",
                           "\u2ee6": "鸟", "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eec": "齐",
                           "\u2eee": "齿", "\u2ef0": "龙", "\u2ef3": "龟"})
_BLANK_LINES = re.compile(r"\n{3,}")


def fold_forms(text: str) -> str:
    """NFKC: full-width and compatibility forms become the ordinary characters a query is written in; so do the
    radicals-supplement forms (⺠ for 民) that NFKC does not know."""
    return unicodedata.normalize("NFKC", text).translate(_RADICALS)


def tidy_text(text: str) -> str:
    """Text read from a file, folded as queries are, with its whitespace made plain: one space between
    words, none between Chinese characters, no trailing spaces, at most one blank line in a row."""
    text = _CONTROL.sub(" ", fold_forms(text.replace("\r\n", "\n").replace("\r", "\n")).translate(_INVISIBLE))
    lines = (_CJK_GAP.sub("", _SPACES.sub(" ", line)).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


__all__ = ["fold_forms", "tidy_text"]
