"""``fazhi nightly``: scrape, validate, build, index and publish in one unattended run.

The steps, under a lock on ``<state>/nightly.lock``:

1. remove what a killed run left (partial or unpublished releases, publish views,
   temporary files) and mark its report ``interrupted`` (see ``fazhi_app.leftovers``);
2. scrape every enabled source into the content tree (skipped with ``scrape=False``),
   then hold the scraped changes over the change guard's limits (``fazhi_app.guard``);
3. validate every article; a file with a problem is left out of the build, which reads
   a view of the tree without it (``fazhi_app.publish_view``), and named in the report;
4. fingerprint the build inputs (see ``fazhi_app.fingerprint``) and stop when they
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi import __version__
from fazhi.article import COLUMNS
from fazhi.config import Settings
from fazhi.errors import ArticleInvalid
from fazhi.files import write_json
from fazhi_app.build import build_site
from fazhi_app.fingerprint import Fingerprint, build_digest, fingerprint
from fazhi_app.guard import before_scrape, guard_night, open_holds
from fazhi_app.guard_baseline import keep_articles
from fazhi_app.guard_baseline import published as baseline_published
from fazhi_app.healing import build_release_index, published_index_problem
from fazhi_app.hooks.status import finish_status_page
from fazhi_app.leftovers import clean_after_killed_runs
from fazhi_app.lock import hold_lock
from fazhi_app.publish_view import PublishView, clean_leftovers, publish_view, status_inputs
from fazhi_app.releases import Release, ReleaseError, Releases
from fazhi_app.run_limit import RunLimit, RunLimitReached
from fazhi_app.scrape_report import progress_bars
from fazhi_app.snapshot import commit_night, snapshot_problem
from scraper.platforms import check_settings
from scraper.run import scrape
from scraper.store_health import heal_store, keep_good_copy
from search.lawdocs import LawDocument, library_documents, require_library

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
# Per-source numbers of the scrape report shown in the summary and on the status page.
SOURCE_COUNTS = ("new", "changed", "unchanged", "not_due", "revisited", "merged", "removed", "conflicts", "failed", "requests")

Log = Callable[[str], None]


@dataclass
class NightlyResult:
    """What a run did: its exit code (see ``EXIT_CODES``), outcome and report."""

    exit_code: int
    status: str  # published | unchanged | failed
    release: str | None
    report: dict[str, Any]
    report_path: Path

    @property
    def summary(self) -> str:
        return format_summary(self.report)


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
    """One nightly run; its report grows as the steps go."""

    def __init__(self, settings: Settings, log: Log):
        self.settings = settings
        self.log = log
        self.releases = Releases(settings.paths.releases)
        self.reports = reports_dir(settings)
        self.reports.mkdir(parents=True, exist_ok=True)
        self.clock = time.monotonic()
        self.limit = RunLimit(settings.run_limit, self.clock)
        self.partial: Path | None = None
        self.tree_root = settings.paths.content  # the tree itself; the build may read a view of it (self.view)
        self.view: PublishView | None = None
        self.laws: list[LawDocument] = []  # the law library's documents for the index (none without a library)
        self.name = self.releases.new_name(reserved={p.stem for p in self.reports.glob("*.json")})
        self.report: dict[str, Any] = {
            "run": self.name,
            "started": _now(),
            "finished": None,
            "status": "running",
            "exit_code": None,
            "message": "",
            "release": None,
            "published": False,
            "previous": None,
            "current": None,
            "fazhi_version": __version__,
            "sources": [],
            "problem_sources": [],
            "scrape": None,
            "articles": None,
            "problems": [],
            "excluded": [],
            "held": [],
            "held_tonight": [],
            "snapshot": None,
            "changes": None,
            "build": None,
            "index": None,
            "timings": {},
            "cleaned": [],
            "interrupted": [],
            "pruned": [],
            "warnings": [],
            "run_problems": [],  # problems of the run itself, not of an article (a failed snapshot): exit 3 (see ``problem``)
            "rollback": None,  # the rollback in force (``Releases.rollback_in_force``), until something changes since
            "error": None,
        }

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self.report["timings"][step] = round(time.monotonic() - start, 3)

    def _checkpoint(self, stage: str) -> None:
        """Stop here for good when ``$FAZHI_NIGHTLY_PAUSE`` names this stage, so a test can kill -9 the run at a known point."""
        if os.environ.get(PAUSE_ENV) != stage:
            return
        (self.settings.paths.state / PAUSE_MARKER).write_text(f"{os.getpid()} {stage}\n", "utf-8")
        self.log(f"paused at {stage} ({PAUSE_ENV}); waiting to be killed")
        while True:
            time.sleep(3600)

    def run(self, scrape: bool, force: bool, progress: bool, full: bool = False) -> NightlyResult:
        report = self.report
        repaired = self.releases.repair_current()  # a broken ``current`` link: before anything reads it
        if repaired:
            self.warn(repaired)
        leftovers = clean_after_killed_runs(self.settings, self.releases, self.reports, self.name)
        report["cleaned"] = leftovers.removed + clean_leftovers(self.settings)
        report["interrupted"] = leftovers.interrupted
        if report["cleaned"]:
            self.log(f"removed leftovers of an interrupted run: {', '.join(report['cleaned'])}")
        if report["interrupted"]:
            self.log(f"marked the report of interrupted run(s) {', '.join(report['interrupted'])}")
        current = self.releases.current()
        report["previous"] = report["current"] = current.name if current else None
        report["rollback"] = self.releases.rollback_in_force()
        self.write_reports()  # a run killed from here on leaves a report the next run marks interrupted
        try:
            if scrape:
                self._checkpoint("scrape")
                self.scrape(progress, full)
            report["held"] = open_holds(self.settings)
            if not self.validate():
                return self.finish("failed", EXIT_NOT_PUBLISHED, f"{len(report['problems'])} problem(s) in articles; nothing published")
            with self.timed("laws"):
                self.laws = library_documents(self.settings.paths.law_library)
            with self.timed("fingerprint"):
                old = Fingerprint.from_dict(current.manifest()["fingerprint"]) if current else None
                new = fingerprint(self.settings, old)
                new.values.update(status_inputs(report))
                report["changes"] = self.describe_changes(new, old)
            heal = False
            if current is not None and old is not None and new.digest == old.digest and not force and not repaired:
                heal = not self.published_index_sound(current)
                if not heal:
                    return self.finish("unchanged", self.exit_code(), f"nothing changed since release {current.name}; nothing rebuilt")
            held_back = report["rollback"]
            if held_back and held_back["digest"] == build_digest(new) and not force and not repaired:
                return self.finish("unchanged", self.exit_code(), f"nothing changed since release {held_back['from']}, which a rollback "
                                   f"replaced by {held_back['to']}; nothing rebuilt")
            release = self.build(new, None if heal else current)
            self._checkpoint("publish")
            self.limit.disarm()  # from the switch on, the run is not interrupted
            with self.timed("publish"):
                self.releases.publish(release)
                baseline_published(self.settings, report["previous"], release.name)
        except RunLimitReached as exc:
            self.limit.disarm()
            self.discard_partial()
            report["error"] = str(exc)
            serving = f"release {current.name} still serves" if current else "nothing was published before"
            return self.finish("failed", EXIT_NOT_PUBLISHED, f"{exc}; nothing published, {serving}")
        except ArticleInvalid as exc:  # the build validates again: a file edited since step 3
            self.discard_partial()
            report["problems"] = [str(p) for p in exc.problems]
            return self.finish("failed", EXIT_NOT_PUBLISHED, f"{len(exc.problems)} problem(s) found by the build; nothing published")
        except Exception as exc:
            report["error"] = f"{type(exc).__name__}: {exc}"
            report["traceback"] = traceback.format_exc().rstrip()  # in the report file; the log keeps to its summary
            self.discard_partial()
            return self.finish("failed", EXIT_NOT_PUBLISHED, f"{report['error']}; nothing published")
        return self.published(release)

    def warn(self, warning: str) -> None:
        self.report["warnings"].append(warning)
        self.log(f"warning: {warning}")

    def problem(self, problem: str) -> None:
        """A problem of the run itself, not of an article (``fazhi: <path>: what``): the run exits 3 and names it."""
        self.report["run_problems"].append(problem)
        self.log(f"problem: {problem}")

    def published_index_sound(self, current: Release) -> bool:
        """Verify the served index on a night with nothing to rebuild; a difference means a new release."""
        with self.timed("verify"):
            problem = published_index_problem(self.settings.paths.content, current.index, laws=self.laws)
        if problem is not None:
            self.warn(f"the published search index of release {current.name} is unsound ({problem}); rebuilding it into a new release")
        return problem is None

    def discard_partial(self) -> None:
        if self.partial is not None:
            shutil.rmtree(self.partial, ignore_errors=True)

    def scrape(self, progress: bool, full: bool = False) -> None:
        self.log("scraping every enabled source" + (", walking every list page (--full)" if full else ""))
        for repair in before_scrape(self.settings):  # the baseline the guard judges the scrape against, healed
            self.warn(repair)
        with self.timed("scrape"), progress_bars(progress) as bars:
            result = scrape(self.settings, progress=bars, full=full, until=self.limit.scrape_until(self.reports))
        with self.timed("guard"):
            self.report["held_tonight"] = guard_night(self.settings, self.name, self.log, self.warn)
        self.report["scrape"] = _to_json(result)
        self.report["sources"] = source_rows(self.report["scrape"])
        self.report["problem_sources"] = sorted({*result.failed_sources, *result.blocked_sources, *result.unfinished_sources})

    def validate(self) -> bool:
        with self.timed("validate"):
            view = self.view = publish_view(self.settings, self.name)
        self.settings = view.settings
        self.report["articles"] = len(view.tree.articles)
        self.report["problems"] = [str(p) for p in [*view.problems, *view.tree.problems]]
        self.report["excluded"] = view.excluded
        for problem in self.report["problems"]:
            self.log(str(problem))
        for path in view.excluded:
            self.log(f"left out of this release: {path}")
        return view.tree.ok

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

    def build(self, new: Fingerprint, current: Release | None) -> Release:
        """Build site and index into a partial release and seal it; nothing published yet."""
        # Imported here: MkDocs and Whoosh are not needed by runs that stop at the fingerprint.
        partial = self.partial = self.releases.start(self.name)
        self.report["release"] = self.name
        self.report["status"] = "building"
        self.write_reports()  # the status page in this build shows this run so far
        self.log(f"building release {self.name}")
        with self.timed("build"):
            built = build_site(self.settings, partial / "site")
        self.report["build"] = _to_json(built)
        keep_articles(self.settings.paths.content, partial)
        self._checkpoint("site")
        with self.timed("index"):
            previous = current.index if current else None
            index = build_release_index(self.settings.paths.content, partial / "index", previous, self.log, laws=self.laws)
        self.report["index"] = _to_json(index)
        if index.repair:
            self.warn(f"search index repaired: {index.repair}; it was rebuilt from the content tree")
        self._checkpoint("index")
        finish_status_page(partial / "site", self.report)
        write_json(partial / "report.json", self.report)
        manifest = {
            "name": self.name,
            "created": _now(),
            "fazhi_version": __version__,
            "articles": self.report["articles"],
            "fingerprint": new.to_dict(),
        }
        return self.releases.finish(partial, manifest)

    def published(self, release: Release) -> NightlyResult:
        """Record the switch, then delete releases beyond ``keep_releases`` (a failure there is reported, not fatal)."""
        self.report.update(published=True, current=release.name, rollback=None)
        self.releases.end_rollback()
        message = f"published release {release.name}"
        try:
            self.report["pruned"] = self.releases.prune(self.settings.keep_releases)
        except OSError as exc:
            self.report["error"] = f"removing old releases failed: {exc}"
            message += f"; {self.report['error']}"
        if self.report["pruned"]:
            message += f"; removed old release(s) {', '.join(self.report['pruned'])}"
        if self.report["warnings"]:
            message += f"; {len(self.report['warnings'])} warning(s)"
        result = self.finish("published", self.exit_code(), message)
        finish_status_page(release.site, self.report)  # problems found after the build (the snapshot) on its status page too
        write_json(release.path / "report.json", self.report)
        return result

    def exit_code(self) -> int:
        report = self.report
        problems = report["problem_sources"] or report["excluded"] or report["held"] or report["run_problems"]
        return EXIT_SOURCE_PROBLEM if problems else EXIT_OK

    def finish(self, status: str, code: int, message: str) -> NightlyResult:
        self.limit.disarm()
        report = self.report
        if code == EXIT_SOURCE_PROBLEM and report["problem_sources"]:
            message += f"; source(s) failed, blocked or unfinished: {', '.join(report['problem_sources'])}"
        if report["excluded"]:
            message += f"; {len(report['excluded'])} file(s) with problems left out"
        if report["held"]:
            message += f"; {len(report['held'])} change(s) held for review (fazhi review)"
        if self.view is not None:
            self.view.remove()
        if status != "failed" and (unkept := keep_good_copy(self.settings.paths.state)):
            self.warn(unkept)
        report.update(status=status, exit_code=code, message=message, finished=_now())
        report["snapshot"] = commit_night(self.tree_root, report)
        failed = snapshot_problem(self.tree_root, report["snapshot"])
        if failed:
            self.problem(failed)
        if report["run_problems"]:
            report.update(exit_code=code or EXIT_SOURCE_PROBLEM, message=f"{message}; {len(report['run_problems'])} run problem(s)")
        report["timings"]["total"] = round(time.monotonic() - self.clock, 3)
        path = self.write_reports()
        self.prune_reports()
        return NightlyResult(report["exit_code"], status, report["release"] if report["published"] else None, report, path)

    def write_reports(self) -> Path:
        path = self.reports / f"{self.name}.json"
        write_json(path, self.report)
        write_json(self.reports / "latest.json", self.report)
        return path

    def prune_reports(self) -> None:
        runs = sorted((p for p in self.reports.glob("*.json") if p.name != "latest.json"), key=lambda p: p.stem)
        for path in runs[: max(len(runs) - REPORTS_KEPT, 0)]:
            path.unlink()


def source_rows(scrape: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per-source rows of the scrape report: name, status (ok, partial, failed, blocked, unfinished), counts and reasons."""
    return [
        {"name": s["name"], "status": s["status"], **{k: s.get(k, 0) for k in SOURCE_COUNTS}, "reasons": list(s.get("reasons", []))}
        for s in (scrape or {}).get("sources", [])
    ]


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
        night = _Run(settings, say)
        for repair in heal_store(settings, wait):  # a store locked by another process stops the run here (exit 5)
            night.warn(f"state store repaired: {repair}")
        with night.limit.armed():
            return night.run(scrape, force, progress, full)


