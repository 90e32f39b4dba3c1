"""Highlighted snippets from stored text: <mark> around query terms, everything else HTML-escaped.

Matching is by substring on the stored text, so 废物 is marked inside 固体废物
just as the bigram field finds it there, and full-width letters and digits
match as their ASCII forms (``search.analysis.normalize``), by a pattern that
lists both rather than folding a whole law's text for each snippet. The snippet
is the window of ``width`` characters holding the most distinct terms, cut from the
text with its whitespace collapsed (``collapse``), which the caller does once: a law
shown for many questions is collapsed once (``search.ranking.IndexView.shown``).
"""

from __future__ import annotations

import html
import re

from search.analysis import normalize, unfolded_pattern

SNIPPET_CHARS = 120
# Occurrences looked at when choosing the window: enough for any page, bounded for huge documents.
MAX_OCCURRENCES = 400


def collapse(text: str) -> str:
    """``text`` with each run of whitespace (line breaks, indents) one space, as snippets are cut from it."""
    return " ".join(text.split())


class Highlighter:
    """Marks ``terms`` (case-insensitive, longest first) in titles and snippets."""

    def __init__(self, terms: list[str]):
        ordered = sorted({t.lower() for t in terms if t.strip()}, key=len, reverse=True)
        alternatives = [p for p in map(unfolded_pattern, ordered) if p is not None]
        self.pattern = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None

    def mark(self, text: str) -> str:
        """``text`` escaped, every occurrence of a term wrapped in <mark>."""
        if self.pattern is None:
            return html.escape(text)
        out, last = [], 0
        for m in self.pattern.finditer(text):
            out.append(html.escape(text[last:m.start()]))
            out.append(f"<mark>{html.escape(text[m.start():m.end()])}</mark>")
            last = m.end()
        out.append(html.escape(text[last:]))
        return "".join(out).replace("</mark><mark>", "")

    def count(self, text: str) -> int:
        """How many distinct terms occur in ``text`` (0 without terms)."""
        if self.pattern is None:
            return 0
        return len({normalize(m.group()).lower() for m in self.pattern.finditer(text)})

    def snippet(self, text: str, width: int = SNIPPET_CHARS) -> str:
        """The best window of ``text`` (its whitespace already collapsed: ``collapse``), marked, with … where it was cut."""
        occurrences: list[tuple[int, str]] = []
        if self.pattern is not None:
            for m in self.pattern.finditer(text):
                occurrences.append((m.start(), normalize(m.group()).lower()))
                if len(occurrences) >= MAX_OCCURRENCES:
                    break
        begin = 0
        if occurrences:
            best = -1
            end_index = 0
            for i, (start, _) in enumerate(occurrences):
                while end_index < len(occurrences) and occurrences[end_index][0] < start + width - 10:
                    end_index += 1
                distinct = len({term for _, term in occurrences[i:end_index]})
                if distinct > best:
                    best, begin = distinct, max(0, start - width // 6)
        end = min(len(text), begin + width)
        return ("…" if begin else "") + self.mark(text[begin:end]) + ("…" if end < len(text) else "")
