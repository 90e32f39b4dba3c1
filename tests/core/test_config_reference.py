"""The configuration and front-matter references are generated from the schema: the committed copies are never stale."""

from __future__ import annotations

from pathlib import Path

from fazhi.article import Attachment, FrontMatter
from fazhi.config import Settings
from fazhi.schema import fields_of
from fazhi_app.config_reference import FRONT_MATTER, REFERENCE, main, render, render_front_matter
from scraper.platforms import PLATFORMS

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_reference_is_what_the_schema_generates() -> None:
    assert (ROOT / REFERENCE).read_text("utf-8") == render(), f"{REFERENCE} is stale: run python -m fazhi_app.config_reference"


def test_the_committed_front_matter_reference_is_what_the_schema_generates() -> None:
    assert (ROOT / FRONT_MATTER).read_text("utf-8") == render_front_matter(), \
        f"{FRONT_MATTER} is stale: run python -m fazhi_app.config_reference"
    assert main(["--check"]) == 0


def test_every_setting_and_param_has_help_and_a_row() -> None:
    text = render()
    for name, info in fields_of(Settings).items():
        assert info.description, f"setting {name} has no help"
        assert f"| `{name}` |" in text
    for platform in PLATFORMS:
        for name, info in fields_of(platform.params).items():
            assert info.description and f"| `{name}` |" in text, (platform.name, name)


def test_every_front_matter_field_has_a_row_with_its_help() -> None:
    text = render_front_matter()
    for cls in (FrontMatter, Attachment):
        for name, info in fields_of(cls).items():
            assert f"| `{name}` |" in text and str(info.description) in text, (cls.__name__, name)
    assert "| `date` | YYYY-MM-DD, or YYYY-MM-DD HH:MM when the time is known | (required) |" in text
