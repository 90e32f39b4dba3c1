"""``fazhi nightly``: scrape, validate, build, index and publish in one unattended run.

The steps, under a lock on ``<state>/nightly.lock``:

1. remove what a killed run left (partial or unpublished releases, publish views,
   temporary files) and mark its report ``interrupted`` (see ``fazhi_app.leftovers``);
2. scrape every enabled source into the content tree (skipped with ``scrape=False``),
   then hold the scraped changes over the change guard's limits (``fazhi_app.guard``);
3. validate every article; a file with a problem is left out of the build, which reads
   a view of the tree without it (``fazhi_app.publish_view``), and named in the report;
4. read the text inside new or changed attachments and images within the night's
   budget (``fazhi_app.extraction``); fingerprint the build inputs, that text among them
   (see ``fazhi_app.fingerprint``), and stop when they
   match the published release's and its search index verifies against the
   content tree: nothing is rebuilt (an unsound index means a new release, step 5);
5. build the site and the search index into ``releases/.partial-<name>/`` (the
   index starts as a copy of the published one, is updated incrementally and
   verified, and is rebuilt from the content tree when it differs: see
   ``fazhi_app.healing``; a repair is a warning in the report),
   seal it as ``releases/<name>/`` and publish it by replacing the ``current``
   symlink (see ``fazhi_app.releases``), then delete releases beyond ``keep_releases``;
6. write the run report: ``report.json`` in the release, and
   ``<state>/reports/<run>.json`` plus ``latest.json`` for every run; when the content
   tree is a git repository, commit what the night changed in it (``fazhi_app.snapshot``).

The run keeps to ``run_limit`` (see ``fazhi_app.run_limit``): the scrape stops in time
for the build, and a run that reaches the limit before publishing stops there.

Nothing before the symlink switch touches what is published, so a crash or a
``kill -9`` at any point leaves the site and index being served as they were;
the kernel drops the lock with the process and the next run cleans up and
completes. Exit codes are in ``EXIT_CODES``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi import __version__
from fazhi.article import COLUMNS
from fazhi.config import Settings
from fazhi.errors import ArticleInvalid
from fazhi.file_text import FileText
from fazhi.law.questions import questions_digest
from fazhi_app.build import build_site
from fazhi_app.extraction import extract_tree, file_texts
from fazhi_app.fingerprint import Fingerprint, build_digest, fingerprint
from fazhi_app.guard import before_scrape, guard_night
from fazhi_app.guard_baseline import keep_articles
from fazhi_app.guard_baseline import published as baseline_published
from fazhi_app.guard_holds import open_holds
from fazhi_app.healing import build_release_index, published_index_problem
from fazhi_app.known_questions import law_index_documents
from fazhi_app.leftovers import LATEST, clean_after_killed_runs
from fazhi_app.lock import hold_lock
from fazhi_app.publish_view import PublishView, clean_leftovers, publish_view, status_inputs
from fazhi_app.releases import Release, ReleaseError, Releases
from fazhi_app.run_limit import RunLimit, RunLimitReached
from fazhi_app.run_record import (
    SOURCE_COUNTS,
    Cleanup,
    Outcome,
    ReleaseSection,
    RunRecord,
    ScrapeSection,
    SourceRow,
    ValidateSection,
)
from fazhi_app.scrape_report import progress_bars
from fazhi_app.snapshot import commit_night, snapshot_problem
from scraper.platforms import check_settings
from scraper.run import scrape
from scraper.store_health import heal_store, keep_good_copy
from search.law_documents import LawIndexed, require_library

EXIT_OK = 0
EXIT_SOURCE_PROBLEM = 3
EXIT_NOT_PUBLISHED = 4
EXIT_LOCKED = 5
EXIT_CODES = {
    EXIT_OK: "all good: a new release was published, or nothing changed",
    EXIT_SOURCE_PROBLEM: "published (or nothing to publish), with problems: a source failed, was blocked or was left unfinished by a "
                         "time limit, files were left out, changes are held for review (`fazhi review`), or the run itself had a "
                         "problem (`problem:` lines)",
    EXIT_NOT_PUBLISHED: "nothing published: the scrape, build or index failed, or the run reached its time limit; the previous "
                        "release still serves",
    EXIT_LOCKED: "another run holds the lock, or another process the state store (`fazhi: <state>/scrape.sqlite: …`); this one did nothing",
}
LOCK_NAME = "nightly.lock"
# Fault injection for the crash tests: the run stops for good at this stage (see ``_checkpoint``).
PAUSE_ENV = "FAZHI_NIGHTLY_PAUSE"
PAUSE_STAGES = ("scrape", "site", "index", "publish")
PAUSE_MARKER = "nightly.paused"
REPORTS_KEPT = 100

Log = Callable[[str], None]


@dataclass
class NightlyResult:
    """What a run did: its exit code (see ``EXIT_CODES``), outcome and record (``report``: the record as written)."""

    exit_code: int
    status: str  # published | unchanged | failed
    release: str | None
    record: RunRecord
    report_path: Path

    @property
    def report(self) -> dict[str, Any]:
        return self.record.to_json()

    @property
    def summary(self) -> str:
        return format_summary(self.record)


@dataclass(frozen=True)
class Stop:
    """A step ends the run here: its status, exit code and message (see ``_Run.finish``)."""

    status: str
    code: int
    message: str


@dataclass(frozen=True)
class Step:
    """One named unit of the run, timed under its name; ``when`` says whether tonight's run takes it."""

    name: str
    run: Callable[[_Run], Stop | None]
    when: Callable[[_Run], bool] = lambda _night: True


