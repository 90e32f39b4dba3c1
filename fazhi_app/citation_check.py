"""Citation warnings for ``fazhi check``: every 《X》第N条 the site cannot link, with its line.

Only with a law library set. A citation stays plain text when its law is not in the
library (or was repealed and its text is absent) or the article number is beyond the
version in force on the article's date; staff see it here, the build does not fail.
The Markdown is scanned line by line with the same scanner the site build runs on the
HTML; a blank line, heading, list item or table row starts a new block.
"""

from __future__ import annotations

from pathlib import Path

from fazhi.config import Settings
from fazhi.content import ContentTree
from fazhi.errors import Problem
from fazhi.law.citations import CitationScanner, scan_markdown
from fazhi.law.library import Library, load_library


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
        for number, _, unresolved in scan_markdown(CitationScanner(library, article.date.date()), lines[start:]):
            line = start + number + 1
            warnings.extend(Problem(str(article.path), line, f"warning: {u.text} is not linked: {u.reason}") for u in unresolved)
    return warnings


def _body_start(lines: list[str]) -> int:
    """Index of the first body line: after the front matter's closing ``---``."""
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return index + 1
    return 0
