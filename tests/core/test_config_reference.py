"""The configuration reference is generated from the schema: the committed copy is never stale."""

from __future__ import annotations

from pathlib import Path

from fazhi.config import Settings
from fazhi.schema import fields_of
from fazhi_app.config_reference import REFERENCE, render
from scraper.platforms import PLATFORMS

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_reference_is_what_the_schema_generates() -> None:
    assert (ROOT / REFERENCE).read_text("utf-8") == render(), f"{REFERENCE} is stale: run python -m fazhi_app.config_reference"


def test_every_setting_and_param_has_help_and_a_row() -> None:
    text = render()
    for name, info in fields_of(Settings).items():
        assert info.description, f"setting {name} has no help"
        assert f"| `{name}` |" in text
    for platform in PLATFORMS:
        for name, info in fields_of(platform.params).items():
            assert info.description and f"| `{name}` |" in text, (platform.name, name)