def reports_dir(settings: Settings) -> Path:
    return settings.paths.state / "reports"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _to_json(value: Any) -> Any:
    """A library result as JSON data: ``to_dict()`` when it has one, else its dataclass fields."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(value).items()}
    return value


class _Run:
    """One nightly run: the steps of ``STEPS`` in order, each filling its section of ``self.record``.

    ``self.settings`` are the deployment's settings for the whole run; the steps from
    ``validate`` on build from the publish view's (``self.built_from``), passed explicitly.
    """

    def __init__(self, settings: Settings, log: Log, scraping: bool = True, full: bool = False, force: bool = False,
                 progress: bool = False):
        self.settings = settings
        self.log = log
        self.scraping, self.full, self.force, self.progress = scraping, full, force, progress
        self.releases = Releases(settings.paths.releases)
        self.reports = reports_dir(settings)
        self.reports.mkdir(parents=True, exist_ok=True)
        self.clock = time.monotonic()
        self.limit = RunLimit(settings.run_limit, self.clock)
        self.partial: Path | None = None
        self.view: PublishView | None = None
        self.laws: list[LawIndexed] = []  # the law library's documents and article units for the index (none without a library)
        self.files: dict[str, list[FileText]] = {}  # the texts kept for the articles' files (``file_texts``), indexed with them
        self.questions = ""  # the digest of the known questions (``fazhi.law.questions``), recorded in the index
        self.current: Release | None = None
        self.repaired: str | None = None
        self.new: Fingerprint | None = None
        self.rebuild_from: Release | None = None  # the release whose index the new one starts from (None: from scratch)
        self.release: Release | None = None
        self.name = self.releases.new_name(reserved={p.stem for p in self.reports.glob("*.json")})
        self.record = RunRecord(outcome=Outcome(run=self.name, started=_now(), fazhi_version=__version__))

    @property
    def built_from(self) -> Settings:
        """The settings the release is built from: content pointing at the publish view when there is one."""
        assert self.view is not None, "the validate step comes first"
        return self.view.settings

    def _checkpoint(self, stage: str) -> None:
        """Stop here for good when ``$FAZHI_NIGHTLY_PAUSE`` names this stage, so a test can kill -9 the run at a known point."""
        if os.environ.get(PAUSE_ENV) != stage:
            return
        (self.settings.paths.state / PAUSE_MARKER).write_text(f"{os.getpid()} {stage}\n", "utf-8")
        self.log(f"paused at {stage} ({PAUSE_ENV}); waiting to be killed")
        while True:
            time.sleep(3600)

    def run(self) -> NightlyResult:
        record = self.record
        self.repaired = self.releases.repair_current()  # a broken ``current`` link: before anything reads it
        if self.repaired:
            self.warn(self.repaired)
        leftovers = clean_after_killed_runs(self.settings, self.releases, self.reports, self.name)
        record.cleanup = Cleanup(cleaned=leftovers.removed + clean_leftovers(self.settings), interrupted=leftovers.interrupted)
        if record.cleanup.cleaned:
            self.log(f"removed leftovers of an interrupted run: {', '.join(record.cleanup.cleaned)}")
        if record.cleanup.interrupted:
            self.log(f"marked the report of interrupted run(s) {', '.join(record.cleanup.interrupted)}")
        self.current = self.releases.current()
        name = self.current.name if self.current else None
        record.releases = ReleaseSection(previous=name, current=name, rollback=self.releases.rollback_in_force())
        self.write_reports()  # a run killed from here on leaves a report the next run marks interrupted
        try:
            for step in STEPS:
                if not step.when(self):
                    continue
                start = time.monotonic()
                try:
                    stop = step.run(self)
                finally:
                    record.timings[step.name] = round(time.monotonic() - start, 3)
                if stop is not None:
                    return self.finish(stop.status, stop.code, stop.message)
        except RunLimitReached as exc:
            self.limit.disarm()
            self.discard_partial()
            record.outcome.error = str(exc)
            serving = f"release {self.current.name} still serves" if self.current else "nothing was published before"
            return self.finish("failed", EXIT_NOT_PUBLISHED, f"{exc}; nothing published, {serving}")
        except ArticleInvalid as exc:  # the build validates again: a file edited since the validate step
            self.discard_partial()
            record.validate.problems = [str(p) for p in exc.problems]
            return self.finish("failed", EXIT_NOT_PUBLISHED, f"{len(exc.problems)} problem(s) found by the build; nothing published")
        except Exception as exc:
            record.outcome.error = f"{type(exc).__name__}: {exc}"
            record.outcome.traceback = traceback.format_exc().rstrip()
            self.discard_partial()
            return self.finish("failed", EXIT_NOT_PUBLISHED, f"{record.outcome.error}; nothing published")
        assert self.release is not None
        return self.published(self.release)

    def warn(self, warning: str) -> None:
        self.record.notes.warnings.append(warning)
        self.log(f"warning: {warning}")

    def problem(self, problem: str) -> None:
        """A problem of the run itself, not of an article (``fazhi: <path>: what``): the run exits 3 and names it."""
        self.record.notes.run_problems.append(problem)
        self.log(f"problem: {problem}")

    def published_index_sound(self, current: Release) -> bool:
        """Verify the served index on a night with nothing to rebuild; a difference means a new release.

        Against the articles the validate step loaded (the tree is not read a second time)."""
        assert self.view is not None
        start = time.monotonic()
        problem = published_index_problem(self.built_from.paths.content, current.index, self.view.tree.articles, laws=self.laws,
                                          files=self.files, questions=self.questions)
        self.record.timings["verify"] = round(time.monotonic() - start, 3)
        if problem is not None:
            self.warn(f"the published search index of release {current.name} is unsound ({problem}); rebuilding it into a new release")
        return problem is None

    def discard_partial(self) -> None:
        if self.partial is not None:
            shutil.rmtree(self.partial, ignore_errors=True)

    # The steps, in the order of ``STEPS``.

    def step_scrape(self) -> None:
        self._checkpoint("scrape")
        self.log("scraping every enabled source" + (", walking every list page (--full)" if self.full else ""))
        for repair in before_scrape(self.settings):  # the baseline the guard judges the scrape against, healed
            self.warn(repair)
        with progress_bars(self.progress) as bars:
            result = scrape(self.settings, progress=bars, full=self.full, until=self.limit.scrape_until(self.reports))
        data = _to_json(result)
        self.record.scrape = ScrapeSection(
            scrape=data, sources=[SourceRow.from_scrape(s) for s in data.get("sources", [])],
            problem_sources=sorted({*result.failed_sources, *result.blocked_sources, *result.unfinished_sources}))

    def step_guard(self) -> None:
        if self.scraping:
            self.record.guard.held_tonight = guard_night(self.settings, self.name, self.log, self.warn)
        self.record.guard.held = open_holds(self.settings)

    def step_validate(self) -> Stop | None:
        view = self.view = publish_view(self.settings, self.name)
        section = self.record.validate = ValidateSection(
            articles=len(view.tree.articles), problems=[str(p) for p in [*view.problems, *view.tree.problems]], excluded=view.excluded)
        for problem in section.problems:
            self.log(problem)
        for path in section.excluded:
            self.log(f"left out of this release: {path}")
        if not view.tree.ok:
            return Stop("failed", EXIT_NOT_PUBLISHED, f"{len(section.problems)} problem(s) in articles; nothing published")
        return None

    def step_laws(self) -> None:
        self.laws = law_index_documents(self.built_from, self.warn)
        self.questions = questions_digest(self.built_from.paths.state)

    def step_extract(self) -> None:
        """Read the text of new and changed files within the night's budget, ending in time for the build (``run_limit``)."""
        section = self.record.extract = extract_tree(self.built_from, self.limit.scrape_until(self.reports), self.warn)
        if section.extract_read or section.extract_waiting:
            self.log(f"read the text of {section.extract_read} file(s); {section.extract_waiting} wait for a later night")
        assert self.view is not None
        self.files = file_texts(self.built_from, self.view.tree)

    def step_fingerprint(self) -> Stop | None:
        """Compare the build inputs with the published release's; stop when nothing changed and its index verifies."""
        current, record = self.current, self.record
        old = Fingerprint.from_dict(current.manifest()["fingerprint"]) if current else None
        new = self.new = fingerprint(self.built_from, old)
        new.values.update(status_inputs(record))
        record.fingerprint.changes = self.describe_changes(new, old)
        self.rebuild_from = current
        unforced = not self.force and not self.repaired
        if current is not None and old is not None and new.digest == old.digest and unforced:
            if self.published_index_sound(current):
                return Stop("unchanged", self.exit_code(), f"nothing changed since release {current.name}; nothing rebuilt")
            self.rebuild_from = None
        held_back = record.releases.rollback
        if held_back and held_back["digest"] == build_digest(new) and unforced:
            return Stop("unchanged", self.exit_code(), f"nothing changed since release {held_back['from']}, which a rollback "
                        f"replaced by {held_back['to']}; nothing rebuilt")
        return None

    def describe_changes(self, new: Fingerprint, old: Fingerprint | None) -> dict[str, Any]:
        """The report's view of a fingerprint diff: article files apart, other inputs by group."""
        diff = new.diff(old)
        content = diff.pop("content", None)
        articles: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
        files: dict[str, dict[str, list[str]]] = {group: changes.to_dict() for group, changes in diff.items()}
        if content:
            other: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
            for kind, names in content.to_dict().items():
                for name in names:
                    rel = name.removeprefix("content/")
                    is_article = rel.endswith("/index.md") and rel.count("/") == 3 and rel.split("/")[0] in COLUMNS
                    (articles if is_article else other)[kind].append(rel)
            if any(other.values()):
                files["content"] = other
        return {"articles": articles, "files": files, "values": new.changed_values(old), "first": old is None}

    def step_build(self) -> None:
        """Build the site into a partial release; its status page shows this record as it stands (see ``hooks.status``)."""
        partial = self.partial = self.releases.start(self.name)
        self.record.releases.release = self.name
        self.record.outcome.status = "building"
        self.write_reports()  # the status page in this build shows this run so far
        self.log(f"building release {self.name}")
        self.record.build.build = _to_json(build_site(self.built_from, partial / "site"))
        keep_articles(self.built_from.paths.content, partial)
        self._checkpoint("site")

    def step_index(self) -> None:
        assert self.partial is not None
        previous = self.rebuild_from.index if self.rebuild_from else None
        index = build_release_index(self.built_from.paths.content, self.partial / "index", previous, self.log, laws=self.laws,
                                    files=self.files, questions=self.questions)
        self.record.index.index = _to_json(index)
        if index.repair:
            self.warn(f"search index repaired: {index.repair}; it was rebuilt from the content tree")
        self._checkpoint("index")

    def step_publish(self) -> None:
        """Seal the release and switch ``current`` to it; from the switch on, the run is not interrupted."""
        assert self.partial is not None and self.new is not None
        self.record.write(self.partial / "report.json")
        manifest = {"name": self.name, "created": _now(), "fazhi_version": __version__, "articles": self.record.validate.articles,
                    "fingerprint": self.new.to_dict()}
        release = self.release = self.releases.finish(self.partial, manifest)
        self._checkpoint("publish")
        self.limit.disarm()
        self.releases.publish(release)
        baseline_published(self.settings, self.record.releases.previous, release.name)

    def published(self, release: Release) -> NightlyResult:
        """Record the switch, then delete releases beyond ``keep_releases`` (a failure there is reported, not fatal)."""
        section = self.record.releases
        section.published, section.current, section.rollback = True, release.name, None
        self.releases.end_rollback()
        message = f"published release {release.name}"
        try:
            section.pruned = self.releases.prune(self.settings.keep_releases)
        except OSError as exc:
            self.record.outcome.error = f"removing old releases failed: {exc}"
            message += f"; {self.record.outcome.error}"
        if section.pruned:
            message += f"; removed old release(s) {', '.join(section.pruned)}"
        if self.record.notes.warnings:
            message += f"; {len(self.record.notes.warnings)} warning(s)"
        result = self.finish("published", self.exit_code(), message)
        self.record.write(release.path / "report.json")
        return result

    def exit_code(self) -> int:
        record = self.record
        problems = record.scrape.problem_sources or record.validate.excluded or record.guard.held or record.notes.run_problems
        return EXIT_SOURCE_PROBLEM if problems else EXIT_OK

    def finish(self, status: str, code: int, message: str) -> NightlyResult:
        """The ``report`` step: outcome, snapshot commit, total time, the report files."""
        self.limit.disarm()
        record = self.record
        if code == EXIT_SOURCE_PROBLEM and record.scrape.problem_sources:
            message += f"; source(s) failed, blocked or unfinished: {', '.join(record.scrape.problem_sources)}"
        if record.validate.excluded:
            message += f"; {len(record.validate.excluded)} file(s) with problems left out"
        if record.guard.held:
            message += f"; {len(record.guard.held)} change(s) held for review (fazhi review)"
        if self.view is not None:
            self.view.remove()
        if status != "failed" and (unkept := keep_good_copy(self.settings.paths.state)):
            self.warn(unkept)
        outcome = record.outcome
        outcome.status, outcome.exit_code, outcome.message, outcome.finished = status, code, message, _now()
        record.snapshot.snapshot = commit_night(self.settings.paths.content, record)
        failed = snapshot_problem(self.settings.paths.content, record.snapshot.snapshot)
        if failed:
            self.problem(failed)
        if record.notes.run_problems:
            outcome.exit_code = code or EXIT_SOURCE_PROBLEM
            outcome.message = f"{message}; {len(record.notes.run_problems)} run problem(s)"
        record.timings["total"] = round(time.monotonic() - self.clock, 3)
        path = self.write_reports()
        self.prune_reports()
        assert outcome.exit_code is not None
        return NightlyResult(outcome.exit_code, status, record.releases.release if record.releases.published else None, record, path)

    def write_reports(self) -> Path:
        path = self.reports / f"{self.name}.json"
        self.record.write(path)
        self.record.write(self.reports / LATEST)
        return path

    def prune_reports(self) -> None:
        runs = sorted((p for p in self.reports.glob("*.json") if p.name != LATEST), key=lambda p: p.stem)
        for path in runs[: max(len(runs) - REPORTS_KEPT, 0)]:
            path.unlink()


