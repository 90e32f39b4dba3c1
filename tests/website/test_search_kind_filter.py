"""The search page offers the kind filter (文章 / 法规) only when the site has a law library whose texts are indexed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bs4 import BeautifulSoup

from fazhi_app.build import build_site
from tests.fixtures.site import SiteBuild, sample_settings


def kind_options(site: Path) -> list[tuple[str, str]]:
    page = BeautifulSoup((site / "search" / "index.html").read_text("utf-8"), "html.parser")
    select = page.select_one("select#fz-kind[name=kind]")
    if select is None:
        return []
    assert page.select_one("label[for=fz-kind]") is not None, "the filter has a label"
    return [(option.get("value", ""), option.get_text(strip=True)) for option in select.select("option")]


def test_with_a_library_the_search_page_filters_by_kind(site_build: SiteBuild) -> None:
    assert kind_options(site_build.site) == [("", "全部"), ("articles", "文章"), ("laws", "法规")]


def test_without_a_library_there_is_no_kind_filter(tmp_path: Path) -> None:
    settings = sample_settings(tmp_path)
    settings = dataclasses.replace(settings, paths=dataclasses.replace(settings.paths, law_library=None))
    assert kind_options(build_site(settings).site_dir) == []
