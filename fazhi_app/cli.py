"""The ``fazhi`` command: one subcommand per stage, each a thin call into a library function.

Subcommands live in ``fazhi_app/commands/`` grouped by the part of the project
they drive; every one takes the same location options so a run can work in any
directory (see ``fazhi_app.options``).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from fazhi import __version__
from fazhi.errors import FazhiError
from fazhi_app.commands import nightly, scrape, search, serve, site


class FazhiGroup(click.Group):
    """Turns a FazhiError into a one-line message and exit code 2 instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FazhiError as exc:
            click.echo(f"fazhi: {exc}", err=True)
            sys.exit(2)


@click.group(cls=FazhiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fazhi")
def main() -> None:
    """fazhi: scrape legal-publicity articles into a searchable static archive."""


for _module in (site, scrape, search, serve, nightly):
    for _command in _module.COMMANDS:
        main.add_command(_command)

