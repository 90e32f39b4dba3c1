"""The time budget of one search, checked cooperatively in every loop of the query side.

A search gets a ``Deadline`` when it starts. Its parts (phrase verification,
exclusions, scoring, facets, snippets, suggestions) call ``check()`` as they go,
every few milliseconds of work at most, so a search past its budget stops within
a few milliseconds and raises SearchTimeout, which the API answers with 503.
``soft`` is the CPU time after which scoring stops adding clauses and the
answer is flagged partial instead. ``lane``, when given, is how much CPU time the search
may use where it is (a server's fast lane, ``search.workers``): past it, it
stops with SlowSearch and the server runs it again in its slow lane.
"""

from __future__ import annotations

import time

from fazhi.errors import SearchQueryError


class SearchTimeout(SearchQueryError):
    """A search ran past its time budget (HTTP 503 with Retry-After)."""

    def __init__(self, budget: float):
        super().__init__(f"the search took longer than {budget:g} s; try fewer or more specific words", status=503)
        self.budget = budget


class SlowSearch(Exception):
    """A search ran past its lane's limit; it is to run again where slow searches go."""


class Deadline:
    """Started now; ``soft`` and ``hard`` seconds from now the search is cut short or stopped."""

    def __init__(self, soft: float, hard: float, lane: float | None = None):
        self.started = time.perf_counter()
        self.budget = hard
        # Scoring's soft budget counts CPU time too: on a busy machine a search is cut short by its own work only.
        self.soft = time.thread_time() + min(soft, hard)
        self.hard = self.started + hard
        # The lane's limit counts CPU time of this thread: a search slowed down by a busy machine is not a slow search.
        self.lane = time.thread_time() + lane if lane is not None and lane < hard else None

    def check(self) -> None:
        """Raise SearchTimeout once the hard limit has passed, SlowSearch once the lane's limit (CPU time) has."""
        if time.perf_counter() > self.hard:
            raise SearchTimeout(self.budget)
        if self.lane is not None and time.thread_time() > self.lane:
            raise SlowSearch

    def soft_passed(self) -> bool:
        return time.thread_time() > self.soft

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 1)