# The run, step by step; each fills its section of the record (``fazhi_app.run_record``) and is timed under its name.
# The last step, the report (outcome, snapshot, report files), is ``_Run.finish``, which every way out of the run ends in.
STEPS: tuple[Step, ...] = (
    Step("scrape", _Run.step_scrape, when=lambda night: night.scraping),
    Step("guard", _Run.step_guard),
    Step("validate", _Run.step_validate),
    Step("laws", _Run.step_laws),
    Step("extract", _Run.step_extract),
    Step("fingerprint", _Run.step_fingerprint),
    Step("build", _Run.step_build),
    Step("index", _Run.step_index),
    Step("publish", _Run.step_publish),
)


def run_nightly(
    settings: Settings, *, wait: float = 0.0, scrape: bool = True, full: bool = False, force: bool = False, progress: bool = False,
    log: Log | None = None,
) -> NightlyResult:
    """Run the whole nightly job once (``full``: every list page walked, as ``fazhi scrape --full``); raises LockHeld when
    another run holds the lock."""
    say = log or (lambda _line: None)
    check_settings(settings)
    require_library(settings.paths.law_library)
    with hold_lock(settings.paths.state / LOCK_NAME, wait, "nightly run"):
        night = _Run(settings, say, scraping=scrape, full=full, force=force, progress=progress)
        for repair in heal_store(settings, wait):  # a store locked by another process stops the run here (exit 5)
            night.warn(f"state store repaired: {repair}")
        with night.limit.armed():
            return night.run()


