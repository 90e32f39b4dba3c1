"""The change guard's baseline: the approved article files, kept whole and healed from the published release.

The baseline (``<state>/guard-baseline/``) is what the guard judges a night against
(``fazhi_app.guard``): hard links to the tree's article files as the last guard pass
left them. It is derived state, so a lost or damaged baseline must never read as
"no previous version" (a defaced source would then be published as new) or put
wrong text back in the tree. Two records make it checkable:

- every release keeps the article files it published in ``<release>/articles/``
  (hard links, as the scraper and staff replace files by rename);
- the baseline's own ``.baseline.json`` lists each file's SHA-256 and the release it
  follows: the release current when the guard last passed, moved on to the new one
  when that night publishes.

Before each scrape the baseline is checked. One whose record is missing or unreadable,
or that follows another release than the published one (a restored backup, a
rollback), is rebuilt from the published release's articles; a file missing or not
matching its hash is put back from the tree when the tree still holds the approved
bytes, else from the release. Each repair is reported as a warning. A release from
before releases kept their articles gives the tree as it stands before the scrape.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from fazhi.config import Settings
from fazhi.content import article_files
from fazhi.files import link_or_copy, write_json
from fazhi_app.releases import Release, Releases

BASELINE = "guard-baseline"
RECORD = ".baseline.json"
# Files named in a repair warning; the rest are counted.
NAMED = 5


def baseline_dir(settings: Settings) -> Path:
    return settings.paths.state / BASELINE


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _link_articles(source: Path, target: Path) -> dict[str, str]:
    """Hard-link the article files under ``source`` into ``target``; returns their hashes by relative path.

    A file that may be neither linked nor read is left out: the night names it as a problem of the tree
    (``fazhi.tree_faults``), and once readable it is judged like a new article.
    """
    files: dict[str, str] = {}
    for path in article_files(source):
        rel = str(path.relative_to(source))
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            link_or_copy(str(path), str(target / rel))
            files[rel] = file_sha(path)
        except OSError:
            (target / rel).unlink(missing_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    return files


def keep_articles(content: Path, release_dir: Path) -> None:
    """Keep the article files a release publishes in it: what a lost baseline is rebuilt from."""
    _link_articles(content, Release(release_dir).articles)


def read_record(base: Path) -> dict[str, Any] | None:
    """The baseline's record, or None when it is missing or not a record."""
    try:
        record = json.loads((base / RECORD).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return None
    return record


def _write_record(base: Path, release: str | None, files: dict[str, str]) -> None:
    write_json(base / RECORD, {"release": release, "files": dict(sorted(files.items()))})


def _swap_in(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _current(settings: Settings) -> Release | None:
    return Releases(settings.paths.releases).current()


def _replace_with(settings: Settings, source: Path) -> None:
    """The baseline becomes the article files under ``source``, following the published release."""
    base = baseline_dir(settings)
    new = base.with_name(base.name + ".new")
    shutil.rmtree(new, ignore_errors=True)
    files = _link_articles(source, new)
    current = _current(settings)
    _write_record(new, current.name if current else None, files)
    _swap_in(new, base)


def ensure_baseline(settings: Settings) -> Path:
    """The approved tree the night is judged against; taken from the tree itself when there is none yet.

    A run killed while the baseline was being replaced left ``.old`` (the approved one) or ``.new``
    (half made): the approved one is put back, the half made one dropped.
    """
    base = baseline_dir(settings)
    old, new = base.with_name(base.name + ".old"), base.with_name(base.name + ".new")
    shutil.rmtree(new, ignore_errors=True)
    if not base.exists() and old.exists():
        old.rename(base)
    shutil.rmtree(old, ignore_errors=True)
    if not base.exists():
        _replace_with(settings, settings.paths.content)
    return base


def refresh_baseline(settings: Settings) -> None:
    """The tree as it now stands (holds applied) becomes the approved one; a baseline that already is it is kept as it is,
    so a night with no news makes no links and removes no folders (thousands of each on a large tree)."""
    if not _is_tree(settings):
        _replace_with(settings, settings.paths.content)


def _is_tree(settings: Settings) -> bool:
    """Whether the baseline is what ``_replace_with`` would make of the tree now: the same files, each a link to the
    tree's file with the hash recorded, following the published release."""
    base, content = baseline_dir(settings), settings.paths.content
    record, current = read_record(base), _current(settings)
    if record is None or record.get("release") != (current.name if current else None):
        return False
    files: dict[str, str] = record["files"]
    seen = 0
    for path in article_files(content):
        rel = str(path.relative_to(content))
        try:
            if rel not in files or not os.path.samefile(path, base / rel) or file_sha(path) != files[rel]:
                return False
        except OSError:
            return False
        seen += 1
    return seen == len(files)


def approve(settings: Settings, rel: str, old_rel: str | None = None) -> None:
    """Make one article file of the tree part of the approved baseline (an accepted change)."""
    base = ensure_baseline(settings)
    record = read_record(base) or {"release": None, "files": {}}
    for gone in {old_rel, rel} - {None}:
        (base / str(gone)).unlink(missing_ok=True)
        record["files"].pop(gone, None)
    source = settings.paths.content / rel
    if source.is_file():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(str(source), str(base / rel))
        record["files"][rel] = file_sha(source)
    _write_record(base, record["release"], record["files"])


def published(settings: Settings, previous: str | None, release: str) -> None:
    """A night published ``release``: a baseline that followed the release it replaced now follows it.

    A baseline that followed another one is left as it is, for the next scrape to rebuild.
    """
    base = baseline_dir(settings)
    record = read_record(base)
    if record is not None and record.get("release") == previous:
        _write_record(base, release, record["files"])


def restore_assets(settings: Settings, rel: str, names: Iterable[str]) -> None:
    """Copy an article's missing images and attachments back from the published release's site."""
    current = _current(settings)
    if current is None:
        return
    for name in names:
        target, kept = (settings.paths.content / rel).parent / name, current.site / PurePosixPath(rel).parent / name
        if not target.is_file() and kept.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(kept, target)


def _names(rels: list[str]) -> str:
    more = len(rels) - NAMED
    return ", ".join(rels[:NAMED]) + (f" and {more} more" if more > 0 else "")


def heal_baseline(settings: Settings) -> list[str]:
    """Check the baseline against its record and the published release before a scrape; repair it.

    Returns the repairs as warning lines (none when the baseline is whole). Called before
    the scrape, while the tree still holds what the last night approved.
    """
    base = baseline_dir(settings)
    existed = base.exists() or base.with_name(base.name + ".old").exists()
    ensure_baseline(settings)
    current = _current(settings)
    record = read_record(base)
    kept = current.articles if current is not None else None
    source, source_name = (kept, f"release {current.name}") if kept is not None and kept.is_dir() else (
        settings.paths.content, "the content tree as it stood before the scrape")
    if not existed and current is None:
        return []  # the first night: nothing approved yet
    if not existed or record is None:
        why = "was missing" if not existed else f"has no readable record ({RECORD})"
        _replace_with(settings, source)
        return [f"{base}: the change guard's baseline {why}; rebuilt from {source_name}"]
    if current is not None and record.get("release") != current.name:
        _replace_with(settings, source)
        return [f"{base}: the change guard's baseline follows release {record.get('release') or '(none)'}, not the published "
                f"{current.name} (a restored backup or a rollback); rebuilt from {source_name}"]
    missing, damaged, lost = [], [], []
    for rel, sha in sorted(record["files"].items()):
        path = base / rel
        try:
            if path.is_file() and file_sha(path) == sha:
                continue
        except OSError:  # a hard link to a tree file made unreadable: the night names that file as a tree fault
            continue
        (missing if not path.is_file() else damaged).append(rel)
        path.unlink(missing_ok=True)
        in_tree = settings.paths.content / rel
        approved = in_tree if in_tree.is_file() and file_sha(in_tree) == sha else source / rel  # the exact bytes, else the published
        if approved.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(str(approved), str(path))
            record["files"][rel] = file_sha(path)
        else:
            record["files"].pop(rel)
            lost.append(rel)
    if not missing and not damaged:
        return []
    _write_record(base, record.get("release"), record["files"])
    found = [f"{len(missing)} file(s) missing ({_names(missing)})"] if missing else []
    found += [f"{len(damaged)} file(s) damaged ({_names(damaged)})"] if damaged else []
    note = f"; not in {source_name}, judged as new: {_names(lost)}" if lost else ""
    return [f"{base}: the change guard's baseline had {' and '.join(found)}; rebuilt from {source_name} and the tree{note}"]
