"""``fazhi scrape`` and ``fazhi mirror``: gather articles, and serve the sample mirror to gather from."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from fazhi.config import Settings
from fazhi_app.exit_codes import epilog
from fazhi_app.options import debug_option, settings_options
from fazhi_app.ports import require_port
from fazhi_app.scrape_report import LOG_WIDTH, print_report, progress_bars
from scraper.mirror import HOSTS, serve
from scraper.run import scrape as run_scrape
from scraper.store_health import heal_store

MIRROR_HOST = "127.0.0.1"


@click.command(epilog=epilog("scrape"))
@settings_options
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Scrape only this source (repeatable; may name a disabled one).")
@click.option("--no-progress", is_flag=True, help="No progress bar (logs, cron).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a table.")
@click.option("--offline", is_flag=True, help="Re-extract from the stored raw pages; no network (after a parser fix).")
@click.option("--full", is_flag=True,
              help="Walk every list page now, as the weekly full walk does; only a full walk leads to removal checks.")
def scrape(settings: Settings, sources: tuple[str, ...], no_progress: bool, as_json: bool, offline: bool, full: bool) -> None:
    """Scrape the configured sources into the content tree.

    A nightly walk stops at the first list page with nothing new; articles are fetched
    again when their list entry changes or when they are due (fetch.revisit_* settings).
    """
    for repair in heal_store(settings):  # as the nightly job does; only a successful night keeps a good copy
        click.echo(f"warning: state store repaired: {repair}", err=True)
    with progress_bars(not no_progress and not as_json) as progress:
        report = run_scrape(settings, list(sources) or None, progress=progress, offline=offline, full=full)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report, Console(width=None if sys.stdout.isatty() else LOG_WIDTH))
    sys.exit(report.exit_code)


@click.command(epilog=epilog("mirror"))
@click.option("--port", type=click.IntRange(0, 65535), default=8731, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("var/mirror"), show_default=True,
              help="Mirror data directory; generated when empty.")
@click.option("--seed", type=int, default=2020, show_default=True, help="Seed for generating the fictional articles.")
@debug_option
def mirror(port: int, data_dir: Path, seed: int) -> None:
    """Serve the sample mirror of the four source platforms on 127.0.0.1.

    Point the scraper at it with fetch.host_map (every host below -> the printed
    address), e.g. in a fazhi.yml, and set fetch.delay: 0.
    """
    require_port(MIRROR_HOST, port)

    def ready(base_url: str) -> None:
        click.echo(f"fazhi mirror serving {data_dir} on {base_url}")
        click.echo("fetch:\n  delay: 0\n  host_map:")
        for host in HOSTS:
            click.echo(f"    {host}: {base_url}")
        click.echo("(Ctrl-C stops it)")

    serve(data_dir, MIRROR_HOST, port, seed, on_ready=ready)


COMMANDS = [scrape, mirror]
