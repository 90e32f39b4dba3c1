"""``fazhi index --verify`` on real indexes: article differences, ghosts and damaged segment files."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fazhi.article import article_path
from fazhi_app.cli import main
from search.indexer import META, current_generation, update_index
from search.schema import fingerprint
from search.verify import verify_index
from tests.fixtures.search import sample_articles, write_tree


def biggest_segment_file(index: Path) -> Path:
    """The largest Whoosh file of the live generation (what a damaged disk most likely hits)."""
    generation = current_generation(index)
    assert generation is not None
    return max((p for p in generation.iterdir() if p.name.startswith("MAIN_")), key=lambda p: p.stat().st_size)


@pytest.fixture()
def indexed(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    content = write_tree(tmp_path / "content", sample_articles())
    index = tmp_path / "index"
    update_index(content, index)
    return content, index, ["--content", str(content), "--index", str(index)]


def test_a_sound_index_verifies(indexed: tuple[Path, Path, list[str]]) -> None:
    _, _, locations = indexed
    result = CliRunner().invoke(main, ["index", "--verify", *locations])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == "index matches the content tree: 27 articles, 27 documents"


def test_missing_stale_and_ghost_articles_are_listed_one_a_line(indexed: tuple[Path, Path, list[str]]) -> None:
    content, _, locations = indexed
    articles = sample_articles()
    edited, gone = articles[0], articles[1]
    added = dataclasses.replace(articles[2], slug="brand-new", title="新来的文章")
    changed = dataclasses.replace(edited, body=edited.body + "\n\n补充一句。")
    write_tree(content, [changed, added])
    shutil.rmtree((content / article_path(gone.column, gone.date, gone.slug)).parent)

    result = CliRunner().invoke(main, ["index", "--verify", *locations])
    assert result.exit_code == 1
    lines = sorted(result.stdout.splitlines())
    assert lines == sorted([
        f"{article_path(added.column, added.date, added.slug)}:1: article 'brand-new' is not in the index",
        f"{article_path(edited.column, edited.date, edited.slug)}:1: indexed at fingerprint {fingerprint(edited)[:12]},"
        f" the article is now at {fingerprint(changed)[:12]}",
        f"{article_path(gone.column, gone.date, gone.slug)}:1: ghost: document '{gone.slug}' has no article in the content tree",
    ]), result.stdout
    assert result.stderr.count("\n") == 1 and "3 difference(s)" in result.stderr and "fazhi index --rebuild" in result.stderr

    update = CliRunner().invoke(main, ["index", *locations])
    assert "1 added, 1 updated, 1 removed" in update.stdout
    assert CliRunner().invoke(main, ["index", "--verify", *locations]).exit_code == 0


@pytest.mark.parametrize("damage", ["delete", "truncate", "overwrite"])
def test_a_damaged_segment_file_is_named(indexed: tuple[Path, Path, list[str]], damage: str) -> None:
    content, index, locations = indexed
    victim = biggest_segment_file(index)
    size = victim.stat().st_size
    if damage == "delete":
        victim.unlink()
        expected = "missing: the file was deleted"
    elif damage == "truncate":
        os.truncate(victim, size // 2)
        expected = f"truncated: {size // 2} bytes, written as {size}"
    else:
        with victim.open("r+b") as stream:
            stream.seek(size // 2)
            stream.write(b"\0" * 64)
        expected = "altered: its content is not what was written"

    result = CliRunner().invoke(main, ["index", "--verify", *locations])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{victim}:1: {expected}"]
    assert "1 difference(s)" in result.stderr

    rebuilt = CliRunner().invoke(main, ["index", "--rebuild", *locations])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert verify_index(content, index).ok


def test_no_index_and_a_lost_record_are_differences(indexed: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    content, index, _ = indexed
    nothing = verify_index(content, tmp_path / "elsewhere")
    assert [d.message for d in nothing.differences] == ["no index here (no live generation)"]
    generation = current_generation(index)
    assert generation is not None
    (generation / META).write_text("{}", "utf-8")
    lost = verify_index(content, index)
    assert [d.message for d in lost.differences] == ["no record of the index files (written by an older fazhi): rebuild the index"]


def test_verify_cannot_be_combined_with_writing_options(indexed: tuple[Path, Path, list[str]]) -> None:
    _, _, locations = indexed
    result = CliRunner().invoke(main, ["index", "--verify", "--rebuild", *locations])
    assert result.exit_code == 2 and "cannot be combined" in result.output
