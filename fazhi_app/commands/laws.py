"""``fazhi laws import DIR``: read a law library and report what it could not parse; ``fazhi laws questions``: known questions.

The library is only read, never copied: point ``law_library`` (fazhi.yml ``paths``)
or ``--law-library`` at the folder once it checks out. Known questions (question -> article pairs,
``fazhi.law.questions``) are imported into the state folder against the configured library, listed,
and cleared.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from fazhi.config import Settings
from fazhi.errors import ConfigError
from fazhi.law.library import Library, load_library
from fazhi.law.questions import KnownQuestion, import_questions, load_questions, questions_path
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


@laws.group("questions", epilog=epilog("laws"))
def questions() -> None:
    """Known questions: question -> statute article pairs, kept in the state folder, searched with their article."""


def _library(settings: Settings) -> Library:
    """The configured law library; a question names its articles."""
    folder = settings.paths.law_library
    if folder is None:
        raise ConfigError("no law library set: known questions name its articles (--law-library DIR, or `law_library:` under `paths:`)")
    if not folder.is_dir():
        raise ConfigError(f"{folder}: law library folder not found")
    return load_library(folder)


def _stored(settings: Settings) -> list[KnownQuestion]:
    """The imported set; a damaged file is a configuration problem naming it."""
    try:
        return load_questions(settings.paths.state)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


@questions.command("import", epilog=epilog("laws"))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@settings_options
def questions_import(settings: Settings, file: Path) -> None:
    """Add the question -> article pairs of FILE (JSONL: question, law, article) to the known questions.

    Each bad line is printed as FILE:line: message and skipped; the good ones are added in one write, and a
    pair already known is not added again.
    """
    if not file.is_file():
        raise ConfigError(f"{file}: question file not found")
    library = _library(settings)
    try:
        done = import_questions(settings.paths.state, library, file)
    except ValueError as exc:  # the stored set is damaged: say so, change nothing
        raise ConfigError(str(exc)) from exc
    for problem in done.problems:
        click.echo(str(problem))
    click.echo(f"{file}: {done.added} question(s) added, {done.known} already known, {len(done.problems)} line(s) skipped;"
               f" {done.total} known question(s) in {questions_path(settings.paths.state)}", err=True)
    if done.problems:
        sys.exit(EXIT_PROBLEMS)


@questions.command("list", epilog=epilog("laws"))
@settings_options
def questions_list(settings: Settings) -> None:
    """Print the known questions, one JSON object a line (the import format)."""
    for question in _stored(settings):
        click.echo(json.dumps(question.to_dict(), ensure_ascii=False))


@questions.command("clear", epilog=epilog("laws"))
@settings_options
def questions_clear(settings: Settings) -> None:
    """Forget every known question (the next index update records the empty set)."""
    path = questions_path(settings.paths.state)
    try:
        count = str(len(load_questions(settings.paths.state)))
    except ValueError:  # a damaged file is what clearing is for
        count = "all"
    path.unlink(missing_ok=True)
    click.echo(f"{count} known question(s) removed from {path}", err=True)


COMMANDS = (laws,)
