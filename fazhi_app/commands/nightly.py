"""``fazhi nightly``, ``fazhi rollback`` and ``fazhi releases``: the unattended job and its undo."""

from __future__ import annotations

import sys

import click

from fazhi.config import Settings
from fazhi.errors import LockHeld, ReleaseError
from fazhi_app.exit_codes import epilog
from fazhi_app.failures import debugging
from fazhi_app.nightly import EXIT_LOCKED, rollback, rollback_note, run_nightly
from fazhi_app.options import settings_options
from fazhi_app.releases import Releases

WAIT_HELP = "If another run holds the lock, wait up to SECONDS for it instead of exiting at once."
FULL_HELP = ("Walk every list page tonight, as the weekly full walk (fetch.full_walk_days) does, so articles no longer listed "
             "are checked at their own URL. The checks stay within fetch.revisit_budget (the rest wait for the next nights), "
             "and the change guard may still hold removals over guard.max_removed_share for review.")


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


@click.command("nightly", epilog=epilog("nightly"))
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, metavar="SECONDS", help=WAIT_HELP)
@click.option("--no-scrape", is_flag=True, help="Skip the scrape: publish staff edits and template/config changes only.")
@click.option("--full", is_flag=True, help=FULL_HELP)
@click.option("--force", is_flag=True, help="Build and publish a new release even when nothing changed.")
@click.option("--progress/--no-progress", default=None, help="Scrape progress bars (default: when stderr is a terminal).")
@settings_options
def nightly(settings: Settings, wait: float, no_scrape: bool, full: bool, force: bool, progress: bool | None) -> None:
    """Scrape, validate, build, index and publish a new release if anything changed.

    Releases go to <releases>/<timestamp>/{site,index} and are published by
    switching the <releases>/current symlink in one step; the last
    keep_releases are kept. The run report goes to <state>/reports/latest.json
    (and <run>.json); a summary is printed on stdout.
    """
    if full and no_scrape:
        raise click.UsageError("--full walks every list, which --no-scrape skips; give one of them")
    show_progress = sys.stderr.isatty() if progress is None else progress
    try:
        result = run_nightly(settings, wait=wait, scrape=not no_scrape, full=full, force=force, progress=show_progress, log=_echo_err)
    except LockHeld as exc:
        click.echo(f"fazhi: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(result.summary)
    click.echo(f"report: {result.report_path}")
    if result.report.get("traceback") and debugging(sys.argv):
        click.echo(result.report["traceback"], err=True)
    sys.exit(result.exit_code)


@click.command("rollback", epilog=epilog("rollback"))
@click.option("--to", "to", metavar="RELEASE", default=None, help="Release to publish (see `fazhi releases`); default: the previous one.")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, metavar="SECONDS", help=WAIT_HELP)
@settings_options
def rollback_command(settings: Settings, to: str | None, wait: float) -> None:
    """Publish the previous release again (or --to RELEASE), in one atomic switch.

    Only a complete release is published. The rollback stays in force: the next
    `fazhi nightly` publishes only once something changed since the release
    rolled back from. With a broken <releases>/current link, --to repairs it.
    """
    try:
        was, now = rollback(settings, to=to, wait=wait, warn=lambda line: click.echo(f"warning: {line}"))
    except LockHeld as exc:
        click.echo(f"fazhi: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(f"current release: {now.name} (was {was.name if was else 'a broken link'})")


@click.command("releases", epilog=epilog("releases"))
@settings_options
def releases_command(settings: Settings) -> None:
    """List the releases kept for rollback (published ones), oldest first; the current one is marked with *.

    A rollback in force is said after the list; a broken <releases>/current link is an error after it (exit 2).
    """
    releases = Releases(settings.paths.releases)
    broken = releases.link_problem()
    current = None if broken else releases.current()
    listed = releases.all()
    if not listed:
        click.echo(f"no releases in {releases.root}")
    for release in listed:
        manifest = release.manifest()
        mark = "*" if current is not None and release.name == current.name else " "
        published = release.published()
        when = f"published {published[-1]}" + (f" ({len(published)} times)" if len(published) > 1 else "") if published else "published"
        click.echo(f"{mark} {release.name}  {manifest.get('articles', '?'):>6} articles  {when}")
    held_back = releases.rollback_in_force()
    if held_back:
        click.echo(rollback_note(held_back))
    if broken:  # listed first: the release to name in `rollback --to` is among them
        raise ReleaseError(f"{broken}; `fazhi nightly` or `fazhi rollback --to RELEASE` repairs it")


COMMANDS = [nightly, rollback_command, releases_command]
