"""``fazhi review``: decide the changes the change guard held (see ``fazhi_app.guard``).

Accepting puts the held version in place of the published one (or into the tree,
for a new article); the next ``fazhi nightly`` publishes it. Rejecting keeps the
published version and moves the held one to ``<content>/.rejected/`` for the record.
The store points at the published file again but keeps the rejected version's
extraction key, so the same upstream version is not fetched and held again, while a
later upstream edit or deletion reaches the published article and is judged afresh
(a rejected new article, with no published file, stays pointed at its rejected copy). Both take the nightly
lock, so they never run beside a nightly run, and end with a snapshot commit when
the content tree is a git repository.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from fazhi.config import Settings
from fazhi.errors import ConfigError
from fazhi_app.guard_baseline import approve
from fazhi_app.guard_holds import (
    folder,
    hash_of,
    held_row,
    move_folder,
    point_at_published,
    prune_empty,
    rejected_path,
    restore,
    sha,
)
from fazhi_app.lock import hold_lock
from fazhi_app.nightly import LOCK_NAME
from fazhi_app.snapshot import commit_snapshot, snapshot_problem
from scraper.store import Held, Store


@dataclass(frozen=True)
class Decision:
    """One decided hold: which, and what became of it."""

    held: Held
    status: str  # accepted | rejected


def pending(settings: Settings) -> list[Held]:
    """Holds waiting for a decision, oldest first."""
    if not (settings.paths.state / "scrape.sqlite").is_file():
        return []
    with Store(settings.paths.state) as store:
        return store.held("held")


def _choose(holds: list[Held], wanted: list[str]) -> list[Held]:
    """Holds named by id, URL or content path; ``all`` names every one."""
    if wanted == ["all"]:
        return holds
    chosen: list[Held] = []
    for name in wanted:
        match = [h for h in holds if name in (str(h.id), h.url, h.new_path, h.path)]
        if not match:
            raise ConfigError(f"no held change {name!r} (see `fazhi review`)")
        chosen += [h for h in match if h not in chosen]
    return chosen


def _accept(settings: Settings, store: Store, held: Held) -> None:
    content = settings.paths.content
    if held.kind == "deleted":  # the deletion goes ahead; the scraper fetches the article again when it next lists it
        shutil.rmtree(folder(content, held.new_path), ignore_errors=True)
        prune_empty(folder(content, held.new_path).parent, content)
        approve(settings, held.new_path)
        return
    held_folder = folder(content, held.held_path)
    if not held_folder.is_dir():
        raise ConfigError(f"{held_folder}: the held version is missing; nothing accepted")
    if held.path and held.path != held.new_path:
        shutil.rmtree(folder(content, held.path), ignore_errors=True)
    move_folder(held_folder, folder(content, held.new_path))
    approve(settings, held.new_path, held.path)
    status = "removed" if held.kind == "removed" else "active"
    store.place(held.url, path=held.new_path, content_hash=hash_of(held.held_text, held.new_path), status=status,
                file_sha=sha(held.held_text))


def _reject(settings: Settings, store: Store, held: Held) -> None:
    content = settings.paths.content
    if held.kind == "deleted":  # restored: the published version in place again, whatever happened to it since
        restore(settings, store, held.url, held.new_path, held.published_text or "")
        approve(settings, held.new_path)
        return
    held_folder = folder(content, held.held_path)
    rejected = rejected_path(held.held_path)
    if held_folder.is_dir():
        move_folder(held_folder, folder(content, rejected))
    if held.path and (content / held.path).is_file():
        point_at_published(store, content, held)
        return
    store.place(held.url, path=rejected, content_hash=hash_of(held.held_text, held.new_path),
                status="removed" if held.kind == "removed" else "active", file_sha=sha(held.held_text))


def decide(settings: Settings, names: list[str], accept: bool, wait: float = 0.0) -> tuple[list[Decision], str | None]:
    """Accept or reject the named holds (ids, URLs, paths or ``all``) under the nightly lock; returns the decisions and a
    failed snapshot (``<tree>: what``) or None. The decisions stand when git refuses: the next night's snapshot takes them."""
    status = "accepted" if accept else "rejected"
    with hold_lock(settings.paths.state / LOCK_NAME, wait, "review"):
        with Store(settings.paths.state) as store:
            chosen = _choose(store.held("held"), names)
            for held in chosen:
                (_accept if accept else _reject)(settings, store, held)
                store.decide(held.id, status)
        decisions = [Decision(h, status) for h in chosen]
        snapshot = None
        if decisions:
            lines = [f"  {d.held.url} ({d.held.kind}) {d.held.new_path}" for d in decisions]
            snapshot = commit_snapshot(settings.paths.content, f"review: {len(decisions)} held change(s) {status}", lines)
    return decisions, snapshot_problem(settings.paths.content, snapshot, "these decisions")


def describe(held: Held) -> list[str]:
    """A held change as a few lines for the terminal."""
    row = held_row(held)
    lines = [f"#{held.id}  {held.kind:<7} {row['path']}  (held {held.held_at}, run {held.run})", f"    {held.url}"]
    return lines + [f"    - {reason}" for reason in held.reasons]
