"""How a scrape looks on a terminal: the progress bars while it runs and the table after it.

Kept in the application, apart from the scraper, so that changing the presentation
never changes what the scraper extracts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from scraper.progress import NO_PROGRESS, ScrapeProgress
from scraper.report import ScrapeReport

STATUS_STYLES = {"ok": "green", "partial": "yellow", "failed": "red", "blocked": "magenta", "unfinished": "yellow"}
COLUMNS = ("list_pages", "new", "changed", "unchanged", "not_due", "revisited", "changed_by_revisit", "merged", "removed", "not_listed",
           "conflicts", "skipped", "failed", "assets_backed_off", "requests", "not_modified")
HEADINGS = {"list_pages": "list pages", "not_due": "not due", "changed_by_revisit": "changed by revisit", "not_listed": "not listed",
            "assets_backed_off": "assets backed off", "not_modified": "304"}
# Terminals get the table at their width; logs and pipes at this one, so no source name is cut.
LOG_WIDTH = 220


def report_table(report: ScrapeReport) -> Table:
    """The end-of-run table: one row per source."""
    table = Table(title="scrape report", title_justify="left")
    for column in ("source", "status", "walk", *(HEADINGS.get(c, c) for c in COLUMNS), "seconds"):
        text = column in ("source", "status", "walk")
        table.add_column(column, justify="left" if text else "right", no_wrap=text)
    for s in report.sources:
        table.add_row(s.name, f"[{STATUS_STYLES[s.status]}]{s.status}[/]", s.walk, *(str(getattr(s, c)) for c in COLUMNS),
                      f"{s.seconds:.1f}")
    return table


def print_report(report: ScrapeReport, console: Console) -> None:
    """The table, then the reasons of each source."""
    console.print(report_table(report))
    for source in report.sources:
        for reason in source.reasons:
            console.print(f"  [dim]{source.name}:[/] {reason}", markup=True, highlight=False)


class RichProgress:
    """A ``ScrapeProgress`` drawing one rich bar per source; the display starts with the first source, so a run that
    stops before any (an unknown source name) leaves the terminal as it was."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.totals: dict[Any, int] = {}
        self.started = False
        self._lock = threading.Lock()

    def start(self, name: str) -> Any:
        with self._lock:
            if not self.started:
                self.progress.start()
                self.started = True
        return self.progress.add_task(name, total=None)

    def total(self, task: Any, total: int) -> None:
        self.totals[task] = total
        self.progress.update(task, total=total)

    def advance(self, task: Any) -> None:
        self.progress.advance(task)

    def done(self, task: Any) -> None:
        total = self.totals.get(task, 0)
        self.progress.update(task, completed=total, total=total)


@contextmanager
def progress_bars(enabled: bool) -> Iterator[ScrapeProgress]:
    """Progress bars on stderr while the block runs, or nothing."""
    if not enabled:
        yield NO_PROGRESS
        return
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True))
    bars = RichProgress(progress)
    try:
        yield bars
    finally:
        if bars.started:
            progress.stop()
