"""The releases layout: complete builds side by side, one of them published through a symlink.

    <releases>/
        20251126T020000Z/{site/, index/, articles/, manifest.json, report.json}
        20251127T020000Z/{...}
        current -> 20251127T020000Z

A release is built in ``.partial-<name>/`` and renamed to ``<name>`` only once
complete, with ``manifest.json`` written last, so a folder with a release name
and a manifest is always whole (sealed). Publishing replaces ``current`` by
renaming a fresh symlink over it (``os.replace``), which readers (nginx,
``fazhi serve``) see either before or after, never in between, and then adds
the time to the release's ``published.json``.

Only published releases count: they are listed, kept (``keep_releases``, the
most recently published) and offered to rollback, whose default is the release
published immediately before the current one. A sealed release that was never
published is what a run killed between sealing and publishing leaves; it is
removed with the other leftovers. Old releases are renamed to
``.trash-<name>`` before deletion so a half-deleted one is never listed. Dot
folders are leftovers of interrupted runs and are removed under the lock.

A ``current`` that is broken (dangling, a plain file or folder, or a link to a
release missing its site, index or manifest) is repaired under the lock by
pointing it at the newest complete published release; a file or folder found in
its place is moved aside to ``current.moved-<time>``, never deleted. Meanwhile
``fazhi serve`` serves that same release (``newest_complete``).

``rollback.json`` remembers the last rollback (the release it rolled back from,
the one it published, when, and the build digest of the one rolled back from),
in force while the release it published is current: the nightly job does not
publish the inputs of the release rolled back from again, only something newer.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi.errors import ReleaseError
from fazhi.files import write_json

CURRENT = "current"
MANIFEST = "manifest.json"
REPORT = "report.json"
PUBLISHED = "published.json"
ROLLBACK = "rollback.json"
MOVED = f"{CURRENT}.moved-"
PARTIAL = ".partial-"
TRASH = ".trash-"
LINK_TMP = ".current-"
NAME_RE = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")


def _sort_key(name: str) -> tuple[str, int]:
    m = NAME_RE.match(name)
    assert m is not None
    return m.group(1), int(m.group(2) or 1)


@dataclass(frozen=True)
class Release:
    """One complete release folder."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def site(self) -> Path:
        return self.path / "site"

    @property
    def index(self) -> Path:
        return self.path / "index"

    @property
    def articles(self) -> Path:
        """The article files it published (``fazhi_app.guard_baseline``); absent in releases from before they were kept."""
        return self.path / "articles"

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / MANIFEST).read_text("utf-8"))

    def report(self) -> dict[str, Any] | None:
        path = self.path / REPORT
        return json.loads(path.read_text("utf-8")) if path.is_file() else None

    def published(self) -> list[str]:
        """When this release was published (ISO times, oldest first); empty if it never was."""
        path = self.path / PUBLISHED
        return list(json.loads(path.read_text("utf-8"))["published"]) if path.is_file() else []

    def record_published(self, when: str) -> None:
        write_json(self.path / PUBLISHED, {"published": [*self.published(), when]})

    def missing(self) -> list[str]:
        """The parts a servable release needs that are not there; empty when it is complete."""
        parts = [(MANIFEST, (self.path / MANIFEST).is_file()), ("site/index.html", (self.site / "index.html").is_file()),
                 ("index/", self.index.is_dir())]
        return [name for name, present in parts if not present]

    def require_complete(self) -> None:
        """A ReleaseError naming what is missing, before anything points at an incomplete release."""
        missing = self.missing()
        if missing:
            raise ReleaseError(f"{self.path}: incomplete release, {', '.join(missing)} missing; not published")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Releases:
    """The releases folder of one deployment."""

    def __init__(self, root: Path):
        self.root = root

    @property
    def link(self) -> Path:
        return self.root / CURRENT

    def sealed(self) -> list[Release]:
        """Complete releases, published or not, oldest first."""
        if not self.root.is_dir():
            return []
        names = [
            p.name for p in self.root.iterdir()
            if NAME_RE.match(p.name) and p.is_dir() and not p.is_symlink() and (p / MANIFEST).is_file()
        ]
        return [Release(self.root / n) for n in sorted(names, key=_sort_key)]

    def all(self) -> list[Release]:
        """Published releases (the one ``current`` names always, even while broken), oldest first."""
        pointed = os.readlink(self.link) if self.link.is_symlink() else None
        return [r for r in self.sealed() if r.published() or r.name == pointed]

    def publications(self) -> list[tuple[str, Release]]:
        """Every recorded publication (time, release) of the releases kept, in order."""
        return sorted(((when, release) for release in self.sealed() for when in release.published()), key=lambda e: e[0])

    def current(self) -> Release | None:
        """The published release, or None before the first publish; a ReleaseError when ``current`` is broken."""
        if not self.link.is_symlink():
            if self.link.exists():
                raise ReleaseError(f"{self.link}: expected a symlink to a release, found a {'folder' if self.link.is_dir() else 'file'}")
            return None
        target = os.readlink(self.link)
        release = Release(self.root / target)
        if "/" in target or not NAME_RE.match(target):
            raise ReleaseError(f"{self.link}: points to {target}, which is not a release name")
        if not release.path.is_dir():
            raise ReleaseError(f"{self.link}: points to {target}, which does not exist")
        missing = release.missing()
        if missing:
            raise ReleaseError(f"{self.link}: points to {target}, an incomplete release ({', '.join(missing)} missing)")
        return release

    def link_problem(self) -> str | None:
        """What is wrong with ``current``; None when it is sound or absent."""
        try:
            self.current()
        except ReleaseError as exc:
            return str(exc)
        return None

    def newest_complete(self) -> Release | None:
        """The complete release published most recently: what a broken ``current`` is repaired to and served meanwhile."""
        complete = [r for r in self.sealed() if r.published() and not r.missing()]
        return max(complete, key=lambda r: (r.published()[-1], _sort_key(r.name)), default=None)

    def repair_current(self, target: Release | None = None) -> str | None:
        """Point a broken ``current`` at ``target`` (default: the newest complete release); returns what was done, or None.

        Run under the lock. A file or folder in place of the link is moved aside, never
        deleted: it may be someone's copy of a site.
        """
        problem = self.link_problem()
        if problem is None:
            return None
        done = problem
        if not self.link.is_symlink():
            aside = self.root / f"{MOVED}{_stamp(dt.datetime.now(dt.UTC))}"
            n = 1
            while aside.exists() or aside.is_symlink():
                n += 1
                aside = aside.with_name(f"{MOVED}{_stamp(dt.datetime.now(dt.UTC))}-{n}")
            os.rename(self.link, aside)
            done += f"; moved it aside to {aside.name}"
        release = target or self.newest_complete()
        if release is None:
            self.link.unlink(missing_ok=True)
            return f"{done}; no complete release is left to point it at, so the link was removed"
        self.publish(release)
        return f"{done}; it now points to {release.name}" + ("" if target else ", the newest complete release")

    def rollback_in_force(self) -> dict[str, Any] | None:
        """The last rollback (``from``, ``to``, ``since``, ``digest``) while the release it published is current; else None.

        An unreadable record counts as none: the nightly job then publishes as usual.
        """
        try:
            record = json.loads((self.root / ROLLBACK).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        pointed = os.readlink(self.link) if self.link.is_symlink() else None
        return record if isinstance(record, dict) and pointed is not None and record.get("to") == pointed else None

    def record_rollback(self, origin: str | None, target: Release, digest: str | None) -> dict[str, Any] | None:
        """Remember that ``target`` was published in place of ``origin``; returns the record, or None when none is in force.

        Going back to ``origin`` itself (or from no release) lifts the rollback.
        """
        path = self.root / ROLLBACK
        if origin is None or origin == target.name:
            path.unlink(missing_ok=True)
            return None
        record = {"from": origin, "to": target.name, "since": _iso(dt.datetime.now(dt.UTC)), "digest": digest}
        write_json(path, record)
        return record

    def end_rollback(self) -> None:
        """Forget the rollback: a new release was published."""
        (self.root / ROLLBACK).unlink(missing_ok=True)

    def get(self, name: str) -> Release:
        """The sealed release ``name``, published or not."""
        return self._named(name, self.sealed())

    def get_published(self, name: str) -> Release:
        """The release ``name`` if it was ever published (what rollback may go to)."""
        return self._named(name, self.all())

    def _named(self, name: str, releases: list[Release]) -> Release:
        for release in releases:
            if release.name == name:
                return release
        known = ", ".join(r.name for r in self.all()) or "none"
        raise ReleaseError(f"no release named {name!r} among the published releases in {self.root} (published: {known})")

    def previous(self) -> Release:
        """The release published immediately before the current one (what ``rollback`` goes back to)."""
        current = self.require_current()
        events = self.publications()
        latest = max((i for i, (_, r) in enumerate(events) if r.name == current.name), default=len(events))
        for _, release in reversed(events[:latest]):
            if release.name != current.name:
                return release
        raise ReleaseError(f"{current.name} is the oldest release published of those kept in {self.root}: nothing to roll back to")

    def clean_leftovers(self) -> list[str]:
        """Remove partial builds, releases being deleted, temp links and sealed releases never published.

        Run under the nightly lock. The current release always counts as published: if a run
        was killed between the switch and writing ``published.json``, the link's own time is recorded.
        """
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        current = self.complete_records()
        for path in self.root.iterdir():
            if path.name.startswith(LINK_TMP) and path.is_symlink():
                path.unlink()
            elif path.name.startswith((PARTIAL, TRASH)) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                continue
            removed.append(path.name)
        for release in self.sealed():
            if not release.published() and (current is None or release.name != current.name):
                self._delete(release)
                removed.append(release.name)
        return sorted(removed)

    def require_current(self) -> Release:
        """The published release; a ReleaseError naming the folder when nothing is published yet."""
        current = self.current()
        if current is None:
            raise ReleaseError(f"{self.root}: nothing is published here, so there is no release to roll back from")
        return current

    def complete_records(self) -> Release | None:
        """Make sure the current release has a publication record; returns the current release.

        In a folder from before publications were recorded, every release counts as published
        when it was sealed. A run killed between the switch and the record gets the link's time.
        """
        current = self.current()
        if current is None:
            return None
        if not any(r.published() for r in self.sealed()):
            for release in self.sealed():
                if release.name != current.name:
                    release.record_published(_iso(_mtime(release.path / MANIFEST)))
        if not current.published():
            current.record_published(_iso(_mtime(self.link)))
        return current

    def new_name(self, now: dt.datetime | None = None, reserved: Collection[str] = ()) -> str:
        """A fresh release name from the UTC time, with a suffix if that second is taken (or ``reserved``)."""
        stamp = _stamp(now or dt.datetime.now(dt.UTC))
        name, n = stamp, 1
        while name in reserved or (self.root / name).exists() or (self.root / f"{PARTIAL}{name}").exists():
            n += 1
            name = f"{stamp}-{n}"
        return name

    def start(self, name: str) -> Path:
        """Create the partial folder a release named ``name`` is built in."""
        path = self.root / f"{PARTIAL}{name}"
        path.mkdir(parents=True)
        return path

    def finish(self, partial: Path, manifest: dict[str, Any]) -> Release:
        """Seal a partial build: write its manifest last, then rename it to its release name."""
        name = partial.name.removeprefix(PARTIAL)
        write_json(partial / MANIFEST, manifest)
        final = self.root / name
        os.rename(partial, final)
        _fsync_dir(self.root)
        return Release(final)

    def publish(self, release: Release, now: dt.datetime | None = None) -> None:
        """Point ``current`` at ``release`` in one atomic rename, then record when."""
        if self.link.exists() and not self.link.is_symlink():
            raise ReleaseError(f"{self.link}: expected a symlink to a release, found a folder; move it away first")
        tmp = self.root / f"{LINK_TMP}{os.getpid()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(release.name, tmp)
        os.replace(tmp, self.link)
        _fsync_dir(self.root)
        release.record_published(_iso(now or dt.datetime.now(dt.UTC)))

    def prune(self, keep: int) -> list[str]:
        """Delete all but the ``keep`` most recently published releases, never the current one; returns the names removed."""
        current = self.current()
        releases = sorted(self.all(), key=lambda r: (max(r.published(), default=""), _sort_key(r.name)))
        doomed = [r for r in releases[: max(len(releases) - max(keep, 1), 0)] if current is None or r.name != current.name]
        for release in doomed:
            self._delete(release)
        return sorted((r.name for r in doomed), key=_sort_key)

    def _delete(self, release: Release) -> None:
        trash = self.root / f"{TRASH}{release.name}"
        os.rename(release.path, trash)
        shutil.rmtree(trash)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.lstat().st_mtime, dt.UTC)


def _iso(when: dt.datetime) -> str:
    """A UTC time as ISO text with microseconds, so publications in the same second keep their order."""
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")