def rollback(settings: Settings, to: str | None = None, wait: float = 0.0, warn: Log | None = None) -> tuple[Release | None, Release]:
    """Publish the release before the current one (or the one named ``to``); returns (was, now).

    ``was`` is None when ``current`` was broken: ``to`` then repairs it (said through ``warn``).
    A complete release only; the rollback is recorded so the nightly job does not publish again
    what it rolled back from, and the status page of the release published says so.
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
        record = releases.record_rollback(origin, target, _build_digest_of(releases, origin))
        finish_status_page(target.site, {**(target.report() or {}), "rollback": record})
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


def format_summary(report: dict[str, Any]) -> str:
    """The run report as a few lines for the log: outcome, sources, changes, times."""
    lines = [f"fazhi nightly {report['run']}: {report['status']} (exit {report['exit_code']}): {report['message']}"]
    if report["sources"]:
        header = ["source", "status", *SOURCE_COUNTS]
        lines += _table([header] + [[r["name"], r["status"], *(str(r[k]) for k in SOURCE_COUNTS)] for r in report["sources"]])
        for row in report["sources"]:
            lines += [f"  {row['name']}: {reason}" for reason in row["reasons"]]
    lines += [f"  {p}" for p in report["problems"]]
    lines += [f"left out of the release: {path}" for path in report.get("excluded") or []]
    lines += [f"held for review: #{h['id']} {h['kind']} {h['path']}: {'; '.join(h['reasons'])}" for h in report.get("held") or []]
    changes = report.get("changes")
    if changes and report["status"] != "unchanged":
        arts = changes["articles"]
        counts = ", ".join(f"{len(arts[kind])} {kind}" for kind in ("added", "changed", "removed"))
        lines.append(f"articles: {report['articles']} valid; {counts}")
        other = [f"{group} ({sum(len(v) for v in c.values())} files)" for group, c in changes["files"].items()] + changes["values"]
        if other and not changes["first"]:
            lines.append("other inputs changed: " + ", ".join(other))
    timings = report["timings"]
    lines.append("times: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items()))
    if report.get("interrupted"):
        lines.append(f"interrupted run(s) found and cleaned up after: {', '.join(report['interrupted'])}")
    lines += [f"warning: {warning}" for warning in report.get("warnings", [])]
    lines += [f"problem: {problem}" for problem in report.get("run_problems") or []]
    if report.get("rollback"):
        lines.append(rollback_note(report["rollback"]))
    if report.get("error"):
        lines.append(f"error: {report['error']}")
    return "\n".join(lines)
