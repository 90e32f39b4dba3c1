"""The manual's exit-code table (manual/commands.md) and the code agree, and each command's --help lists its codes."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from fazhi_app.cli import main
from fazhi_app.exit_codes import OWN, SHARED, codes_for, markdown_cell

COMMANDS = (Path(__file__).resolve().parents[2] / "manual" / "commands.md").read_text("utf-8")


def table_rows() -> dict[str, str]:
    """The exit-code table: command (or ``every command``) -> its cell."""
    table = COMMANDS.split("**Exit codes**", 1)[1]
    rows = re.findall(r"^\| (`fazhi [a-z]+`|every command) \| (.*) \|$", table.split("\n\n", 2)[1], re.MULTILINE)
    return {name.strip("`").removeprefix("fazhi "): cell for name, cell in rows}


def test_the_manual_table_lists_every_command_with_the_codes_it_exits_with() -> None:
    rows = table_rows()
    assert rows.pop("every command") == markdown_cell(SHARED)
    expected = {name: f"| `fazhi {name}` | {markdown_cell(OWN.get(name, {}))} |" for name in sorted(main.commands)}
    missing = [row for name, row in expected.items() if name not in rows]
    assert not missing, "manual/commands.md's exit-code table lacks these rows:\n" + "\n".join(missing)
    assert set(rows) <= set(expected), f"manual/commands.md lists commands fazhi does not have: {sorted(set(rows) - set(expected))}"
    for name, cell in rows.items():
        row = f"| `fazhi {name}` | {cell} |"
        assert row == expected[name], f"manual/commands.md row differs from fazhi_app/exit_codes.py; it should be:\n{expected[name]}"


def test_every_command_help_ends_with_its_exit_codes() -> None:
    for name in main.commands:
        shown = CliRunner().invoke(main, [name, "--help"]).output
        for code in codes_for(name):
            assert re.search(rf"^\s+{code}  ", shown, re.MULTILINE), f"`fazhi {name} --help` does not list exit code {code}"
