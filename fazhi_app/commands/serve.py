"""``fazhi serve``: the built site and the search API from one local process."""

from __future__ import annotations

import click

from fazhi.config import Settings
from fazhi_app.exit_codes import epilog
from fazhi_app.options import settings_options
from fazhi_app.ports import require_port
from fazhi_app.serving import serve as run_server


@click.command("serve", epilog=epilog("serve"))
@click.option("--host", default=None, help="Address to listen on (default: setting serve_host, 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=None, help="Port to listen on (default: setting serve_port, 8000; 0 picks a free one)."
)
@settings_options
def serve(settings: Settings, host: str | None, port: int | None) -> None:
    """Serve the built site and /api/search, /api/health until Ctrl-C.

    Serves <releases>/current/{site,index} when that link exists, else --site and
    --index; a newly published release or index is picked up without a restart.
    """
    require_port(host or settings.serve_host, settings.serve_port if port is None else port)
    run_server(settings, host=host, port=port)


COMMANDS = [serve]
