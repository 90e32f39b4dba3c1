"""Held changes set aside and put back: the folders under ``<content>/.held/`` and ``.rejected/`` and the store's record of them.

The guard (``fazhi_app.guard``) holds a change over a limit here, and ``fazhi review``
(``fazhi_app.review``) accepts or rejects it with the same moves: a held version's
whole folder (images and attachments included) is copied aside, the approved version
is put back in its place, and the state store points the article at the aside copy,
both or neither.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from fazhi.article import parse_article
from fazhi.config import Settings
from fazhi.errors import ArticleInvalid
from fazhi.files import write_atomic
from fazhi_app.guard_baseline import restore_assets
from fazhi_app.guard_changes import Change
from scraper.store import Held, Store

HELD_DIR = ".held"
REJECTED_DIR = ".rejected"


def rejected_path(held_path: str) -> str:
    """Where ``fazhi review --reject`` keeps a held version: its ``.held/`` path under ``.rejected/``."""
    return f"{REJECTED_DIR}/{held_path.removeprefix(HELD_DIR + '/')}"


def set_aside_copy(held: Held) -> str | None:
    """The aside copy a hold points the store at while it stands: the held version while held, the rejected one after.

    Only a hold whose copy the store still points at is the article's standing one: an older, decided hold of the
    same article must not act on a newer hold's copy.
    """
    return {"held": held.held_path, "rejected": rejected_path(held.held_path)}.get(held.status)


def point_at_published(store: Store, content: Path, held: Held) -> None:
    """After a rejection, point the store at the published file again, so later upstream edits and deletions reach it.

    The item keeps the rejected version's extraction key, so the same upstream version still counts as written
    (it is not fetched and held again); the file hash and asset names become the published folder's.
    """
    assert held.path is not None
    path = content / held.path
    text = path.read_text("utf-8")
    assets = sorted(p.name for p in path.parent.iterdir() if p.is_file() and p.name != path.name)
    store.place(held.url, path=held.path, content_hash=hash_of(text, held.path), status="removed" if held.kind == "removed" else "active",
                file_sha=sha(text), assets=assets)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_of(text: str, path: str) -> str | None:
    try:
        return parse_article(text, PurePosixPath(path)).content_hash
    except ArticleInvalid:
        return None


def folder(content: Path, rel: str) -> Path:
    return content / PurePosixPath(rel).parent


def move_folder(source: Path, target: Path) -> None:
    """Move an article folder, replacing whatever is at ``target``."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    source.rename(target)


def prune_empty(start: Path, stop: Path) -> None:
    """Remove empty folders from ``start`` up to (not including) ``stop``."""
    while start != stop and start.is_dir() and not any(start.iterdir()):
        start.rmdir()
        start = start.parent


def hold(settings: Settings, store: Store, change: Change, run: str) -> Held:
    """Move the held version aside, put the published one back, and record both."""
    content = settings.paths.content
    held_path = f"{HELD_DIR}/{change.new_path}"
    if change.kind == "deleted":  # nothing to set aside: the published version goes back in place, the store still points there
        restore(settings, store, change.url, change.new_path, change.published_text or "")
        return store.hold(url=change.url, source=change.source, kind=change.kind, path=change.path, new_path=change.new_path,
                          held_path=held_path, published_text=change.published_text, held_text="", reasons=change.reasons, run=run)
    new_folder, held_folder = folder(content, change.new_path), folder(content, held_path)
    if held_folder.exists():
        shutil.rmtree(held_folder)
    held_folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(new_folder, held_folder)
    if change.published_text is None:
        shutil.rmtree(new_folder)
        prune_empty(new_folder.parent, content)
    else:
        published = change.path or change.new_path
        if published != change.new_path:  # moved (a new date or column): the old folder gets the assets back
            move_folder(new_folder, folder(content, published))
            prune_empty(new_folder.parent, content)
        write_atomic(content / published, change.published_text)
    status = "removed" if change.kind == "removed" else "active"
    with store.batch():  # both or neither: a hold is never recorded without its item pointing at it
        store.place(change.url, path=held_path, content_hash=hash_of(change.new_text, change.new_path), status=status,
                    file_sha=sha(change.new_text))
        return store.hold(url=change.url, source=change.source, kind=change.kind, path=change.path, new_path=change.new_path,
                          held_path=held_path, published_text=change.published_text, held_text=change.new_text,
                          reasons=change.reasons, run=run)


def restore(settings: Settings, store: Store, url: str, rel: str, text: str) -> None:
    """Put a deleted article back: its approved text, and its images and attachments from the published release.

    An article file found in place (put back by hand) is kept. A file the release lacks stays
    missing, and the loader reports the broken link.
    """
    item = store.item(url)
    if not (settings.paths.content / rel).is_file():
        write_atomic(settings.paths.content / rel, text)
    restore_assets(settings, rel, item.extra.get("assets", ()) if item else ())


def held_row(held: Held) -> dict[str, Any]:
    """A hold as the run report and the status page show it."""
    return {"id": held.id, "url": held.url, "source": held.source, "kind": held.kind, "path": held.path or held.new_path,
            "reasons": list(held.reasons), "run": held.run, "held_at": held.held_at}


def open_holds(settings: Settings) -> list[dict[str, Any]]:
    """Every change still waiting for ``fazhi review``, oldest first."""
    if not (settings.paths.state / "scrape.sqlite").is_file():
        return []
    with Store(settings.paths.state) as store:
        return [held_row(h) for h in store.held("held")]
