"""What a killed nightly run leaves behind, found and removed by the next run (under the nightly lock).

A run killed with SIGKILL cannot clean up after itself. It may leave: a partial
release, a release being deleted, a temporary ``current`` link, a sealed release
it never published (``fazhi_app.releases``), temporary files of atomic writes
in the raw-page store, the content tree or the reports folder (``fazhi.files``),
and its report stuck at ``running`` or ``building``. The next run removes the
files, marks such a report ``interrupted`` and lists both in its own report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fazhi.config import Settings
from fazhi.files import remove_stale_temp_files
from fazhi_app.releases import Releases
from fazhi_app.run_record import UNFINISHED, RunRecord
from scraper.store import remove_raw_temp_files

INTERRUPTED = "interrupted"
LATEST = "latest.json"


@dataclass
class Leftovers:
    """What this run found of earlier, killed runs."""

    removed: list[str] = field(default_factory=list)  # release folders and links by name, temporary files by path
    interrupted: list[str] = field(default_factory=list)  # run ids whose reports were stuck


def clean_after_killed_runs(settings: Settings, releases: Releases, reports: Path, run: str) -> Leftovers:
    """Remove what killed runs left and mark their reports; ``run`` is the id of the run doing it."""
    found = Leftovers(removed=releases.clean_leftovers())
    paths = settings.paths
    for base, removed in (
        (paths.state, remove_raw_temp_files(paths.state)),
        (paths.state, remove_stale_temp_files(reports)),
        (paths.content, remove_stale_temp_files(paths.content)),
    ):
        found.removed += [str(Path(base.name) / path.relative_to(base)) for path in removed]
    found.interrupted = mark_interrupted(reports, run)
    return found


def mark_interrupted(reports: Path, run: str) -> list[str]:
    """Mark every other run's report still at ``running``/``building`` as ``interrupted``; returns their run ids."""
    marked: list[str] = []
    for path in sorted(reports.glob("*.json")):
        if path.name == LATEST or path.stem == run:
            continue
        try:
            record = RunRecord.read(path)
        except (OSError, ValueError, TypeError, KeyError):
            continue
        outcome = record.outcome
        if outcome.status not in UNFINISHED:
            continue
        outcome.message = f"interrupted: the run was stopped while {outcome.status} and never finished; found by run {run}"
        outcome.status, outcome.interrupted_by = INTERRUPTED, run
        record.write(path)
        marked.append(path.stem)
    return marked