def rollback(settings: Settings, to: str | None = None, wait: float = 0.0, warn: Log | None = None) -> tuple[Release | None, Release]:
    """Publish the release before the current one (or the one named ``to``); returns (was, now).

    ``was`` is None when ``current`` was broken: ``to`` then repairs it (said through ``warn``).
    A complete release only; the rollback is recorded so the nightly job does not publish again
    what it rolled back from; ``fazhi releases`` and the next nights' summaries say so.
    """
    releases = Releases(settings.paths.releases)
    with hold_lock(settings.paths.state / LOCK_NAME, wait, "rollback"):
        broken = releases.link_problem()
        if broken is not None and to is None:
            raise ReleaseError(f"{broken}; name the release to publish with --to (see `fazhi releases`), or let `fazhi nightly` repair it")
        was = None if broken else releases.require_current()
        if was is not None:
            releases.complete_records()
        target = releases.get_published(to) if to else releases.previous()
        if was is not None and target.name == was.name:
            raise ReleaseError(f"{target.name} is already the current release")
        target.require_complete()
        earlier = releases.rollback_in_force()
        if broken is not None:
            (warn or (lambda _line: None))(str(releases.repair_current(target)))
        else:
            releases.publish(target)
        origin = earlier["from"] if earlier else (was.name if was else None)
        releases.record_rollback(origin, target, _build_digest_of(releases, origin))
        return was, target


