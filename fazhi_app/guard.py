"""The change guard: what one night's scrape changed, measured against limits, over-limit changes held.

A defaced or broken source must not be published overnight. After the scrape the
guard compares every scraped article file that differs from the *approved baseline*
(a hard-linked copy of the tree's article files as the last guard pass left it, in
``<state>/guard-baseline/``; the scraper replaces files by rename, so a changed file is
a new inode and the old bytes stay in the baseline) against ``Settings.guard``:

- the share of a source's articles changed, or marked removed, in one night;
- a body that shrinks by more than ``max_shrink`` or becomes (nearly) empty;
- a date taken from neither the article page nor the list (it failed to parse there);
- a wrong or sensitive expression (错敏词) from ``sensitive_words`` in the title or body;
- the share of a source's (or of all) scraped articles whose files left the tree (``deleted``):
  a held deletion puts the published version back rather than setting one aside.

The baseline is checked and healed from the published release before each scrape
(``fazhi_app.guard_baseline``).

Staff articles and staff-edited scraped ones are not judged: staff review their own work.

A change over a limit is *held*: the held version (its whole folder, images and
attachments included) is copied to ``<content>/.held/<column>/<year>/<slug>/``, the
approved version is put back in its place (a held new article is taken out of the
tree), and the scraper's state store records the hold (``Store.hold``) and points the
article at the held file, so the next scrape sees it as already written and does not
fetch it again until upstream changes again. Dot folders are neither articles nor site
pages (MkDocs skips them), so nothing held is built or indexed, while a git snapshot of
the content tree keeps it (``fazhi_app.snapshot``). ``fazhi review`` lists the holds and
accepts or rejects them (``fazhi_app.review``). Everything else is approved: the tree
becomes the new baseline. A run killed before that leaves the baseline as it was, so the
next run judges the killed night's changes too.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from fazhi.article import parse_article
from fazhi.config import GuardSettings, Settings
from fazhi.content import article_files
from fazhi.errors import ArticleInvalid
from fazhi.files import write_atomic
from fazhi_app.guard_baseline import ensure_baseline, heal_baseline, refresh_baseline, restore_assets
from scraper.store import Held, Store

HELD_DIR = ".held"
HEAD_BYTES = 4096
ORIGIN_RE = re.compile(r"^origin_url:\s*(\S+)\s*$", re.M)
REJECTED_DIR = ".rejected"
# Dates from the page or the list parsed; the others (meta PubDate, the URL) are fallbacks.
PARSED_DATES = ("visible", "list")
SPACE_RE = re.compile(r"\s+")

Log = Callable[[str], None]


@dataclass
class Change:
    """One scraped article the night added, changed or marked removed, against the approved version."""

    url: str
    source: str
    kind: str  # new | changed | removed | deleted (its file left the tree)
    path: str | None  # the approved file (None: nothing approved yet)
    new_path: str
    published_text: str | None
    new_text: str
    date_from: str | None
    reasons: list[str] = field(default_factory=list)


def aside(path: str) -> bool:
    """Whether a content path is in a dot folder (held or rejected versions), not in the tree proper."""
    return path.startswith(".")


def before_scrape(settings: Settings) -> list[str]:
    """Ready the guard before a scrape: the baseline, healed (its repairs returned as warnings), and staff's claim on held articles.

    A held or rejected article points the store at its aside copy, so the scraper would not
    see a staff edit of the published file in the tree and could overwrite it. An article
    staff edited (or replaced) since is therefore pointed back at the published file, where
    the scraper's own staff-edit protection applies, and its open hold is superseded.
    """
    repairs = heal_baseline(settings)
    if not (settings.paths.state / "scrape.sqlite").is_file():
        return repairs
    content = settings.paths.content
    with Store(settings.paths.state) as store:
        for held in store.held(None):
            item = store.item(held.url)
            if held.status not in ("held", "rejected") or not held.path or item is None or not item.path or not aside(item.path):
                continue
            path = content / held.path
            if not path.is_file():
                continue
            if not _staff_owned(path, held.path):
                if held.status == "rejected":  # rejected before rejecting pointed the store back at the published file
                    point_at_published(store, content, held)
                continue
            store.place(held.url, path=held.path, content_hash=item.content_hash, status="active", file_sha="")
            if held.status == "held":
                store.decide(held.id, "superseded")
                shutil.rmtree(folder(content, held.held_path), ignore_errors=True)
    return repairs


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


def _staff_owned(path: Path, rel: str) -> bool:
    """Whether staff edited, replaced or broke a published article file."""
    try:
        return _staff_owned_text(path.read_text("utf-8"), rel)
    except UnicodeDecodeError:
        return True


def _staff_owned_text(text: str, rel: str) -> bool:
    try:
        article = parse_article(text, PurePosixPath(rel))
    except ArticleInvalid:
        return True
    return article.origin != "scraped" or article.staff_edited


def body_chars(text: str, path: str) -> int:
    """Characters of an article's body, blanks not counted; 0 when the file does not parse."""
    try:
        return len(SPACE_RE.sub("", parse_article(text, PurePosixPath(path)).body))
    except ArticleInvalid:
        return 0


