"""Opening the index for queries: one searcher (and its IndexView) per thread and generation.

A view is reused while its searcher is up to date and replaced after a commit
or when CURRENT names a new generation; the stale one is closed. Each thread of
a server (and each worker process) keeps its own, as Whoosh searchers are not
shared between threads.
"""

from __future__ import annotations

import threading
from pathlib import Path

from whoosh import index as whoosh_index

from fazhi.errors import SearchQueryError
from search.indexer import current_generation
from search.ranking import IndexView

_local = threading.local()


def open_view(index_dir: Path) -> IndexView:
    """The view of the live generation of ``index_dir``; 503 when there is no index."""
    generation = current_generation(Path(index_dir))
    if generation is None:
        raise SearchQueryError(f"no search index at {index_dir}: run `fazhi index` first", status=503)
    views: dict[str, IndexView] = getattr(_local, "views", None) or {}
    _local.views = views
    key = str(generation)
    view = views.get(key)
    if view is not None and view.searcher.up_to_date():
        return view
    # A fresh searcher, never Searcher.refresh(): Whoosh 2.7.5 then keeps the old segment beside the
    # new one when only its deletions changed, and deleted documents come back.
    for stale in [k for k in views if Path(k).parent == generation.parent]:
        views.pop(stale).searcher.close()
    view = views[key] = IndexView(whoosh_index.open_dir(key).searcher())
    return view
