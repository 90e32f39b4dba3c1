"""A query to try when a search finds nothing: without its filters, without phrases and exclusions, or a close word.

``suggest`` returns ``(suggestion, reason)`` with reason ``drop_filters``,
``fewer_terms`` or ``similar_term``, or ``(None, None)``.
"""

from __future__ import annotations

from collections.abc import Callable

from search.deadline import Deadline
from search.ranking import IndexView
from search.request import SearchRequest
from search.syntax import ParsedQuery


def suggest(
    parsed: ParsedQuery, request: SearchRequest, view: IndexView, deadline: Deadline, found_without_filters: Callable[[], bool],
) -> tuple[str | None, str | None]:
    """A query that would find something: the same without filters, without phrases/exclusions, or a close word."""
    display = parsed.display()
    if request.has_filters and parsed.positive and found_without_filters():
        return display, "drop_filters"
    if parsed.phrases or parsed.excluded:
        loose = " ".join(parsed.free_text + [p.text for p in parsed.phrases])
        if loose and loose != display:
            return loose, "fewer_terms"
    # Titles' words only: the body lexicon is ten times larger and Whoosh walks it in Python.
    corrector = view.searcher.corrector("title")
    fixed, changed = [], False
    for group in parsed.words:
        deadline.check()
        word = group[0]
        options = corrector.suggest(word, limit=1, maxdist=1) if len(word) > 1 else []
        changed |= bool(options) and options[0] != word
        fixed.append(options[0] if options else word)
    return (" ".join(fixed), "similar_term") if changed else (None, None)
