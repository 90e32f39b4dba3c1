"""Every subcommand, invoked wrongly: the documented exit code, one error line naming the culprit, no traceback.

The cases are a table: each gives the arguments (built from a small world of
paths: a config, a content tree, broken configs, a busy port) and what the one
line on stderr must name. On top of the table, every command the CLI has, now or
later, gets the generic cases: an unknown option, and for commands that load
settings, broken config files given before or after the command name.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from fazhi_app.cli import main
from fazhi_app.commands import site as site_commands
from fazhi_app.exit_codes import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE
from tests.cli.conftest import World

Case = Callable[[World], tuple[list[str], int, list[str]]]


def _u(args: list[str | Path], *culprits: str | Path, code: int = EXIT_USAGE) -> Case:
    """A case whose paths are filled in later: ``world`` attribute names in braces, e.g. ``{missing}``."""

    def build(world: World) -> tuple[list[str], int, list[str]]:
        def fill(value: str | Path) -> str:
            return str(value).format(**{k: getattr(world, k) for k in world.__dataclass_fields__})

        return [fill(a) for a in args], code, [fill(c) for c in culprits]

    return build


CASES: dict[str, list[Case]] = {
    "new": [
        _u(["new", "--column", "news", "--title", "x"], "--column"),
        _u(["new", "--column", "cases", "--title", "！？……"], "--title", "pass --slug"),
        _u(["new", "--column", "cases"], "--title", "missing"),
        _u(["new", "--column", "cases", "--title", "x", "--date", "2021-02-30"], "--date"),
        _u(["new", "--column", "cases", "--title", "x", "--slug", "Bad_Slug"], "--slug"),
        _u(["new", "--column", "cases", "--title", "示例", "--slug", "sample-case"], "--slug", "already used"),
        _u(["new", "--column", "cases", "--title", "x", "--content", "{missing}"], "{missing}", "not found"),
    ],
    "check": [
        _u(["check", "--content", "{missing}"], "{missing}", "content directory not found"),
        _u(["check", "--content", "{a_file}"], "--content", "is a file"),
        _u(["--config", "{bad_range}", "check"], "{bad_range}:2:16", "fetch.concurrency", "from 1 to 64"),
    ],
    "preview": [
        _u(["preview", "--port", "{busy_port}"], "127.0.0.1:{busy_port}", "in use"),
        _u(["preview", "--port", "0"], "--port"),
        _u(["preview", "--port", "http"], "--port", "'http'"),
    ],
    "build": [
        _u(["build", "--mkdocs-config", "{missing}.yml"], "{missing}.yml", "not found"),
        _u(["build", "--mkdocs-config", "{content}"], "--mkdocs-config", "is a directory"),
        _u(["build", "--content", "{missing}"], "{missing}", "content directory not found"),
        _u(["build", "--content"], "--content", "requires an argument"),
    ],
    "index": [
        _u(["index", "--content", "{missing}"], "{missing}", "content directory not found"),
        _u(["index", "--index", "{a_file}"], "--index", "is a file"),
        _u(["index", "--rebuild=yes"], "--rebuild"),
    ],
    "serve": [
        _u(["serve", "--port", "{busy_port}"], "127.0.0.1:{busy_port}", "in use"),
        _u(["serve", "--port", "70000"], "--port", "70000"),
    ],
    "search": [
        _u(["search", ""], "QUERY", "empty query"),
        _u(["search", "   "], "QUERY"),
        _u(["search", "执法"], "var/index", "run `fazhi index`"),
        _u(["search", "执法", "--sort", "size"], "--sort", "'size'"),
        _u(["search", "执法", "--per-page", "1000"], "--per-page"),
        _u(["search", "执法", "--from", "yesterday"], "--from", "yesterday"),
        _u(["search", "执法", "--column", "news"], "--column", "news"),
    ],
    "scrape": [
        _u(["scrape", "--source", "no-such-source"], "--source no-such-source", "no such source"),
    ],
    "mirror": [
        _u(["mirror", "--port", "{busy_port}"], "127.0.0.1:{busy_port}", "in use"),
        _u(["mirror", "--port", "-5"], "--port"),
        _u(["mirror", "--data", "{a_file}"], "--data", "is a file"),
        _u(["mirror", "--seed", "many"], "--seed", "'many'"),
    ],
    "nightly": [
        _u(["nightly", "--wait", "-1"], "--wait"),
        _u(["nightly", "--full", "--no-scrape"], "--full", "--no-scrape"),
        _u(["--config", "{bad_type}", "nightly"], "{bad_type}:2:16", "keep_releases", "a whole number from 1 to 1000", "'many'"),
    ],
    "releases": [
        _u(["releases", "--releases", "{a_file}"], "--releases", "is a file"),
        _u(["releases", "--releases", "{base}/not-releases"], "{base}/not-releases/current", "expected a symlink"),
    ],
    "rollback": [
        _u(["rollback"], "var/releases", "nothing is published"),
        _u(["rollback", "--to", "20990101T000000Z"], "var/releases", "nothing is published"),
        _u(["rollback", "--wait", "soon"], "--wait", "'soon'"),
        _u(["rollback", "--to", "20990101T000000Z", "--releases", "{base}/published"], "no release named '20990101T000000Z'"),
        _u(["rollback", "--releases", "{base}/published"], "20260101T000000Z is the oldest release"),
        _u(["rollback", "--releases", "{base}/not-releases"], "{base}/not-releases/current", "expected a symlink"),
    ],
    "review": [
        _u(["review", "--accept", "no-such-change"], "no held change 'no-such-change'"),
        _u(["review", "--reject", "17"], "no held change '17'"),
        _u(["review", "--wait", "soon"], "--wait", "'soon'"),
        _u(["review", "--accept", "1", "--reject", "2"], "--accept and --reject"),
    ],
    "withdraw": [
        _u(["withdraw", "cases/2022/sample-case/"], "--reason"),
        _u(["withdraw", "cases/2022/no-such-case/", "--reason", "x"], "cases/2022/no-such-case/", "no such article"),
        _u(["withdraw", "guide/index.md", "--reason", "x"], "guide/index.md", "not an article"),
        _u(["withdraw", "cases/2022/sample-case/", "--undo"], "cases/2022/sample-case/", "not withdrawn"),
        _u(["withdraw"], "PATH", "missing"),
    ],
    "laws": [
        _u(["laws", "import", "{missing}"], "{missing}", "law library folder not found"),
        _u(["laws", "import", "{a_file}"], "DIRECTORY", "is a file"),
        _u(["laws", "import"], "DIRECTORY", "missing"),
        _u(["laws", "frobnicate"], "frobnicate", "no such command"),
    ],
    "": [
        _u(["frobnicate"], "frobnicate", "no such command"),
        _u(["--content"], "--content"),
    ],
}
# Arguments a command needs before it gets as far as loading its settings.
REQUIRED_ARGS = {
    "new": ["--column", "cases", "--title", "示例"],
    "search": ["执法"],
    "withdraw": ["cases/2022/sample-case/", "--reason", "示例"],
}


def generic_cases(name: str) -> list[Case]:
    """The cases every command gets: an unknown option, and broken config files for those that load settings."""
    command = main.commands[name]
    cases = [_u([name, "--no-such-option"], "--no-such-option", "no such option")]
    params = {p.name for p in command.params}
    required = [p for p in command.params if p.required]
    if "config" not in params or (required and name not in REQUIRED_ARGS):
        return cases
    tail = REQUIRED_ARGS.get(name, [])
    return [
        *cases,
        _u(["--config", "{not_utf8}", name, *tail], "{not_utf8}:1:12", "not UTF-8"),
        _u([name, *tail, "--config", "{not_utf8}"], "{not_utf8}:1:12", "not UTF-8"),
        _u([name, *tail, "--config", "{bad_yaml}"], "{bad_yaml}:2:12", "not valid YAML", "quoted scalar"),
        _u(["--config", "{bad_type}", name, *tail], "{bad_type}:2:16", "keep_releases"),
        _u([name, *tail, "--config", "{missing}.yml"], "{missing}.yml", "config file not found"),
        _u([name, *tail, "--config", "{content}"], "--config", "is a directory"),
        _u([name, *tail, "--state", "{a_file}"], "--state", "is a file"),
    ]


def all_cases() -> list[tuple[str, int, Case]]:
    listed = [(name, i, case) for name, cases in CASES.items() for i, case in enumerate(cases)]
    generic = [(name, 100 + i, case) for name in sorted(main.commands) for i, case in enumerate(generic_cases(name))]
    return listed + generic


@pytest.mark.parametrize(("command", "number", "case"), all_cases(), ids=[f"{c or 'fazhi'}-{n}" for c, n, _ in all_cases()])
def test_a_bad_invocation_fails_with_one_line_naming_the_culprit(
    command: str, number: int, case: Case, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(world.base)
    monkeypatch.delenv("FAZHI_DEBUG", raising=False)
    monkeypatch.setenv("FAZHI_CONFIG", str(world.config))
    args, code, culprits = case(world)
    result = CliRunner().invoke(main, args)
    shown = f"fazhi {' '.join(args)}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert result.exit_code == code, shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fazhi: ") and not lines[0].startswith("fazhi: fazhi:"), shown
    for culprit in culprits:
        assert culprit in lines[0], shown


def test_every_contract_command_has_cases_of_its_own() -> None:
    missing = [name for name in main.commands if name not in CASES]
    assert not missing, f"no bad invocations listed for: {', '.join(missing)}"


def test_global_options_work_before_and_after_the_command(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(world.base)
    monkeypatch.delenv("FAZHI_CONFIG", raising=False)
    runner = CliRunner()
    before = runner.invoke(main, ["--config", str(world.config), "--content", str(world.content), "check"])
    after = runner.invoke(main, ["check", "--config", str(world.config), "--content", str(world.content)])
    assert before.exit_code == after.exit_code == 0, before.output + after.output
    assert before.stdout == after.stdout and str(world.content) in before.stdout
    # given both ways, the value after the command wins
    both = runner.invoke(main, ["--content", str(world.missing), "check", "--config", str(world.config), "--content", str(world.content)])
    assert both.exit_code == 0, both.output


def test_debug_shows_the_traceback_and_still_the_line(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(world.base)
    bad = str(world.not_utf8)
    asked = ((["--debug", "--config", bad, "check"], {}), (["check", "--config", bad], {"FAZHI_DEBUG": "1"}))
    for args, env in asked:
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == EXIT_USAGE
        assert "Traceback" in result.stderr and result.stderr.splitlines()[-1].startswith(f"fazhi: {world.not_utf8}:1:12: not UTF-8")


def test_the_installed_command_answers_a_port_in_use_with_one_line(world: World) -> None:
    import subprocess

    fazhi = Path(sys.executable).with_name("fazhi")
    for command in ("serve", "mirror"):
        done = subprocess.run([str(fazhi), command, "--port", str(world.busy_port)], capture_output=True, text=True, timeout=120,
                              cwd=world.base, env={"PATH": "/usr/bin:/bin", "FAZHI_CONFIG": str(world.config)})
        assert done.returncode == EXIT_USAGE, done.stderr
        assert done.stderr.splitlines() == [done.stderr.strip()] and f"127.0.0.1:{world.busy_port}" in done.stderr
        assert "Application startup complete" not in done.stdout + done.stderr


@pytest.mark.parametrize(("raised", "code", "line"), [
    (RuntimeError("boom"), EXIT_INTERNAL, "fazhi: internal error: RuntimeError: boom (rerun with --debug for the traceback)"),
    (KeyboardInterrupt(), EXIT_INTERRUPTED, "fazhi: interrupted"),
    (PermissionError(13, "Permission denied", "/srv/fazhi/docs"), EXIT_USAGE, "fazhi: /srv/fazhi/docs: Permission denied"),
])
def test_an_unexpected_failure_is_one_line_too(
    raised: BaseException, code: int, line: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(site_commands, "check_content", fail)
    result = CliRunner().invoke(main, ["--config", str(world.config), "check"])
    assert result.exit_code == code
    # (after Ctrl-C click first ends the terminal's line: an empty line before ours)
    assert [shown for shown in result.stderr.splitlines() if shown] == [line] and "Traceback" not in result.output
