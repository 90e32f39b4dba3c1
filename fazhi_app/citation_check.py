"""Citation warnings for ``fazhi check``: every 《X》第N条 the site cannot link, with its line.

Only with a law library set. A citation stays plain text when its law is not in the
library (or was repealed and its text is absent) or the article number is beyond the
version in force on the article's date; staff see it here, the build does not fail.
The Markdown is scanned line by line with the same scanner the site build runs on the
HTML; a blank line, heading, list item or table row starts a new block.
"""

from __future__ import annotations

import re
from pathlib import Path

from fazhi.config import Settings
from fazhi.content import ContentTree
from fazhi.errors import Problem
from fazhi.law.citations import CitationScanner
from fazhi.law.library import Library, load_library

BLOCK_START_RE = re.compile(r"^\s*(?:#|[-*+]\s|\d+[.)]\s|\||>|$)")


def citation_warnings(settings: Settings, tree: ContentTree, library: Library | None = None) -> list[Problem]:
    """One warning per unresolvable citation in the valid articles of ``tree``."""
    if library is None:
        if settings.paths.law_library is None:
            return []
        library = load_library(settings.paths.law_library)
    warnings: list[Problem] = []
    for article in tree.articles:
        if article.path is None:
            continue
        path = tree.root / article.path
        lines = Path(path).read_text("utf-8").split("\n")
        start = _body_start(lines)
        scanner = CitationScanner(library, article.date.date())
        for number in range(start, len(lines)):
            line = lines[number]
            if BLOCK_START_RE.match(line):
                scanner.reset()
            for cell in line.split("|") if line.lstrip().startswith("|") else (line,):
                _, unresolved = scanner.scan(cell)
                warnings.extend(Problem(str(article.path), number + 1, f"warning: {u.text} is not linked: {u.reason}") for u in unresolved)
                if len(cell) != len(line):
                    scanner.reset()
    return warnings


def _body_start(lines: list[str]) -> int:
    """Index of the first body line: after the front matter's closing ``---``."""
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return index + 1
    return 0
