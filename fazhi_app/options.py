"""The options every ``fazhi`` subcommand shares: ``--config``, one per location, and ``--debug``.

They are accepted before the subcommand (``fazhi --config x.yml build``) and after
it (``fazhi build --config x.yml``); a value given after wins. Kept apart from
``cli`` so that command modules can use them while ``cli`` imports every command
module at its top.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from fazhi.config import Settings, load_settings
from scraper.platforms import check_settings

LOCATION_OPTIONS = (
    ("content", "content tree: article files and site pages (MkDocs docs_dir)"),
    ("mkdocs_config", "the mkdocs.yml to build with"),
    ("state", "scraper database, raw pages, lock and run reports"),
    ("site", "where `fazhi build` writes the static site"),
    ("index", "the Whoosh search index directory"),
    ("releases", "published releases and the `current` link (nightly, rollback, serve)"),
    ("law_library", "folder of statute texts (LawRefBook layout) that citations link into"),
)
GLOBAL_NAMES = ("config", *(name for name, _ in LOCATION_OPTIONS))
DEBUG_HELP = "Show the full traceback of an unexpected error (also FAZHI_DEBUG=1)."


def debug_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--debug``: read from the command line by ``fazhi_app.failures``; the command ignores its value."""
    return click.option("--debug", is_flag=True, default=False, expose_value=False, help=DEBUG_HELP)(func)


def global_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config``, the location options and ``--debug`` to a command or the group."""
    func = debug_option(func)
    for name, help_text in reversed(LOCATION_OPTIONS):
        flag = "--" + name.replace("_", "-")
        kind = click.Path(file_okay=name == "mkdocs_config", dir_okay=name != "mkdocs_config")
        func = click.option(flag, name, type=kind, default=None, help=f"Override: {help_text}.")(func)
    return click.option(
        "--config", "config", type=click.Path(dir_okay=False), default=None,
        help="Config file (default: $FAZHI_CONFIG, else ./fazhi.yml, else built-in defaults).",
    )(func)


def given_globals(values: dict[str, Any]) -> dict[str, Any]:
    """The global options of this command merged over those given before the subcommand."""
    ctx = click.get_current_context(silent=True)
    before = ctx.find_root().params if ctx is not None else {}
    return {name: values[name] if values.get(name) is not None else before.get(name) for name in GLOBAL_NAMES}


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The global options on a command that receives ``settings`` loaded from them."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = given_globals({name: kwargs.pop(name) for name in GLOBAL_NAMES})
        return func(*args, settings=load_command_settings(given), **kwargs)

    return global_options(wrapper)


def load_command_settings(given: dict[str, Any]) -> Settings:
    """Settings from the chosen config file, its sources checked against the platform registry, with the location options applied."""
    config = given.pop("config", None)
    return check_settings(load_settings(config)).with_paths(**given)
