"""Sources checked against the platform registry when the settings are loaded: one line, exit 2, no request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from fazhi.config import load_settings
from fazhi.errors import ConfigError
from fazhi_app import cli
from scraper.platforms import check_settings

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "fazhi.yml"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{name: s, platform: joomla, base_url: 'http://x/'}", "sources[0].platform: 'joomla' is not one of ucap, hanweb, trs, generic"),
        ("{name: s, platform: ucap, base_url: 'http://x/'}", "sources[0].params.column: missing: set column or list_path"),
        ("{name: s, platform: hanweb, base_url: 'http://x/', params: {}}",
         "sources[0].params.column_id: missing: set column_id or list_path"),
        ("{name: s, platform: hanweb, base_url: 'http://x/', params: {column_id: 1, per_page: many}}",
         "sources[0].params.per_page: must be a whole number"),
        ("{name: s, platform: ucap, base_url: 'http://x/', params: {column: c, form: [a]}}", "sources[0].params.form: must be a mapping"),
        ("{name: s, platform: trs, base_url: 'http://x/', params: {article_pattern: '('}}",
         "sources[0].params.article_pattern: not a valid regular expression"),
        ("{name: s, platform: generic, base_url: 'http://x/', params: {list_item: 'li[['}}",
         "sources[0].params.list_item: not a valid CSS selector"),
        ("{name: s, platform: trs, base_url: 'http://x/', params: {sufix: html}}", "sources[0].params.sufix: unknown param (known:"),
    ],
)
def test_bad_platform_or_params_name_the_setting(tmp_path: Path, source: str, message: str) -> None:
    config = tmp_path / "fazhi.yml"
    config.write_text(f"sources:\n- {source}\n", "utf-8")
    settings = load_settings(config)  # the model knows no platform
    with pytest.raises(ConfigError) as info:
        check_settings(settings)
    assert str(info.value).startswith(f"{config}:2:") and message in str(info.value), str(info.value)


def test_a_bad_param_is_named_at_its_line_and_column(tmp_path: Path) -> None:
    config = tmp_path / "fazhi.yml"
    config.write_text("sources:\n- name: s\n  platform: hanweb\n  base_url: 'http://x/'\n  params:\n    column_id: 1\n"
                      "    per_page: many\n    sufix: x\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        check_settings(load_settings(config))
    assert str(info.value).startswith(f"{config}:7:15: sources[0].params.per_page: must be a whole number"), str(info.value)
    config.write_text(config.read_text("utf-8").replace("per_page: many", "per_page: 2"), "utf-8")
    with pytest.raises(ConfigError) as info:
        check_settings(load_settings(config))
    assert str(info.value).startswith(f"{config}:8:5: sources[0].params.sufix: unknown param (known: column_id, dataproxy"), str(info.value)


def test_the_default_config_passes_and_hanweb_needs_no_webid() -> None:
    settings = check_settings(load_settings(DEFAULT_CONFIG))
    hanweb = next(s for s in settings.sources if s.platform == "hanweb")
    assert "webid" not in hanweb.params, "read from the column page's nextgroup link"


def test_commands_exit_2_before_any_request(fresh_mirror, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = fresh_mirror.write_config(tmp_path / "fazhi.yml", content=tmp_path / "content", state=tmp_path / "state")
    text = config.read_text("utf-8").replace("column_id: 42150", "column_id: [42150]")
    config.write_text(text, "utf-8")
    fresh_mirror.clear_log()
    for command in (["scrape"], ["nightly", "--no-progress"]):
        result = CliRunner().invoke(cli.main, [*command, "--config", str(config)])
        assert result.exit_code == 2, result.output
        assert re.search(rf"fazhi: {re.escape(str(config))}:\d+:\d+: sources\[1\]\.params\.column_id: must be an id", result.output)
    assert fresh_mirror.requests() == [] and not (tmp_path / "state").exists()
