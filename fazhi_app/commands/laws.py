"""``fazhi laws import DIR``: read a law library and report what it could not parse.

The library is only read, never copied: point ``law_library`` (fazhi.yml ``paths``)
or ``--law-library`` at the folder once it checks out.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fazhi.config import Settings
from fazhi.errors import ConfigError
from fazhi.law.library import Library, load_library
from fazhi_app.exit_codes import EXIT_PROBLEMS, epilog
from fazhi_app.options import settings_options


def summary(library: Library) -> str:
    """One line: how much of the library was read."""
    versions = sum(len(law.versions) for law in library.laws.values())
    articles = sum(len(v.articles) for law in library.laws.values() for v in law.versions)
    multi = sum(1 for law in library.laws.values() if len(law.versions) > 1)
    return (f"{library.files} file(s): {len(library.laws)} law(s), {versions} version(s) ({multi} law(s) with several),"
            f" {articles} article(s); {len(library.repeals)} repeal(s) stated; {len(library.problems)} problem(s)")


@click.group("laws", epilog=epilog("laws"))
def laws() -> None:
    """The law library: statute texts that law pages show and citations link into."""


@laws.command("import", epilog=epilog("laws"))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@settings_options
def import_command(settings: Settings, directory: Path) -> None:
    """Check the law library in DIRECTORY; print each file it could not parse as path:line: message.

    """
    if not directory.is_dir():
        raise ConfigError(f"{directory}: law library folder not found")
    library = load_library(directory)
    if not library.laws:
        raise ConfigError(f"{directory}: no law text found (expected <category>/<name>(YYYY-MM-DD).md files)")
    for problem in library.problems:
        click.echo(f"{directory}/{problem}")
    click.echo(summary(library), err=True)
    configured = settings.paths.law_library
    if configured is None or configured.resolve() != directory.resolve():
        click.echo(f"to use it: --law-library {directory}, or `law_library: {directory}` under `paths:` in fazhi.yml", err=True)
    if library.problems:
        sys.exit(EXIT_PROBLEMS)


COMMANDS = (laws,)
