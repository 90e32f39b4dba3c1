"""A small world for command-line tests: a config, a content tree, broken configs and a busy port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.site import REPO
from tests.helpers import free_port
from tests.website.util import content_copy

GOOD_ARTICLE = "---\ntitle: 示例文章\ndate: 2022-06-01\ncolumn: cases\nslug: sample-case\n---\n\n正文。\n"


@dataclass(frozen=True)
class World:
    """Paths a bad invocation can name; ``busy_port`` has a listener on 127.0.0.1 for the whole test."""

    base: Path
    config: Path
    content: Path
    not_utf8: Path
    bad_yaml: Path
    bad_type: Path
    bad_range: Path
    a_file: Path
    missing: Path
    busy_port: int


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    content = content_copy(REPO / "docs", tmp_path / "content")
    article = content / "cases" / "2022" / "sample-case" / "index.md"
    article.parent.mkdir(parents=True)
    article.write_text(GOOD_ARTICLE, "utf-8")
    config = tmp_path / "fazhi.yml"
    config.write_text(
        f"paths:\n  content: content\n  mkdocs_config: {REPO / 'mkdocs.yml'}\n  state: var/state\n  site: var/site\n"
        "  index: var/index\n  releases: var/releases\n",
        "utf-8",
    )
    not_utf8 = tmp_path / "gbk.yml"
    not_utf8.write_bytes("site_name: 测试站点\n".encode("gbk"))
    bad_yaml = tmp_path / "broken.yml"
    bad_yaml.write_text("site_name: ok\npublisher: \"unclosed\nkeep_releases: 3\n", "utf-8")
    bad_type = tmp_path / "type.yml"
    bad_type.write_text("site_name: ok\nkeep_releases: many\n", "utf-8")
    bad_range = tmp_path / "range.yml"
    bad_range.write_text("fetch:\n  concurrency: 0\n", "utf-8")
    published = tmp_path / "published" / "20260101T000000Z"  # one release, published: `current` links to it
    published.mkdir(parents=True)
    (published / "manifest.json").write_text('{"name": "20260101T000000Z", "articles": 1}\n', "utf-8")
    (published / "site").mkdir()  # complete: a site and an index beside the manifest
    (published / "site" / "index.html").write_text("<p>site</p>\n", "utf-8")
    (published / "index").mkdir()
    (published.parent / "current").symlink_to(published.name)
    (tmp_path / "not-releases" / "current").mkdir(parents=True)  # `current` must be a link, not a folder
    a_file = tmp_path / "plain.txt"
    a_file.write_text("not a directory\n", "utf-8")
    with socket.socket() as busy:
        port = free_port()
        busy.bind(("127.0.0.1", port))
        busy.listen()
        yield World(tmp_path, config, content, not_utf8, bad_yaml, bad_type, bad_range, a_file, tmp_path / "missing", port)
