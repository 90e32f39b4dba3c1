"""What a failing ``fazhi`` command prints and the code it exits with.

One line on stderr, ``fazhi: <file, URL or setting>: <what is wrong>``: operators
and cron read it, so it never grows into a usage screen or a traceback. A
traceback is shown only when ``--debug`` or ``FAZHI_DEBUG=1`` asks for one.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import click

from fazhi.errors import ArticleInvalid, FazhiError, LockHeld
from fazhi_app.exit_codes import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PROBLEMS, EXIT_USAGE
from fazhi_app.nightly import EXIT_LOCKED

DEBUG_ENV = "FAZHI_DEBUG"


def run_reporting(call: Callable[[], Any], argv: Sequence[str]) -> int:
    """Run ``call`` (a click command's ``main`` with ``standalone_mode=False``) and return the exit code.

    Any failure is reported by ``exit_for``; a command's own ``sys.exit`` passes through.
    """
    try:
        code = call()
    except Exception as exc:
        code = exit_for(exc, argv)
    except KeyboardInterrupt as exc:
        code = exit_for(exc, argv)
    return code if isinstance(code, int) else 0


def debugging(argv: Sequence[str]) -> bool:
    """Whether the user asked for tracebacks."""
    return "--debug" in argv or os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def say(culprit: str, what: str) -> None:
    """The one error line on stderr."""
    text = f"{culprit}: {what}" if culprit else what
    click.echo("fazhi: " + " ".join(text.split()), err=True)


def exit_for(exc: BaseException, argv: Sequence[str]) -> int:
    """Print ``exc`` as one line (or its traceback when debugging) and return the exit code it calls for."""
    if debugging(argv) and not isinstance(exc, click.ClickException):
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, click.ClickException):
        say(*usage_problem(exc))
        return EXIT_USAGE
    if isinstance(exc, (KeyboardInterrupt, click.Abort)):
        say("", "interrupted")
        return EXIT_INTERRUPTED
    if isinstance(exc, ArticleInvalid):
        for problem in exc.problems:
            click.echo(str(problem))
        files = len({p.path for p in exc.problems})
        say("", f"{len(exc.problems)} problem(s) in {files} file(s)")
        return EXIT_PROBLEMS
    if isinstance(exc, FazhiError):
        say("", "; ".join(line.strip() for line in str(exc).splitlines() if line.strip()))
        return EXIT_LOCKED if isinstance(exc, LockHeld) else EXIT_USAGE
    if isinstance(exc, OSError):
        say(str(exc.filename or ""), exc.strerror or str(exc))
        return EXIT_USAGE
    say("internal error", f"{type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
    return EXIT_INTERNAL


def usage_problem(exc: click.ClickException) -> tuple[str, str]:
    """(culprit, what) for a bad invocation: the option or argument at fault and why."""
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    if isinstance(exc, click.NoSuchOption):
        maybe = f"; did you mean {' or '.join(sorted(exc.possibilities))}?" if exc.possibilities else ""
        return exc.option_name, f"no such option{maybe}{where}"
    if isinstance(exc, click.BadParameter):
        param = exc.param
        name = exc.param_hint if isinstance(exc.param_hint, str) else None
        if param is not None:
            name = (param.opts[0] if param.opts and param.param_type_name == "option" else (param.metavar or param.name or "").upper())
        if isinstance(exc, click.MissingParameter):
            return name or "argument", f"missing; it is required{where}"
        return name or "argument", f"{_plain(exc.message)}{where}"
    if isinstance(exc, click.UsageError):
        missing = re.match(r"No such command '([^']+)'", exc.message)
        if missing:
            return missing.group(1), f"no such command{where}"
        option = re.match(r"Option '([^']+)' (.+)", exc.message, re.S)
        if option:
            return option.group(1), f"{_plain(option.group(2))}{where}"
        return ctx.command_path if ctx is not None else "fazhi", f"{_plain(exc.message)}{where}"
    return "", _plain(exc.format_message())


def _plain(message: str) -> str:
    """A click message as the tail of our line: no trailing full stop, first letter as written."""
    return " ".join(message.split()).rstrip(".")