def _build_digest_of(releases: Releases, name: str | None) -> str | None:
    """The build digest of release ``name``'s inputs (None when it or its fingerprint is gone)."""
    try:
        data = releases.get(name).manifest().get("fingerprint") if name else None
    except (ReleaseError, OSError, ValueError):
        return None
    return build_digest(Fingerprint.from_dict(data)) if data else None


def rollback_note(record: dict[str, Any]) -> str:
    """One line on a rollback in force, for the summary, ``fazhi releases`` and the run's message."""
    return (f"rollback in force: release {record['to']} is published in place of {record['from']} (fazhi rollback, {record['since']}); "
            f"the nightly job publishes again once something changes since {record['from']}")


def _table(rows: list[list[str]]) -> list[str]:
    """Plain-text columns: the first left-aligned, numbers right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join([r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]).rstrip() for r in rows]


def _extract_lines(record: RunRecord) -> list[str]:
    """The extract step's counts, with each file read without text and why."""
    ex = record.extract
    if not ex.extract_seen:
        return []
    lines = [f"file texts: {ex.extract_seen} file(s), {ex.extract_from_cache} kept, {ex.extract_read} read tonight, "
             f"{ex.extract_waiting} waiting for a later night ({ex.extract_seconds:.1f} s)"]
    lines += [f"  no text from {row['file']}: {row['status']}: {row['reason']}" for row in ex.extract_unread]
    if ex.extract_unavailable:
        lines.append(f"  {ex.extract_unavailable} file(s) not read: {ex.extract_unavailable_reason}")
    return lines


