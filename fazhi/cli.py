"""The ``fazhi`` command: one subcommand per stage, each a thin call into a library function.

Subcommands live in ``fazhi/commands/`` grouped by the part of the project
they drive; every one takes the same location options so a run can work in any
directory (see ``settings_options``).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from fazhi import __version__
from fazhi.config import Settings, load_settings
from fazhi.errors import FazhiError

LOCATION_OPTIONS = (
    ("content", "content tree: article files and site pages (MkDocs docs_dir)"),
    ("mkdocs_config", "the mkdocs.yml to build with"),
    ("state", "scraper database, raw pages, lock and run reports"),
    ("site", "where `fazhi build` writes the static site"),
    ("index", "the Whoosh search index directory"),
    ("releases", "published releases and the `current` link (nightly, rollback, serve)"),
)


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config`` and one option per location; the command receives ``settings``."""

    @functools.wraps(func)
    def wrapper(*args: Any, config: str | None, **kwargs: Any) -> Any:
        overrides = {name: kwargs.pop(name) for name, _ in LOCATION_OPTIONS}
        settings = load_settings(config).with_paths(**overrides)
        return func(*args, settings=settings, **kwargs)

    for name, help_text in reversed(LOCATION_OPTIONS):
        flag = "--" + name.replace("_", "-")
        kind = click.Path(file_okay=name == "mkdocs_config")
        wrapper = click.option(flag, name, type=kind, default=None, help=f"Override: {help_text}.")(wrapper)
    return click.option(
        "--config", "config", type=click.Path(dir_okay=False), default=None, envvar="FAZHI_CONFIG",
        help="Config file (default: $FAZHI_CONFIG, else ./fazhi.yml, else built-in defaults).",
    )(wrapper)


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


def _register() -> None:
    from fazhi.commands import nightly, scrape, search, serve, site

    for module in (site, scrape, search, serve, nightly):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

__all__ = ["Settings", "main", "settings_options"]
