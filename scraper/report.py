"""What a scrape run did: one ``SourceReport`` per source inside a ``ScrapeReport``.

Plain data: the application turns it into a table, JSON or the nightly summary.
Exit codes (``ScrapeReport.exit_code``): 0 every source ok (robots skips allowed),
1 a source failed or some of its articles failed, 3 a source was blocked or left
unfinished by a time limit and none failed (2 is the command line's own code: bad
config or options).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SourceReport:
    """What one source's run did. ``status``: ok, partial (some articles failed), failed, blocked, unfinished (a time limit
    stopped it or an answer was too slow; the rest waits for the next night).

    ``walk`` is ``full`` (every list page) or ``incremental`` (stopped at the first page with
    nothing new); ``list_pages`` the list requests it made. ``unchanged`` counts every listed
    article left as it was, ``not_due`` those of them whose page was not asked for at all;
    ``revisited`` pages fetched again because they were due (``changed_by_revisit`` of them
    changed); ``merged`` new URLs of articles already archived under another; ``assets_backed_off``
    dead or refused assets not asked for again because their article is not due.
    """

    name: str
    platform: str
    status: str = "ok"
    walk: str = "full"
    list_pages: int = 0
    entries: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    not_listed: int = 0
    conflicts: int = 0
    skipped: int = 0
    failed: int = 0
    not_due: int = 0
    revisited: int = 0
    changed_by_revisit: int = 0
    merged: int = 0
    assets_backed_off: int = 0
    requests: int = 0
    not_modified: int = 0
    seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.status == "blocked"

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "blocked": self.blocked}


@dataclass
class ScrapeReport:
    """The whole run: one SourceReport per source, in config order."""

    started: str
    finished: str = ""
    offline: bool = False
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return any(s.new or s.changed or s.removed for s in self.sources)

    @property
    def failed_sources(self) -> list[str]:
        return [s.name for s in self.sources if s.status in ("failed", "partial")]

    @property
    def blocked_sources(self) -> list[str]:
        return [s.name for s in self.sources if s.status == "blocked"]

    @property
    def unfinished_sources(self) -> list[str]:
        return [s.name for s in self.sources if s.status == "unfinished"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_sources else 3 if self.blocked_sources or self.unfinished_sources else 0

    def source(self, name: str) -> SourceReport:
        return next(s for s in self.sources if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "started": self.started, "finished": self.finished, "offline": self.offline,
            "changed_anything": self.changed_anything, "failed_sources": self.failed_sources,
            "blocked_sources": self.blocked_sources, "unfinished_sources": self.unfinished_sources, "exit_code": self.exit_code,
            "sources": [s.to_dict() for s in self.sources],
        }


def now_stamp() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")
