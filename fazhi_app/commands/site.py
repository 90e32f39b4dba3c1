"""Site commands for staff: ``new``, ``check``, ``preview`` and ``build``."""

from __future__ import annotations

import sys

import click

from fazhi.article import COLUMNS
from fazhi.config import Settings
from fazhi.errors import ArticleInvalid, Problem
from fazhi_app.authoring import check_content, new_article
from fazhi_app.build import build_site, preview
from fazhi_app.options import settings_options


def _report(problems: list[Problem], what: str) -> None:
    """Each problem as ``path:line: message`` on stdout, a count on stderr, exit status 1."""
    for problem in problems:
        click.echo(str(problem))
    files = len({p.path for p in problems})
    click.echo(f"{len(problems)} problem(s) in {files} file(s); {what}", err=True)
    sys.exit(1)


COLUMN_HELP = "Column: " + ", ".join(f"{key} ({column.name})" for key, column in COLUMNS.items()) + "."


@click.command("new")
@click.option("--column", required=True, type=click.Choice(list(COLUMNS)), help=COLUMN_HELP)
@click.option("--title", required=True, help="Article title (Chinese is fine).")
@click.option("--date", "date", default=None, metavar="DATE", help="YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (default: today).")
@click.option("--slug", default=None, help="ASCII URL slug (default: pinyin of the title).")
@click.option("--source", default=None, help="信息来源: the issuing office.")
@click.option("--publisher", default=None, help="Publisher (default: the `publisher` setting).")
@settings_options
def new(settings: Settings, column: str, title: str, date: str | None, slug: str | None, source: str | None, publisher: str | None) -> None:
    """Scaffold a new article file with its front matter filled in."""
    path = new_article(settings, column=column, title=title, date=date, slug=slug, source=source, publisher=publisher)
    click.echo(str(path))


@click.command("check")
@settings_options
def check(settings: Settings) -> None:
    """Validate every article; print each problem as path:line: message."""
    tree = check_content(settings)
    if tree.problems:
        _report(tree.problems, f"{len(tree.articles)} article(s) are valid")
    click.echo(f"{len(tree.articles)} article(s) checked in {settings.paths.content}: no problems")


@click.command("preview")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port on 127.0.0.1.")
@settings_options
def preview_command(settings: Settings, port: int) -> None:
    """Serve the site on 127.0.0.1 with live reload while editing."""
    preview(settings, port=port)


@click.command("build")
@settings_options
def build(settings: Settings) -> None:
    """Build the static site (strict); refuses invalid articles before writing anything."""
    try:
        result = build_site(settings)
    except ArticleInvalid as exc:
        _report(exc.problems, "nothing was built and the published site is unchanged")
    click.echo(f"built {result.pages} pages ({result.articles} articles) in {result.seconds:.1f} s into {result.site_dir}")


COMMANDS = [new, check, preview_command, build]
