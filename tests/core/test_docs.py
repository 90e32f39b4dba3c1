"""The README is the contract for operators: every command, option group and setting is in it."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from click.testing import CliRunner

from fazhi.article import FIELDS
from fazhi.config import FetchSettings, Footer, Paths, Settings, Source
from fazhi_app.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
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
    for cls in (Paths, FetchSettings, Source, Footer):
        for field in dataclasses.fields(cls):
            assert f"`{field.name}`" in README, f"README does not document {cls.__name__}.{field.name}"
    for field in dataclasses.fields(Settings):
        if field.name not in ("paths", "config_file", "fetch", "sources"):
            assert f"`{field.name}`" in README, f"README does not document setting {field.name}"
    for name in ("--content", "--mkdocs-config", "--state", "--site", "--index", "--releases", "--config"):
        assert f"`{name}" in README, f"README does not document option {name}"


def test_every_front_matter_field_is_documented() -> None:
    for field in FIELDS:
        assert f"`{field}`" in README, f"README does not document front matter field {field}"


def test_nightly_full_is_documented_with_what_it_does_not_promise() -> None:
    shown = " ".join(CliRunner().invoke(main, ["nightly", "--help"], terminal_width=200).output.split())
    assert "--full" in shown and "fetch.revisit_budget" in shown and "guard.max_removed_share" in shown
    assert "`fazhi nightly --full`" in README
