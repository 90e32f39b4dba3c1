"""The nightly run's record: one typed section per step, written as the run report (JSON).

Each step of ``fazhi_app.nightly`` owns one section and fills only that one; the summary,
the status page, the snapshot commit message and the JSON report are all made from the
record. On disk the sections are flat: every field of every section is one top-level key,
named as in reports before the record had a version, plus ``record_version``. A report
of any version reads: keys it lacks take their defaults and keys it has that this version
does not know are ignored, so a field added to a section later reads from older reports.

Adding a step: give it a section here (fields with defaults), add the section to
``RunRecord``, and list the step in ``fazhi_app.nightly.STEPS``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi.files import write_json

RECORD_VERSION = 2  # 1: the unversioned report of earlier releases (same keys, no ``record_version``)
# Per-source numbers of the scrape shown in the summary, on the status page and in its history.
SOURCE_COUNTS = ("new", "changed", "unchanged", "not_due", "revisited", "merged", "removed", "conflicts", "failed", "requests")
# Statuses of a run still going; found on another run's report, that run was killed.
UNFINISHED = ("running", "building")
TERMINAL = ("published", "unchanged", "failed", "interrupted")


@dataclass
class SourceRow:
    """One source's line of the scrape: its status (ok, partial, failed, blocked, unfinished), counts and reasons."""

    name: str
    status: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_due: int = 0
    revisited: int = 0
    merged: int = 0
    removed: int = 0
    conflicts: int = 0
    failed: int = 0
    requests: int = 0
    reasons: list[str] = field(default_factory=list)

    @classmethod
    def from_scrape(cls, source: dict[str, Any]) -> SourceRow:
        return cls(name=source["name"], status=source["status"], **{k: int(source.get(k) or 0) for k in SOURCE_COUNTS},
                   reasons=[str(r) for r in source.get("reasons") or []])


@dataclass
class Outcome:
    """The run as a whole: identity, status, exit code and one-line message (written by ``finish``)."""

    run: str | None = None
    started: str | None = None
    finished: str | None = None
    status: str = "running"  # running | building | published | unchanged | failed | interrupted
    exit_code: int | None = None
    message: str = ""
    fazhi_version: str = ""
    error: str | None = None
    traceback: str | None = None  # in the report file only; the log keeps to the summary
    interrupted_by: str | None = None  # the run that found this one killed


@dataclass
class Cleanup:
    """The ``cleanup`` step: leftovers of killed runs removed, and those runs' ids."""

    cleaned: list[str] = field(default_factory=list)
    interrupted: list[str] = field(default_factory=list)


@dataclass
class ReleaseSection:
    """What was served before the run and after it; the ``build`` step names the release, ``publish`` switches to it."""

    previous: str | None = None
    current: str | None = None
    release: str | None = None
    published: bool = False
    pruned: list[str] = field(default_factory=list)
    rollback: dict[str, Any] | None = None  # the rollback in force (``Releases.rollback_in_force``), until something changes since


@dataclass
class ScrapeSection:
    """The ``scrape`` step: the scraper's own report, one row per source, and the sources with a problem."""

    scrape: dict[str, Any] | None = None
    sources: list[SourceRow] = field(default_factory=list)
    problem_sources: list[str] = field(default_factory=list)


@dataclass
class GuardSection:
    """The ``guard`` step: changes held tonight, and every change still held for review."""

    held_tonight: list[dict[str, Any]] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ValidateSection:
    """The ``validate`` step: valid articles, problems found, files left out of the release."""

    articles: int | None = None
    problems: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


@dataclass
class ExtractSection:
    """The ``extract`` step, over the files beside articles that have a reader: how many there are, whose text was kept
    already or read tonight, which were read tonight without text by a cap or a fault (file, status, reason), how many
    the budget left for a later night (the first named), how many no reader could take tonight (OCR off or not
    installed, and why), and the step's seconds. On disk each key starts ``extract_``, as the sections share one level."""

    extract_seen: int = 0
    extract_from_cache: int = 0
    extract_read: int = 0
    extract_unread: list[dict[str, str]] = field(default_factory=list)
    extract_waiting: int = 0
    extract_waiting_files: list[str] = field(default_factory=list)
    extract_unavailable: int = 0
    extract_unavailable_reason: str = ""
    extract_seconds: float = 0.0