def _head(path: Path) -> str:
    with path.open("rb") as fh:
        return fh.read(HEAD_BYTES).decode("utf-8", "replace")


def _origin_url(path: Path) -> str | None:
    match = ORIGIN_RE.search(_head(path))
    return match.group(1).strip() if match else None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def night_changes(settings: Settings, store: Store, base: Path) -> list[Change]:
    """Every scraped article file that differs from the approved baseline, by its origin URL."""
    content = settings.paths.content
    tree = {str(p.relative_to(content)): p for p in article_files(content)}
    approved = {str(p.relative_to(base)): p for p in article_files(base)}
    gone = {url: rel for rel in set(approved) - set(tree) if (url := _origin_url(approved[rel]))}
    changes: list[Change] = []
    for rel, path in sorted(tree.items()):
        if rel in approved and _same_file(path, approved[rel]):
            continue
        try:
            article = parse_article(text := path.read_text("utf-8", "replace"), PurePosixPath(rel))
        except (OSError, ArticleInvalid):
            continue  # the loader reports it; a file that cannot be read or parsed is left out of the release anyway
        if article.origin != "scraped" or article.staff_edited or not article.origin_url:
            continue
        item = store.item(article.origin_url)
        if item is None:
            continue
        old_rel = rel if rel in approved else gone.get(article.origin_url)
        old_text = approved[old_rel].read_text("utf-8", "replace") if old_rel else None
        if old_text == text and old_rel == rel:
            continue
        kind = "new" if old_text is None else "changed"
        if old_text is not None and article.removed_upstream and "removed_upstream:" not in old_text:
            kind = "removed"
        changes.append(Change(article.origin_url, item.source, kind, old_rel, rel, old_text, text, item.extra.get("date_from")))
    present = {_origin_url(p) for p in tree.values()} if gone else set()  # moved, by the scraper or by staff
    return changes + [c for url, rel in sorted(gone.items()) if url not in present and (c := _deleted(store, url, rel, approved[rel]))]


def _deleted(store: Store, url: str, rel: str, approved: Path) -> Change | None:
    """An approved scraped article whose file left the tree while the scraper still has it there: deleted by hand."""
    item = store.item(url)
    text = approved.read_text("utf-8", "replace")
    if item is None or item.path != rel or _staff_owned_text(text, rel):
        return None
    return Change(url, item.source, "deleted", rel, rel, text, "", None)