def format_summary(record: RunRecord) -> str:
    """The run record as a few lines for the log: outcome, sources, changes, times."""
    outcome = record.outcome
    lines = [f"fazhi nightly {outcome.run}: {outcome.status} (exit {outcome.exit_code}): {outcome.message}"]
    if record.scrape.sources:
        header = ["source", "status", *SOURCE_COUNTS]
        lines += _table([header] + [[r.name, r.status, *(str(getattr(r, k)) for k in SOURCE_COUNTS)] for r in record.scrape.sources])
        for row in record.scrape.sources:
            lines += [f"  {row.name}: {reason}" for reason in row.reasons]
    lines += [f"  {p}" for p in record.validate.problems]
    lines += [f"left out of the release: {path}" for path in record.validate.excluded]
    lines += [f"held for review: #{h['id']} {h['kind']} {h['path']}: {'; '.join(h['reasons'])}" for h in record.guard.held]
    lines += _extract_lines(record)
    changes = record.fingerprint.changes
    if changes and outcome.status != "unchanged":
        arts = changes["articles"]
        counts = ", ".join(f"{len(arts[kind])} {kind}" for kind in ("added", "changed", "removed"))
        lines.append(f"articles: {record.validate.articles} valid; {counts}")
        other = [f"{group} ({sum(len(v) for v in c.values())} files)" for group, c in changes["files"].items()] + changes["values"]
        if other and not changes["first"]:
            lines.append("other inputs changed: " + ", ".join(other))
    lines.append("times: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in record.timings.items()))
    if record.cleanup.interrupted:
        lines.append(f"interrupted run(s) found and cleaned up after: {', '.join(record.cleanup.interrupted)}")
    lines += [f"warning: {warning}" for warning in record.notes.warnings]
    lines += [f"problem: {problem}" for problem in record.notes.run_problems]
    if record.releases.rollback:
        lines.append(rollback_note(record.releases.rollback))
    if outcome.error:
        lines.append(f"error: {outcome.error}")
    return "\n".join(lines)
