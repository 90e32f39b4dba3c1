"""The ``fazhi`` command: one subcommand per stage, each a thin call into a library function.

Subcommands live in ``fazhi_app/commands/`` grouped by the part of the project
they drive; every one takes the same global options so a run can work in any
directory (see ``fazhi_app.options``). Whatever goes wrong, a failing command
prints one line on stderr, ``fazhi: <file, URL or setting>: <what is wrong>``, and
exits with the code ``fazhi_app.exit_codes`` documents (see ``fazhi_app.failures``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from fazhi import __version__
from fazhi_app.commands import laws, nightly, review, scrape, search, serve, site
from fazhi_app.failures import run_reporting
from fazhi_app.options import global_options


class FazhiGroup(click.Group):
    """Runs a subcommand and turns any failure into one line on stderr and its exit code."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        run = super().main
        sys.exit(run_reporting(lambda: run(argv, prog_name or "fazhi", complete_var, standalone_mode=False, **extra), argv))


@click.group(cls=FazhiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fazhi")
@global_options
def main(**_given: Any) -> None:
    """fazhi: scrape legal-publicity articles into a searchable static archive.

    The global options may come before the command or after it.
    """


for _module in (site, scrape, search, serve, nightly, review, laws):
    for _command in _module.COMMANDS:
        main.add_command(_command)
