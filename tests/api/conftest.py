"""Settings for the API tests: the shared small archive and its index (tests/fixtures/search.py) plus a tiny static site.

The static side needs only a few files, so no MkDocs build is spent here; the
browser tests serve the real built site.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fazhi.config import Settings, default_paths
from search.indexer import update_index
from tests.fixtures.served import Server, serve_process
from tests.fixtures.site import SAMPLE_LAWS


def write_tiny_site(site: Path) -> None:
    """The few files the static side of the app needs: a home page, one article page and a 404 page."""
    (site / "cases" / "2021" / "fuqi-zhaiwu").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><html lang='zh'><title>首页</title><h1>首页</h1></html>\n", "utf-8")
    (site / "404.html").write_text("<!doctype html><html lang='zh'><title>找不到页面</title><h1>找不到页面</h1></html>\n", "utf-8")
    (site / "cases" / "2021" / "fuqi-zhaiwu" / "index.html").write_text("<h1>夫妻共同债务如何认定</h1>\n", "utf-8")


def make_settings(base: Path, **paths: Path) -> Settings:
    """Settings whose every location is under ``base`` unless given (no release published)."""
    return Settings(paths=default_paths(base)).with_paths(**paths)


@contextlib.contextmanager
def law_library_server(base: Path, content: Path) -> Iterator[Server]:
    """A real `fazhi serve` over ``content`` indexed with a copy of our fictional sample library (told with --law-library)."""
    library = Path(shutil.copytree(SAMPLE_LAWS, base / "laws"))
    settings = make_settings(base, content=content, law_library=library)
    write_tiny_site(settings.paths.site)
    update_index(content, settings.paths.index, law_library=library)
    with serve_process(settings, base / "serve.log") as server:
        yield server


def api(server: Server, **params: str) -> dict:
    """One successful ``api/search`` answer."""
    response = server.get("api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def api_settings(search_content: Path, search_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shared sample archive and index, and a tiny built site, as one deployment."""
    settings = make_settings(tmp_path_factory.mktemp("api"), content=search_content, index=search_index)
    write_tiny_site(settings.paths.site)
    return settings
