"""Site commands for staff: ``new``, ``check``, ``preview``, ``build`` and ``withdraw``."""

from __future__ import annotations

import sys

import click

from fazhi.article import COLUMNS
from fazhi.config import Settings
from fazhi.errors import ArticleInvalid, Problem
from fazhi_app.authoring import check_content, content_root, fix_misplaced, new_article
from fazhi_app.build import PREVIEW_HOST, build_site, preview
from fazhi_app.citation_check import citation_warnings
from fazhi_app.exit_codes import EXIT_PROBLEMS, epilog
from fazhi_app.options import settings_options
from fazhi_app.ports import require_port
from fazhi_app.withdrawal import withdraw


def _report(problems: list[Problem], what: str) -> None:
    """Each problem as ``path:line: message`` on stdout, a one-line count on stderr, exit status 1."""
    for problem in problems:
        click.echo(str(problem))
    files = len({p.path for p in problems})
    click.echo(f"fazhi: {len(problems)} problem(s) in {files} file(s); {what}", err=True)
    sys.exit(EXIT_PROBLEMS)


COLUMN_HELP = "Column: " + ", ".join(f"{key} ({column.name})" for key, column in COLUMNS.items()) + "."


@click.command("new", epilog=epilog("new"))
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


@click.command("check", epilog=epilog("check"))
@click.option("--fix", is_flag=True, help="Move misplaced articles (and the files they link to) to <column>/<year>/<slug>/index.md.")
@settings_options
def check(settings: Settings, fix: bool) -> None:
    """Validate every article; print each problem as path:line: message (paths relative to the content tree).

    With a law library, citations it cannot link are listed too, as warnings (they do not fail the check).
    """
    if fix:
        for moved in fix_misplaced(settings):
            if moved.refused:
                click.echo(f"fazhi: {moved.source}: not moved: {moved.refused}", err=True)
            else:
                extra = f" with {', '.join(moved.files)}" if moved.files else ""
                click.echo(f"moved {moved.source} -> {moved.target}{extra}")
    tree = check_content(settings)
    for warning in citation_warnings(settings, tree):
        click.echo(str(warning))
    if tree.problems:
        _report(tree.problems, f"{len(tree.articles)} article(s) are valid")
    withdrawn = f" ({len(tree.withdrawn)} withdrawn)" if tree.withdrawn else ""
    click.echo(f"{len(tree.articles) + len(tree.withdrawn)} article(s) checked in {settings.paths.content}{withdrawn}: no problems")


@click.command("preview", epilog=epilog("preview"))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port on 127.0.0.1.")
@settings_options
def preview_command(settings: Settings, port: int) -> None:
    """Serve the site on 127.0.0.1 with live reload while editing."""
    content_root(settings)
    require_port(PREVIEW_HOST, port)
    preview(settings, port=port)


@click.command("build", epilog=epilog("build"))
@settings_options
def build(settings: Settings) -> None:
    """Build the static site (strict); refuses invalid or misplaced articles before writing anything."""
    try:
        result = build_site(settings)
    except ArticleInvalid as exc:
        _report(exc.problems, "nothing was built and the published site is unchanged")
    click.echo(f"built {result.pages} pages ({result.articles} articles) in {result.seconds:.1f} s into {result.site_dir}")


@click.command("withdraw", epilog=epilog("withdraw"))
@click.argument("path", metavar="PATH")
@click.option("--reason", default=None, metavar="TEXT", help="Why it is withdrawn (court order, personal data, error …); required.")
@click.option("--undo", is_flag=True, help="Publish a withdrawn article again.")
@settings_options
def withdraw_command(settings: Settings, path: str, reason: str | None, undo: bool) -> None:
    """Take an article off the site (or bring it back with --undo); its file and record stay.

    PATH is the article's index.md, its folder, its URL path (cases/2022/slug/) or its page address.
    The next build leaves it out of its page, listings, feeds, law pages and search,
    and its URL answers with a short notice. The scraper never restores it.
    """
    if undo and reason:
        raise click.BadParameter("--undo takes no reason", param_hint="--reason")
    done = withdraw(settings, path, reason, undo=undo)
    rel = done.path.relative_to(settings.paths.content.resolve())
    if done.undone:
        click.echo(f"published again: {rel} (/{done.article.url}); the next build shows it")
    else:
        click.echo(f"withdrawn: {rel} (/{done.article.url}) on {done.article.withdrawn}; the next build takes it down")


COMMANDS = [new, check, preview_command, build, withdraw_command]
