"""A fingerprint of everything a release is built from, to skip nights when nothing changed.

Inputs, in groups: the content tree (articles, their files and site pages),
the law library when one is set, the templates (``overrides/`` or mkdocs.yml's ``custom_dir``), mkdocs.yml, our
own code (the ``fazhi``, ``fazhi_app`` and ``search`` packages), and as values the versions of
the packages that render or index, the settings the site is rendered with, a digest of the text kept for
the tree's files (``fazhi_app.extraction``), the known questions imported into the state folder
(``fazhi.law.questions``: they are searched with their articles), and with a law library the versions in
force on the day (a revision taking effect changes the site though no file changed). Each file is recorded
as relative path, size, mtime_ns and SHA-256. A new scan hashes only files
whose size or mtime differ from the previous fingerprint, so an unchanged tree
costs one ``stat`` per file; a file touched but not changed (same bytes, new
mtime) still compares equal because its hash does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import fazhi
import fazhi_app
import search
from fazhi.config import Settings
from fazhi.law.library import load_library
from fazhi.law.questions import questions_digest
from fazhi_app.extraction import extraction_digest

# name -> [size, mtime_ns, sha256]
FileTable = dict[str, list[Any]]
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "whoosh-reloaded", "rjieba")
CUSTOM_DIR_RE = re.compile(r"^\s*custom_dir:\s*['\"]?([^'\"#\s]+)", re.MULTILINE)
SKIP_DIRS = {"__pycache__", "node_modules"}
# Settings that do not shape the site or the index (fetching, serving, where things are): the
# rest (site_name, site_url, publisher, listing_per_page, and any added later) are build inputs.
# The config file is not hashed as a whole, so a changed host_map or fetch delay rebuilds nothing; the extract caps
# shape only what is read, and what is read is an input of its own (``EXTRACTED``).
# The law library's state on the day of the build: a digest of the versions in force, and the day it next changes.
IN_FORCE = "law_library:in_force"
IN_FORCE_UNTIL = "law_library:in_force_until"
# Values that only the status page shows (files left out, changes held): a reason to rebuild, not new content.
STATUS_VALUES = "status:"
# The text kept for the content tree's files (``fazhi_app.extraction``): new text is new index content.
EXTRACTED = "extract:texts"
# The known questions imported into the state folder (``fazhi laws questions import``): new index content.
QUESTIONS = "law_library:questions"
NOT_BUILD_SETTINGS = {"paths", "config_file", "fetch", "sources", "serve_host", "serve_port", "keep_releases", "guard", "extract"}


@dataclass(frozen=True)
class Changes:
    """Paths added, changed or removed in one group since the previous fingerprint."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": list(self.added), "changed": list(self.changed), "removed": list(self.removed)}


@dataclass
class Fingerprint:
    """Per-group file tables plus the non-file inputs (package versions, site settings)."""

    groups: dict[str, FileTable] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """One hash of every input; equal digests mean an identical build."""
        h = hashlib.sha256()
        for group in sorted(self.groups):
            for name, (_size, _mtime, sha) in sorted(self.groups[group].items()):
                h.update(f"{group}\0{name}\0{sha}\n".encode())
        h.update(json.dumps(self.values, sort_keys=True).encode())
        return h.hexdigest()

    def diff(self, previous: Fingerprint | None) -> dict[str, Changes]:
        """What changed per group since ``previous`` (everything is added when there is none)."""
        old_groups = previous.groups if previous else {}
        out: dict[str, Changes] = {}
        for group in sorted(set(self.groups) | set(old_groups)):
            new, old = self.groups.get(group, {}), old_groups.get(group, {})
            changes = Changes(
                added=tuple(sorted(set(new) - set(old))),
                changed=tuple(sorted(n for n in set(new) & set(old) if new[n][2] != old[n][2])),
                removed=tuple(sorted(set(old) - set(new))),
            )
            if changes:
                out[group] = changes
        return out

    def changed_values(self, previous: Fingerprint | None) -> list[str]:
        """Names of non-file inputs (package versions, settings) that differ from ``previous``."""
        old = previous.values if previous else {}
        return sorted(k for k in set(self.values) | set(old) if self.values.get(k) != old.get(k))

    def to_dict(self) -> dict[str, Any]:
        return {"digest": self.digest, "groups": self.groups, "values": self.values}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(groups={g: dict(t) for g, t in data.get("groups", {}).items()}, values=dict(data.get("values", {})))


