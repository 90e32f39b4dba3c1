"""Where a legal text stands in the hierarchy of norms (效力位阶), read from its library folder.

A library file's folders name its kind: the LawRefBook layout files national laws
by branch (民法典, 刑法, 社会法 …), then 行政法规, 司法解释, 部门规章 and local
regulations under DLC/…/地方性法规. Search weighs a text by its level (a question
from the public is usually answered by a national law before a city's
regulation), and the law pages name it. Our own archive's articles have no level.
"""

from __future__ import annotations

from pathlib import PurePosixPath

# Levels, highest first; the names are stable: they are stored in the search index and used in settings.
LEVELS = ("law", "administrative", "judicial", "rules", "local", "case", "other")
LEVEL_NAMES = {
    "law": "法律", "administrative": "行政法规", "judicial": "司法解释", "rules": "规章",
    "local": "地方性法规", "case": "案例", "other": "其他",
}
# Folder names and the level they mean; the national law branches of the LawRefBook layout are all 法律.
_FOLDERS = {
    **dict.fromkeys(
        ("法律", "宪法", "宪法相关法", "民法典", "民法商法", "刑法", "行政法", "经济法", "社会法", "诉讼与非诉讼程序法"), "law",
    ),
    "行政法规": "administrative",
    "司法解释": "judicial",
    **dict.fromkeys(("部门规章", "地方政府规章", "规章"), "rules"),
    **dict.fromkeys(("地方性法规", "DLC", "自治条例", "单行条例", "经济特区法规"), "local"),
    **dict.fromkeys(("案例", "指导性案例", "典型案例"), "case"),
}


def law_level(rel: str) -> str:
    """The level of a library file from its path below the library root (the deepest folder that names one wins)."""
    for folder in reversed(PurePosixPath(rel).parts[:-1]):
        if folder in _FOLDERS:
            return _FOLDERS[folder]
    return "other"
