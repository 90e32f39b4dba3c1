"""The known questions imported into the state folder, as the search index takes them.

``fazhi laws questions import`` keeps question -> article pairs in ``<state>/questions.json``
(``fazhi.law.questions``); each article's unit of kind ``provisions`` holds its questions in a
field of its own (``search.law_documents``). Every path that writes or verifies the index reads
them here, so the nightly job, ``fazhi index`` and ``--verify`` join the same set.
"""

from __future__ import annotations

from collections.abc import Callable

from fazhi.config import Settings
from fazhi.errors import ConfigError
from fazhi.law.questions import load_questions, questions_by_article
from search.law_documents import LawIndexed, Questions, library_documents


def joined_questions(settings: Settings, warn: Callable[[str], None] | None = None) -> Questions:
    """(law name, article number) -> its known questions. A damaged set is a ConfigError naming the file, or, with
    ``warn`` (the nightly job, which must not stop for it), a warning and no questions."""
    try:
        return questions_by_article(load_questions(settings.paths.state))
    except ValueError as exc:
        if warn is None:
            raise ConfigError(str(exc)) from exc
        warn(f"{exc}; the article units are indexed without known questions")
        return {}


def law_index_documents(settings: Settings, warn: Callable[[str], None] | None = None) -> list[LawIndexed]:
    """The law library's documents and article units, the known questions joined to their units."""
    return library_documents(settings.paths.law_library, questions=joined_questions(settings, warn))
