"""The releases folder over real files: sealing, atomic publish, rollback, pruning and leftovers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from fazhi.config import Settings, default_paths
from fazhi.errors import LockHeld
from fazhi_app.lock import hold_lock
from fazhi_app.nightly import LOCK_NAME, rollback
from fazhi_app.releases import CURRENT, PUBLISHED, Release, ReleaseError, Releases


def _make(releases: Releases, when: dt.datetime, text: str) -> str:
    name = releases.new_name(when)
    partial = releases.start(name)
    (partial / "site").mkdir()
    (partial / "site" / "index.html").write_text(text, "utf-8")
    (partial / "index").mkdir()
    releases.finish(partial, {"name": name, "articles": 1})
    return name


def _at(minute: int) -> dt.datetime:
    return dt.datetime(2025, 11, 26, 2, minute, tzinfo=dt.UTC)


def test_partial_builds_are_invisible_until_sealed(tmp_path: Path) -> None:
    releases = Releases(tmp_path / "releases")
    partial = releases.start(releases.new_name(_at(0)))
    (partial / "site").mkdir()
    assert releases.sealed() == []
    release = releases.finish(partial, {"name": "x"})
    assert [r.name for r in releases.sealed()] == ["20251126T020000Z"]
    assert releases.all() == [], "sealed is not published: not listed"
    assert release.manifest() == {"name": "x"}
    assert not partial.exists()


def test_names_in_the_same_second_get_a_suffix_and_sort_in_order(tmp_path: Path) -> None:
    releases = Releases(tmp_path)
    names = [_make(releases, _at(0), str(i)) for i in range(3)]
    assert names == ["20251126T020000Z", "20251126T020000Z-2", "20251126T020000Z-3"]
    assert [r.name for r in releases.sealed()] == names
    assert releases.new_name(_at(0), reserved={"20251126T020000Z-4"}) == "20251126T020000Z-5"


def test_publish_switches_the_symlink_and_rollback_goes_back(tmp_path: Path) -> None:
    root = tmp_path / "releases"
    releases = Releases(root)
    assert releases.current() is None
    first, second = _make(releases, _at(0), "one"), _make(releases, _at(1), "two")
    releases.publish(releases.get(first))
    releases.publish(releases.get(second))
    assert os.readlink(root / CURRENT) == second, "the link is relative so the folder can move"
    assert (root / CURRENT / "site" / "index.html").read_text() == "two"
    assert releases.previous().name == first
    assert [len(r.published()) for r in releases.all()] == [1, 1]

    settings = Settings(paths=default_paths(tmp_path)).with_paths(releases=root)
    was, now = rollback(settings)
    assert (was.name, now.name) == (second, first)
    assert (root / CURRENT / "site" / "index.html").read_text() == "one"
    # The release published immediately before the current one is now the newer one: rollback undoes a rollback.
    assert releases.previous().name == second
    was, now = rollback(settings, to=second)
    assert now.name == second
    assert len(releases.get(second).published()) == 2
    with pytest.raises(ReleaseError, match="no release named 'nope'"):
        rollback(settings, to="nope")
    with pytest.raises(ReleaseError, match="already the current"):
        rollback(settings, to=second)
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == [], "no temp link left behind"


def test_rollback_refuses_while_a_nightly_holds_the_lock(tmp_path: Path) -> None:
    settings = Settings(paths=default_paths(tmp_path))
    releases = Releases(settings.paths.releases)
    releases.publish(releases.get(_make(releases, _at(0), "one")))
    with hold_lock(settings.paths.state / LOCK_NAME), pytest.raises(LockHeld):
        rollback(settings)


def test_rollback_with_nothing_published_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(paths=default_paths(tmp_path))
    with pytest.raises(ReleaseError, match="nothing is published here"):
        rollback(settings)


def test_the_first_publication_has_nothing_to_roll_back_to(tmp_path: Path) -> None:
    releases = Releases(tmp_path)
    releases.publish(releases.get(_make(releases, _at(0), "one")))
    with pytest.raises(ReleaseError, match="oldest release published"):
        releases.previous()


def test_prune_keeps_the_most_recently_published_and_always_the_current(tmp_path: Path) -> None:
    releases = Releases(tmp_path)
    names = [_make(releases, _at(i), str(i)) for i in range(5)]
    for name in names:
        releases.publish(releases.get(name))
    releases.publish(releases.get(names[0]))  # rolled back to the oldest
    assert releases.previous().name == names[4]
    removed = releases.prune(2)
    assert removed == names[1:4]
    assert [r.name for r in releases.all()] == [names[0], names[4]]
    assert releases.current().name == names[0]


def test_unpublished_releases_are_neither_listed_kept_nor_offered(tmp_path: Path) -> None:
    releases = Releases(tmp_path)
    one, two = _make(releases, _at(0), "one"), _make(releases, _at(1), "two")
    releases.publish(releases.get(one))
    releases.publish(releases.get(two))
    never = _make(releases, _at(2), "sealed, then the run was killed")
    assert [r.name for r in releases.all()] == [one, two]
    assert releases.previous().name == one
    with pytest.raises(ReleaseError, match="no release named"):
        releases.get_published(never)
    assert releases.prune(1) == [one], "the unpublished release does not count toward keep_releases"
    assert releases.clean_leftovers() == [never]
    assert [r.name for r in releases.sealed()] == [two]


def test_leftovers_of_an_interrupted_run_are_removed(tmp_path: Path) -> None:
    releases = Releases(tmp_path)
    kept = _make(releases, _at(0), "kept")
    releases.publish(releases.get(kept))
    partial = releases.start(releases.new_name(_at(1)))
    (partial / "site").mkdir()
    (tmp_path / ".trash-20250101T000000Z").mkdir()
    os.symlink(kept, tmp_path / ".current-12345")
    no_manifest = tmp_path / "20251126T020500Z"
    no_manifest.mkdir()
    assert releases.clean_leftovers() == [".current-12345", f".partial-{partial.name.removeprefix('.partial-')}", ".trash-20250101T000000Z"]
    assert [r.name for r in releases.all()] == [kept], "a folder without a manifest is not a release"
    assert releases.current().name == kept


def test_a_folder_in_place_of_the_link_is_refused(tmp_path: Path) -> None:
    releases = Releases(tmp_path)
    name = _make(releases, _at(0), "x")
    (tmp_path / CURRENT).mkdir()
    with pytest.raises(ReleaseError, match="expected a symlink"):
        releases.current()
    with pytest.raises(ReleaseError, match="expected a symlink"):
        releases.publish(Release(tmp_path / name))


def test_releases_from_before_publication_records_count_as_published(tmp_path: Path) -> None:
    releases = Releases(tmp_path)
    one, two = _make(releases, _at(0), "one"), _make(releases, _at(1), "two")
    releases.publish(releases.get(two))
    for release in releases.sealed():
        (release.path / PUBLISHED).unlink(missing_ok=True)  # as an older fazhi left them
    assert releases.clean_leftovers() == []
    assert [r.name for r in releases.all()] == [one, two]
    assert releases.previous().name == one
