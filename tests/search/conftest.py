"""Fixtures of the search tests that edit what they index: a copy of the sample library, a fresh sample tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures.search import sample_articles, write_tree
from tests.fixtures.site import SAMPLE_LAWS


@pytest.fixture()
def library(tmp_path: Path) -> Path:
    """A copy of the sample library that a test may edit."""
    return Path(shutil.copytree(SAMPLE_LAWS, tmp_path / "laws"))


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "content", sample_articles())