@dataclass
class FingerprintSection:
    """The ``fingerprint`` step: what changed since the published release (articles apart, other inputs by group)."""

    changes: dict[str, Any] | None = None


@dataclass
class BuildSection:
    """The ``build`` step: the site build's result."""

    build: dict[str, Any] | None = None


@dataclass
class IndexSection:
    """The ``index`` step: the search index update's result."""

    index: dict[str, Any] | None = None


@dataclass
class SnapshotSection:
    """The ``snapshot`` step: the content tree's git commit, or why it failed."""

    snapshot: dict[str, Any] | None = None


@dataclass
class Notes:
    """What any step may add: repairs made (``warning:``) and problems of the run itself (``problem:``, exit 3)."""

    warnings: list[str] = field(default_factory=list)
    run_problems: list[str] = field(default_factory=list)


@dataclass
class RunRecord:
    """A nightly run, section by section; ``timings`` holds each step's seconds and the ``total``."""

    outcome: Outcome = field(default_factory=Outcome)
    releases: ReleaseSection = field(default_factory=ReleaseSection)
    scrape: ScrapeSection = field(default_factory=ScrapeSection)
    guard: GuardSection = field(default_factory=GuardSection)
    validate: ValidateSection = field(default_factory=ValidateSection)
    extract: ExtractSection = field(default_factory=ExtractSection)
    fingerprint: FingerprintSection = field(default_factory=FingerprintSection)
    build: BuildSection = field(default_factory=BuildSection)
    index: IndexSection = field(default_factory=IndexSection)
    snapshot: SnapshotSection = field(default_factory=SnapshotSection)
    cleanup: Cleanup = field(default_factory=Cleanup)
    notes: Notes = field(default_factory=Notes)
    timings: dict[str, float] = field(default_factory=dict)
    version: int = RECORD_VERSION

    def sections(self) -> list[Any]:
        return [getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("timings", "version")]

    def to_json(self) -> dict[str, Any]:
        """The report as written: ``record_version``, then every section's fields as top-level keys, then ``timings``."""
        data: dict[str, Any] = {"record_version": self.version}
        for section in self.sections():
            data.update({f.name: _plain(getattr(section, f.name)) for f in dataclasses.fields(section)})
        data["timings"] = dict(self.timings)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRecord:
        """A report of any version (see the module docstring); raises ValueError when ``data`` is not a report."""
        if not isinstance(data, dict):
            raise ValueError(f"a run report is a JSON object, not {type(data).__name__}")
        record = cls(version=int(data.get("record_version") or 1))
        for section in record.sections():
            for f in dataclasses.fields(section):
                if data.get(f.name) is not None:
                    setattr(section, f.name, data[f.name])
        record.scrape.sources = [row if isinstance(row, SourceRow) else SourceRow.from_scrape(row) for row in record.scrape.sources]
        record.timings = {str(k): float(v) for k, v in (data.get("timings") or {}).items() if isinstance(v, int | float)}
        return record

    @classmethod
    def read(cls, path: Path) -> RunRecord:
        """Raises OSError or ValueError when the file cannot be read as a report."""
        return cls.from_json(json.loads(path.read_text("utf-8")))

    def write(self, path: Path) -> None:
        write_json(path, self.to_json())

    @property
    def finished(self) -> bool:
        return self.outcome.status in TERMINAL

    def problem_count(self) -> int:
        """Sources with a problem: what the history charts as failed or blocked."""
        return sum(1 for row in self.scrape.sources if row.status in ("failed", "blocked", "unfinished"))

    def article_counts(self) -> dict[str, int]:
        """Articles new, changed and removed upstream by the night's scrape, summed over the sources."""
        return {kind: sum(getattr(row, kind) for row in self.scrape.sources) for kind in ("new", "changed", "removed")}


def _plain(value: Any) -> Any:
    """A section's value as JSON data (rows of dataclasses become objects)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def read_history(reports: Path, latest: str, limit: int) -> list[RunRecord]:
    """The last ``limit`` finished runs in ``reports`` (any version), oldest first; unreadable reports are skipped."""
    runs = sorted((p for p in reports.glob("*.json") if p.name != latest), key=lambda p: p.stem) if reports.is_dir() else []
    history: list[RunRecord] = []
    for path in runs:
        try:
            record = RunRecord.read(path)
        except (OSError, ValueError, TypeError, KeyError):
            continue  # a report being written or damaged is no point of the history
        if record.finished:
            history.append(record)
    return history[-limit:]
