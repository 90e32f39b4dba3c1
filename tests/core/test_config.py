"""Settings: every location from the file or an option, relative to the file; clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fazhi.config import load_settings
from fazhi.errors import ConfigError


def test_defaults_anchor_at_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FAZHI_CONFIG", raising=False)
    settings = load_settings()
    assert settings.config_file is None
    assert settings.paths.content == tmp_path / "docs"
    assert settings.paths.index == tmp_path / "var" / "index"


def test_paths_relative_to_config_file_and_overrides(tmp_path: Path) -> None:
    cfg = tmp_path / "conf" / "site.yml"
    cfg.parent.mkdir()
    cfg.write_text(
        "paths:\n  content: ../content\n  state: /srv/state\nlisting_per_page: 7\n"
        "fetch:\n  delay: 0\n  host_map: {a.gov.cn: 'http://127.0.0.1:9'}\n"
        "sources:\n- {name: s1, platform: hanweb, base_url: 'http://a.gov.cn/', column: cases}\n",
        "utf-8",
    )
    settings = load_settings(cfg)
    assert settings.paths.content == (tmp_path / "content").resolve()
    assert settings.paths.state == Path("/srv/state")
    assert settings.paths.site == (tmp_path / "conf" / "var" / "site").resolve()
    assert settings.listing_per_page == 7 and settings.fetch.delay == 0.0
    assert settings.fetch.host_map == {"a.gov.cn": "http://127.0.0.1:9"}
    assert settings.sources[0].column == "cases"
    moved = settings.with_paths(index=tmp_path / "idx", site=None)
    assert moved.paths.index == tmp_path / "idx" and moved.paths.site == settings.paths.site


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("listing_per_page: many\n", ":1:19: listing_per_page: expected a whole number from 1 to 1000, not 'many'"),
        ("keep_releases: 0\n", ":1:16: keep_releases: expected a whole number from 1 to 1000, not 0"),
        ("fetch:\n  delay: soon\n", ":2:10: fetch.delay: expected a number from 0 to 3600, not 'soon'"),
        ("fetch:\n  robots: maybe\n", ":2:11: fetch.robots: expected true or false"),
        ("colour: red\n", ":1:1: unknown setting 'colour'"),
        ("fetch:\n  speed: 3\n", ":2:3: fetch: unknown setting 'speed'"),
        ("paths:\n  htdocs: x\n", ":2:3: paths.htdocs: unknown location"),
        ("sources:\n- {name: s, platform: trs, base_url: 'http://x/', column: news}\n", "column: 'news' is not a column"),
        ("sources:\n- {name: s, platform: trs}\n", "missing base_url"),
        ("- just\n- a list\n", "must be a mapping of settings"),
        ("a: [unclosed\n", ":1:4: not valid YAML: a flow sequence opened here is not closed"),
        ("site_name: x\ntitle: \"open\nb: 1\n", ":2:8: not valid YAML: a quoted scalar opened here is not closed"),
        ("footer:\n  icp: 12345678号\n", ":2:8: footer.icp: '12345678号' is not an ICP 备案号"),
        ("footer:\n  police: 示公网安备\n", ":2:11: footer.police: '示公网安备' has no record number"),
        ("footer:\n  email: webmaster\n", ":2:10: footer.email: 'webmaster' is not an e-mail address"),
        ("footer:\n  police_badge: //example.org/b.png\n", ":2:17: footer.police_badge: '//example.org/b.png' must be a path inside"),
        ("footer:\n  icon: x\n", ":2:3: footer: unknown setting 'icon'"),
        ("footer: [a]\n", ":1:9: footer: must be a mapping of settings"),
    ],
)
def test_bad_config_names_file_and_setting(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "fazhi.yml"
    cfg.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(cfg)
    assert str(cfg) in str(info.value) and message in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.yml")


def test_footer_is_empty_by_default_and_read_from_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "fazhi.yml"
    cfg.write_text("footer:\n  sponsor: ''\n  operator:\n", "utf-8")
    assert not load_settings(cfg).footer.shown
    cfg.write_text(
        "footer:\n  sponsor: 示例省生态环境厅\n  police: ' 示公网安备 36010202000123号 '\n  site_code: 3600000099\n"
        "  icp: 示ICP备12345678号-1\n  email: web@example.org\n",
        "utf-8",
    )
    footer = load_settings(cfg).footer
    assert footer.shown and footer.sponsor == "示例省生态环境厅" and footer.site_code == "3600000099"
    assert footer.police == "示公网安备 36010202000123号" and footer.police_code == "36010202000123"
    assert footer.police_badge == "assets/fazhi/beian-badge.svg"