def judge(changes: list[Change], limits: GuardSettings, known_counts: dict[str, int]) -> None:
    """Fill each change's ``reasons``: the limits it is over (none: it is published)."""
    for change in changes:
        if change.published_text == change.new_text and change.path == change.new_path:
            continue
        title_body = change.new_text
        if change.kind not in ("removed", "deleted"):
            chars = body_chars(change.new_text, change.new_path)
            if chars < limits.min_body_chars and "![" not in change.new_text:  # an image-only article is not empty
                change.reasons.append(f"body is (nearly) empty: {chars} characters (limit {limits.min_body_chars})")
            elif change.published_text is not None:
                before = body_chars(change.published_text, change.path or change.new_path)
                if before and chars < before * (1 - limits.max_shrink):
                    change.reasons.append(f"body shrank from {before} to {chars} characters (limit: {limits.max_shrink:.0%} shorter)")
            if limits.hold_fallback_dates and change.date_from and change.date_from not in PARSED_DATES:
                change.reasons.append(f"date not parsed from the page or the list (taken from the {change.date_from})")
        found = [w for w in limits.sensitive_words if w in title_body]
        if found:
            change.reasons.append(f"contains sensitive expression(s): {'、'.join(found)}")
    shares = (("changed", limits.max_changed_share), ("removed", limits.max_removed_share), ("deleted", limits.max_removed_share))
    for source, known in known_counts.items():
        if known < limits.min_source_articles:
            continue
        for kind, limit in shares:
            mine = [c for c in changes if c.source == source and c.kind == kind and c.published_text != c.new_text]
            if mine and len(mine) / known > limit:
                reason = f"{len(mine)} of {known} articles of {source} {kind} in one night (limit {limit:.0%})"
                for change in mine:
                    change.reasons.append(reason)
    # Files deleted from the tree are a local accident, not a source's: counted over every source too.
    deleted, known = [c for c in changes if c.kind == "deleted"], sum(known_counts.values())
    if deleted and known >= limits.min_source_articles and len(deleted) / known > limits.max_removed_share:
        limit = limits.max_removed_share
        reason = f"{len(deleted)} of {known} scraped articles deleted from the content tree in one night (limit {limit:.0%})"
        for change in deleted:
            change.reasons = change.reasons or [reason]


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


def known_counts(settings: Settings, base: Path, store: Store) -> dict[str, int]:
    """Per source, its articles in the approved baseline (the base of the shares)."""
    counts = {s.name: 0 for s in settings.sources}
    for source in settings.sources:
        counts[source.name] = sum(1 for item in store.items(source.name) if item.path and (base / item.path).is_file())
    return counts


def guard_night(settings: Settings, run: str, log: Log, warn: Log) -> list[dict[str, Any]]:
    """Judge the night's scraped changes against the baseline, hold those over a limit, approve the rest.

    Returns the holds made; a file deleted from the tree within the limits is a warning. Killed
    before the end, the baseline stays as it was and the next run judges the same changes again.
    """
    if not settings.guard.enabled:
        return []
    base = ensure_baseline(settings)
    made: list[dict[str, Any]] = []
    with Store(settings.paths.state) as store:
        changes = night_changes(settings, store, base)
        judge(changes, settings.guard, known_counts(settings, base, store))
        for previous in store.held("held"):
            item = store.item(previous.url)
            waiting = previous.path if previous.kind == "deleted" else previous.held_path
            if item is None or item.path != waiting:  # upstream changed it again: judged afresh below
                store.decide(previous.id, "superseded")
                shutil.rmtree(folder(settings.paths.content, previous.held_path), ignore_errors=True)
        for change in changes:
            if not change.reasons:
                continue
            held = hold(settings, store, change, run)
            log(f"held for review: {change.url} ({change.kind}): {'; '.join(change.reasons)}")
            made.append(held_row(held))
    deleted = [c.new_path for c in changes if c.kind == "deleted" and not c.reasons]
    if deleted:
        warn(f"{settings.paths.content}: {len(deleted)} scraped article file(s) deleted from the tree, within the guard's limits, "
             f"are published as gone until the scraper fetches them again: {', '.join(deleted)}")
    refresh_baseline(settings)
    return made


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
