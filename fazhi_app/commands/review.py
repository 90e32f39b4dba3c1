"""``fazhi review``: list the changes the nightly change guard held, and accept or reject them."""

from __future__ import annotations

import sys

import click

from fazhi.config import Settings
from fazhi.errors import LockHeld
from fazhi_app.exit_codes import epilog
from fazhi_app.nightly import EXIT_LOCKED
from fazhi_app.options import settings_options
from fazhi_app.review import decide, describe, pending


@click.command("review", epilog=epilog("review"))
@click.option("--accept", "accept", multiple=True, metavar="HELD", help="Publish a held change (id, URL, path, or all); repeatable.")
@click.option("--reject", "reject", multiple=True, metavar="HELD", help="Keep the published version (id, URL, path, or all); repeatable.")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, metavar="SECONDS", help="Wait up to SECONDS for a nightly run's lock.")
@settings_options
def review(settings: Settings, accept: tuple[str, ...], reject: tuple[str, ...], wait: float) -> None:
    """Show the changes held by the change guard; --accept or --reject decides.

    A held change is kept (in the state store and in <content>/.held/) but not
    published. Accepted changes are published by the next `fazhi nightly`;
    rejected ones keep the published version until upstream changes again.
    """
    if accept and reject:
        raise click.UsageError("--accept and --reject cannot be given together")
    if accept or reject:
        try:
            decisions, unsaved = decide(settings, list(accept or reject), accept=bool(accept), wait=wait)
        except LockHeld as exc:
            click.echo(f"fazhi: {exc}", err=True)
            sys.exit(EXIT_LOCKED)
        for decision in decisions:
            click.echo(f"{decision.status}: #{decision.held.id} {decision.held.url}")
        if unsaved:
            click.echo(f"fazhi: {unsaved}", err=True)
        if accept:
            click.echo("accepted changes are published by the next `fazhi nightly`")
        return
    holds = pending(settings)
    if not holds:
        click.echo("no changes are held for review")
        return
    for held in holds:
        click.echo("\n".join(describe(held)))


COMMANDS = [review]
