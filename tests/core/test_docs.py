"""The README is the contract for operators: every command, option group and setting is in it."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from fazhi.article import FIELDS
from fazhi.config import FetchSettings, Footer, GuardSettings, Paths, Settings, Source
from fazhi.schema import fields_of
from fazhi_app.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
REFERENCE = (Path(__file__).resolve().parents[2] / "manual" / "configuration.md").read_text("utf-8")
FRONT_MATTER = (Path(__file__).resolve().parents[2] / "manual" / "front-matter.md").read_text("utf-8")
COMMANDS = ("new", "check", "preview", "build", "index", "serve", "search", "scrape", "mirror", "nightly", "rollback")


def test_every_contract_command_exists_with_help() -> None:
    runner = CliRunner()
    assert set(COMMANDS) <= set(main.commands)
    for name in COMMANDS:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage: main" in result.output or f"{name} [OPTIONS]" in result.output


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert re.search(rf"`fazhi {name}\b", README), f"README does not document `fazhi {name}`"


def test_every_location_and_setting_is_documented() -> None:
    """Settings are documented in the generated reference (kept fresh by test_config_reference), which the README points to."""
    for cls in (Paths, FetchSettings, Source, Footer, GuardSettings, Settings):
        for name in fields_of(cls):
            assert f"| `{name}` |" in REFERENCE, f"{cls.__name__}.{name} is not in manual/configuration.md"
    assert "manual/configuration.md" in README
    for name in ("--content", "--mkdocs-config", "--state", "--site", "--index", "--releases", "--config"):
        assert f"`{name}" in README, f"README does not document option {name}"


def test_every_front_matter_field_is_documented() -> None:
    """Front matter is documented in the generated reference (kept fresh by test_config_reference), which the README points to."""
    for field in FIELDS:
        assert f"| `{field}` |" in FRONT_MATTER, f"manual/front-matter.md does not document front matter field {field}"
    assert "manual/front-matter.md" in README


def test_nightly_full_is_documented_with_what_it_does_not_promise() -> None:
    shown = " ".join(CliRunner().invoke(main, ["nightly", "--help"], terminal_width=200).output.split())
    assert "--full" in shown and "fetch.revisit_budget" in shown and "guard.max_removed_share" in shown
    assert "`fazhi nightly --full`" in README
