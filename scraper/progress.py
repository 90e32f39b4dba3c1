"""How a run tells its caller how far it got, without knowing how that is shown.

The application passes an object with these four methods (a rich progress bar on a
terminal); the scraper calls them from its worker threads. ``NO_PROGRESS`` shows nothing.
"""

from __future__ import annotations

from typing import Any, Protocol


class ScrapeProgress(Protocol):
    """One task per source: started, its article count once the list is walked, one step per article, done."""

    def start(self, name: str) -> Any: ...

    def total(self, task: Any, total: int) -> None: ...

    def advance(self, task: Any) -> None: ...

    def done(self, task: Any) -> None: ...


class _Silent:
    def start(self, name: str) -> Any:
        return None

    def total(self, task: Any, total: int) -> None:
        pass

    def advance(self, task: Any) -> None:
        pass

    def done(self, task: Any) -> None:
        pass


NO_PROGRESS: ScrapeProgress = _Silent()
