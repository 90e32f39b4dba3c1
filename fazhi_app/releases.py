"""The releases layout: complete builds side by side, one of them published through a symlink.

    <releases>/
        20251126T020000Z/{site/, index/, manifest.json, report.json}
        20251127T020000Z/{...}
        current -> 20251127T020000Z

A release is built in ``.partial-<name>/`` and renamed to ``<name>`` only once
complete, with ``manifest.json`` written last, so a folder with a release name
and a manifest is always whole. Publishing replaces ``current`` by renaming a
fresh symlink over it (``os.replace``), which readers (nginx, ``fazhi serve``)
see either before or after, never in between. Old releases are renamed to
``.trash-<name>`` before deletion so a half-deleted one is never listed. Dot
folders are leftovers of interrupted runs and are removed under the lock.
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

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / MANIFEST).read_text("utf-8"))

    def report(self) -> dict[str, Any] | None:
        path = self.path / REPORT
        return json.loads(path.read_text("utf-8")) if path.is_file() else None



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

    def all(self) -> list[Release]:
        """Complete releases, oldest first."""
        if not self.root.is_dir():
            return []
        names = [
            p.name for p in self.root.iterdir()
            if NAME_RE.match(p.name) and p.is_dir() and not p.is_symlink() and (p / MANIFEST).is_file()
        ]
        return [Release(self.root / n) for n in sorted(names, key=_sort_key)]

    def current(self) -> Release | None:
        """The published release, or None before the first publish."""
        if not self.link.is_symlink():
            if self.link.exists():
                raise ReleaseError(f"{self.link}: expected a symlink to a release, found a {'folder' if self.link.is_dir() else 'file'}")
            return None
        target = os.readlink(self.link)
        release = Release(self.root / target)
        if not NAME_RE.match(release.name) or not (release.path / MANIFEST).is_file():
            raise ReleaseError(f"{self.link} points to {target}, which is not a complete release")
        return release

    def get(self, name: str) -> Release:
        for release in self.all():
            if release.name == name:
                return release
        known = ", ".join(r.name for r in self.all()) or "none"
        raise ReleaseError(f"no release named {name!r} in {self.root} (releases: {known})")

    def previous(self) -> Release:
        """The newest release older than the current one (what ``rollback`` goes back to)."""
        current = self.current()
        if current is None:
            raise ReleaseError(f"nothing is published in {self.root}: no release to roll back from")
        older = [r for r in self.all() if _sort_key(r.name) < _sort_key(current.name)]
        if not older:
            raise ReleaseError(f"{current.name} is the oldest release kept in {self.root}: nothing to roll back to")
        return older[-1]

    def clean_leftovers(self) -> list[str]:
        """Remove partial builds, releases being deleted and temp links left by interrupted runs."""
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        for path in self.root.iterdir():
            if path.name.startswith(LINK_TMP) and path.is_symlink():
                path.unlink()
            elif path.name.startswith((PARTIAL, TRASH)) and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                continue
            removed.append(path.name)
        return sorted(removed)

    def new_name(self, now: dt.datetime | None = None, reserved: Collection[str] = ()) -> str:
        """A fresh release name from the UTC time, with a suffix if that second is taken (or ``reserved``)."""
        stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
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

    def publish(self, release: Release) -> None:
        """Point ``current`` at ``release`` in one atomic rename."""
        if self.link.exists() and not self.link.is_symlink():
            raise ReleaseError(f"{self.link}: expected a symlink to a release, found a folder; move it away first")
        tmp = self.root / f"{LINK_TMP}{os.getpid()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(release.name, tmp)
        os.replace(tmp, self.link)
        _fsync_dir(self.root)

    def prune(self, keep: int) -> list[str]:
        """Delete all but the newest ``keep`` releases, never the current one; returns the names removed."""
        current = self.current()
        releases = self.all()
        doomed = [r for r in releases[: max(len(releases) - max(keep, 1), 0)] if current is None or r.name != current.name]
        for release in doomed:
            trash = self.root / f"{TRASH}{release.name}"
            os.rename(release.path, trash)
            shutil.rmtree(trash)
        return [r.name for r in doomed]