def build_digest(fp: Fingerprint) -> str:
    """The digest without the values only the status page lists (``status:``, see ``publish_view.status_inputs``).

    Equal build digests mean the same site content: what a rollback compares the night's inputs with.
    """
    return Fingerprint(groups=fp.groups, values={k: v for k, v in fp.values.items() if not k.startswith(STATUS_VALUES)}).digest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _walk(root: Path) -> list[tuple[str, os.stat_result]]:
    """Every regular file under ``root`` with its stat; dot-files and caches are not inputs (MkDocs skips them too)."""
    found: list[tuple[str, os.stat_result]] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIP_DIRS or entry.name.endswith((".pyc", "~")):
                continue
            if entry.is_dir():
                stack.append(Path(entry.path))
            elif entry.is_file():
                found.append((Path(entry.path).relative_to(root).as_posix(), entry.stat()))
    return found


def scan_files(roots: dict[str, Path], previous: FileTable | None = None) -> FileTable:
    """File table of the given roots (prefix -> folder or file), reusing hashes whose stat is unchanged."""
    previous = previous or {}
    table: FileTable = {}
    for prefix, root in roots.items():
        if root.is_file():
            listing = [("", root.stat())]
        elif root.is_dir():
            listing = _walk(root)
        else:
            continue
        for rel, st in listing:
            name = f"{prefix}/{rel}" if rel else prefix
            old = previous.get(name)
            if old and old[0] == st.st_size and old[1] == st.st_mtime_ns:
                table[name] = old
            else:
                table[name] = [st.st_size, st.st_mtime_ns, _sha256(root / rel if rel else root)]
    return table


def template_dirs(mkdocs_config: Path) -> list[Path]:
    """Template folders of a MkDocs config: its ``custom_dir`` entries, or ``overrides/`` beside it."""
    base = mkdocs_config.parent
    found = [base / m.group(1) for m in CUSTOM_DIR_RE.finditer(mkdocs_config.read_text("utf-8"))] if mkdocs_config.is_file() else []
    return found or [base / "overrides"]


def code_dirs() -> dict[str, Path]:
    """Our packages whose code shapes the site and the index (the scraper's output is content)."""
    return {package.__name__: Path(package.__file__).parent for package in (fazhi, fazhi_app, search)}


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def input_roots(settings: Settings) -> dict[str, dict[str, Path]]:
    """group -> {prefix: path} of every file input of a build."""
    paths = settings.paths
    return {
        "content": {"content": paths.content},
        "templates": {f"templates{i}": d for i, d in enumerate(template_dirs(paths.mkdocs_config))},
        "config": {"mkdocs.yml": paths.mkdocs_config},
        "code": code_dirs(),
        # the statute texts that law pages show and citations link into (none when unset)
        "law_library": {"law_library": paths.law_library} if paths.law_library else {},
    }


def site_values(settings: Settings) -> dict[str, str]:
    """Non-file inputs: package versions and the settings the site is rendered with."""
    values = {f"version:{name}": _version(name) for name in PACKAGES}
    values["version:fazhi"] = fazhi.__version__
    for item in fields(Settings):
        if item.name not in NOT_BUILD_SETTINGS:
            values[f"setting:{item.name}"] = repr(getattr(settings, item.name))
    return values


def law_values(settings: Settings, library_files: FileTable, previous: Fingerprint | None, today: dt.date) -> dict[str, str]:
    """Which version of each law is in force ``today`` (law pages show it), and until when that holds.

    The library is read only when its files changed or a recorded boundary (a revision taking effect,
    a repeal beginning) has come; otherwise the previous values still hold.
    """
    if settings.paths.law_library is None:
        return {}
    old = previous.values if previous else {}
    until = old.get(IN_FORCE_UNTIL)
    unchanged = previous is not None and previous.groups.get("law_library") == library_files
    if unchanged and IN_FORCE in old and (until == "" or (until is not None and today.isoformat() < until)):
        return {IN_FORCE: old[IN_FORCE], IN_FORCE_UNTIL: until or ""}
    digest, next_change = load_library(settings.paths.law_library).in_force_state(today)
    return {IN_FORCE: digest, IN_FORCE_UNTIL: next_change.isoformat() if next_change else ""}


def fingerprint(settings: Settings, previous: Fingerprint | None = None, today: dt.date | None = None) -> Fingerprint:
    """Fingerprint the inputs of a build of ``settings`` on ``today``, hashing only files whose stat changed."""
    old = previous.groups if previous else {}
    groups = {group: scan_files(roots, old.get(group)) for group, roots in input_roots(settings).items()}
    values = site_values(settings) | law_values(settings, groups.get("law_library", {}), previous, today or dt.date.today())
    values[EXTRACTED] = extraction_digest(settings)
    values[QUESTIONS] = questions_digest(settings.paths.state)
    return Fingerprint(groups=groups, values=values)
