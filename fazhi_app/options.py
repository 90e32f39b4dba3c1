"""The options every ``fazhi`` subcommand shares: ``--config`` and one per location.

Kept apart from ``cli`` so that command modules can use them while ``cli``
imports every command module at its top.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from fazhi.config import load_settings

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
