"""Every command's exit codes in one table, read by the commands, their ``--help`` and the manual's test (manual/commands.md).

Operators and cron read these numbers, so they are named once here. Codes every
command shares (0, 2, 70, 130) are listed with each command, then the command's
own; the nightly job's come from ``fazhi_app.nightly`` and the scrape's from
``scraper.run``, which compute them.
"""

from __future__ import annotations

from fazhi_app.nightly import EXIT_CODES as NIGHTLY_EXIT_CODES
from fazhi_app.nightly import EXIT_LOCKED

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

SHARED = {
    EXIT_OK: "done",
    EXIT_USAGE: "bad option or value, bad configuration, or the environment is wrong (a missing or unreadable path, a port in use)",
    EXIT_INTERNAL: "an unexpected error inside fazhi (rerun with --debug for the traceback)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}
SCRAPE_FAILED = 1
SCRAPE_BLOCKED = 3

# The command's own codes, and its own words for the shared ones where they say more.
OWN: dict[str, dict[int, str]] = {
    "new": {EXIT_OK: "the article file was created"},
    "check": {EXIT_OK: "no problems", EXIT_PROBLEMS: "problems found (one line each on stdout)"},
    "preview": {EXIT_OK: "stopped with Ctrl-C"},
    "build": {
        EXIT_OK: "the site was built",
        EXIT_PROBLEMS: "invalid or misplaced articles (one line each on stdout); nothing was built",
        EXIT_USAGE: "as for every command, or MkDocs could not build the site; the previous site is unchanged",
    },
    "index": {
        EXIT_OK: "the index is up to date (with --verify: it matches the content tree and the law library)",
        EXIT_PROBLEMS: "--verify found differences (one line each on stdout)",
    },
    "serve": {EXIT_OK: "stopped with Ctrl-C"},
    "search": {
        EXIT_OK: "results printed (none found is not an error)",
        EXIT_USAGE: "as for every command, or a bad query, or no index yet (run `fazhi index`), or a damaged index (named)",
    },
    "scrape": {
        EXIT_OK: "every source ok",
        SCRAPE_FAILED: "a source, or some of its articles, failed",
        SCRAPE_BLOCKED: "a source was blocked (anti-bot challenge or HTTP 412) or left unfinished by a time limit, and none failed",
        EXIT_LOCKED: "another process holds the state store (`fazhi: <state>/scrape.sqlite: …`); nothing scraped",
    },
    "mirror": {EXIT_OK: "stopped with Ctrl-C"},
    "nightly": dict(NIGHTLY_EXIT_CODES),
    "releases": {EXIT_OK: "the releases were listed"},
    "review": {
        EXIT_OK: "the held changes were listed, or the named ones accepted or rejected",
        EXIT_USAGE: "as for every command, or a named change is not held",
        EXIT_LOCKED: "a nightly run holds the lock",
    },
    "rollback": {
        EXIT_OK: "switched",
        EXIT_USAGE: "as for every command, or no such release, or an incomplete one (what is missing is named), or nothing to roll back to",
        EXIT_LOCKED: "a nightly run holds the lock",
    },
    "withdraw": {EXIT_OK: "the article was withdrawn (or brought back with --undo)"},
    "laws": {
        EXIT_OK: "every file of the law library was read (questions: every line imported)",
        EXIT_PROBLEMS: "files left out or read in part, or question-file lines skipped (one line each on stdout)",
    },
}


def codes_for(command: str) -> dict[int, str]:
    """Every exit code of ``command`` with its meaning, in numeric order."""
    merged = {**SHARED, **OWN.get(command, {})}
    return dict(sorted(merged.items()))


def epilog(command: str) -> str:
    """The exit codes as a ``--help`` epilog (``\\b`` keeps click from rewrapping the lines)."""
    return "\b\nExit codes:\n" + "\n".join(f"  {code:>3}  {text}" for code, text in codes_for(command).items())


def markdown_cell(codes: dict[int, str]) -> str:
    """Exit codes as a cell of the manual's exit-code table (manual/commands.md): ``**0** done; **2** ...``."""
    return "; ".join(f"**{code}** {text}" for code, text in sorted(codes.items())) or "only the codes every command has"
