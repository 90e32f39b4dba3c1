"""The change guard: what one night's scrape changed, measured against limits, over-limit changes held.

A defaced or broken source must not be published overnight. After the scrape the
guard compares every scraped article the night added, changed or marked removed
with what was published before, against ``Settings.guard``:

- the share of a source's articles changed, or marked removed, in one night;
- a body that shrinks by more than ``max_shrink`` or becomes (nearly) empty;
- a date taken from neither the article page nor the list (it failed to parse there);
- a wrong or sensitive expression (错敏词) from ``sensitive_words`` in the title or body.

A change over a limit is *held*: the held version (its whole folder, images and
attachments included) is moved to ``<content>/.held/<column>/<year>/<slug>/``, the
published version is put back in its place (a held new article is simply not in the
tree), and the scraper's state store records the hold (``Store.hold``) and points the
article at the held file, so the next scrape sees it as already written and does not
fetch it again until upstream changes again. Dot folders are neither articles nor site
pages (MkDocs skips them), so nothing held is built or indexed, while a git snapshot of
the content tree keeps it (``fazhi_app.snapshot``). ``fazhi review`` lists the holds and
accepts or rejects them (``fazhi_app.review``). Changes within the limits are published
as usual; so is a later upstream change of a held article, when it is within the limits.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from fazhi.article import parse_article
from fazhi.config import GuardSettings, Settings
from fazhi.errors import ArticleInvalid
from fazhi.files import write_atomic
from scraper.store import Held, Item, Store

HELD_DIR = ".held"
REJECTED_DIR = ".rejected"
# Dates from the page or the list parsed; the others (meta PubDate, the URL) are fallbacks.
PARSED_DATES = ("visible", "list")
SPACE_RE = re.compile(r"\s+")

Log = Callable[[str], None]


@dataclass(frozen=True)
class Known:
    """An article as the store knew it before the night: status, file, body hash, and whether the file was there."""

    status: str
    path: str | None
    content_hash: str | None
    on_disk: bool


@dataclass
class Change:
    """One scraped article the night added, changed or marked removed, against the published version."""

    url: str
    source: str
    kind: str  # new | changed | removed
    path: str | None  # the published file (None: nothing published)
    new_path: str
    published_text: str | None
    new_text: str
    date_from: str | None
    reasons: list[str] = field(default_factory=list)


def aside(path: str) -> bool:
    """Whether a content path is in a dot folder (held or rejected versions), not in the tree proper."""
    return path.startswith(".")


def inventory(settings: Settings) -> dict[str, Known]:
    """What the store knows of every configured source's articles, taken before the scrape."""
    content = settings.paths.content
    known: dict[str, Known] = {}
    with Store(settings.paths.state) as store:
        for source in settings.sources:
            for item in store.items(source.name):
                on_disk = bool(item.path) and (content / (item.path or "")).is_file()
                known[item.url] = Known(item.status, item.path, item.content_hash, on_disk)
    return known


def body_chars(text: str, path: str) -> int:
    """Characters of an article's body, blanks not counted; 0 when the file does not parse."""
    try:
        return len(SPACE_RE.sub("", parse_article(text, PurePosixPath(path)).body))
    except ArticleInvalid:
        return 0


def unmarked(text: str, path: str) -> str:
    """The text of an article before the scraper marked it removed upstream."""
    article = parse_article(text, PurePosixPath(path))
    return replace(article, removed_upstream=None).to_markdown()


def _read(content: Path, rel: str | None) -> str | None:
    if not rel:
        return None
    try:
        return (content / rel).read_text("utf-8")
    except OSError:
        return None


def _last_hold(store: Store, url: str) -> Held | None:
    holds = [h for h in store.held(None) if h.url == url and h.status in ("held", "rejected")]
    return holds[-1] if holds else None


def night_changes(settings: Settings, store: Store, before: dict[str, Known]) -> list[Change]:
    """Every scraped article whose file the night wrote or marked, with the version it replaces in publication."""
    content = settings.paths.content
    changes: list[Change] = []
    for source in settings.sources:
        for item in store.items(source.name):
            change = _change(content, store, item, before.get(item.url))
            if change is not None:
                changes.append(change)
    return changes


def _change(content: Path, store: Store, item: Item, known: Known | None) -> Change | None:
    if not item.path or aside(item.path) or item.status == "conflict":
        return None
    text = _read(content, item.path)
    if text is None:
        return None
    date_from = item.extra.get("date_from")
    if known is not None and known.path and aside(known.path):  # a held or rejected article changed again upstream
        hold = _last_hold(store, item.url)
        if hold is None:
            return None
        kind = "new" if hold.published_text is None else "removed" if item.status == "removed" else "changed"
        return Change(item.url, item.source, kind, hold.path, item.path, hold.published_text, text, date_from)
    if item.status == "removed":
        if known is None or known.status != "active" or not known.on_disk:
            return None
        return Change(item.url, item.source, "removed", item.path, item.path, unmarked(text, item.path), text, date_from)
    if known is None or not known.on_disk:
        return Change(item.url, item.source, "new", None, item.path, None, text, date_from)
    if known.content_hash == item.content_hash and known.path == item.path:
        return None
    history = store.history(item.url)
    if not history:
        return None
    last = history[-1]
    return Change(item.url, item.source, "changed", last["path"] or known.path, item.path, last["markdown"], text, date_from)


def judge(changes: list[Change], limits: GuardSettings, known_counts: dict[str, int]) -> None:
    """Fill each change's ``reasons``: the limits it is over (none: it is published)."""
    for change in changes:
        if change.published_text == change.new_text and change.path == change.new_path:
            continue
        title_body = change.new_text
        if change.kind != "removed":
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
    for source, known in known_counts.items():
        if known < limits.min_source_articles:
            continue
        for kind, limit in (("changed", limits.max_changed_share), ("removed", limits.max_removed_share)):
            mine = [c for c in changes if c.source == source and c.kind == kind and c.published_text != c.new_text]
            if mine and len(mine) / known > limit:
                reason = f"{len(mine)} of {known} articles of {source} {kind} in one night (limit {limit:.0%})"
                for change in mine:
                    change.reasons.append(reason)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _hash_of(text: str, path: str) -> str | None:
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


def _prune_empty(start: Path, stop: Path) -> None:
    """Remove empty folders from ``start`` up to (not including) ``stop``."""
    while start != stop and start.is_dir() and not any(start.iterdir()):
        start.rmdir()
        start = start.parent


def hold(settings: Settings, store: Store, change: Change, run: str) -> Held:
    """Move the held version aside, put the published one back, and record both."""
    content = settings.paths.content
    held_path = f"{HELD_DIR}/{change.new_path}"
    new_folder, held_folder = folder(content, change.new_path), folder(content, held_path)
    if held_folder.exists():
        shutil.rmtree(held_folder)
    held_folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(new_folder, held_folder)
    if change.published_text is None:
        shutil.rmtree(new_folder)
        _prune_empty(new_folder.parent, content)
    else:
        published = change.path or change.new_path
        if published != change.new_path:  # moved (a new date or column): the old folder gets the assets back
            move_folder(new_folder, folder(content, published))
            _prune_empty(new_folder.parent, content)
        write_atomic(content / published, change.published_text)
    status = "removed" if change.kind == "removed" else "active"
    store.place(change.url, path=held_path, content_hash=_hash_of(change.new_text, change.new_path), status=status,
                file_sha=_sha(change.new_text))
    return store.hold(url=change.url, source=change.source, kind=change.kind, path=change.path, new_path=change.new_path,
                      held_path=held_path, published_text=change.published_text, held_text=change.new_text,
                      reasons=change.reasons, run=run)


def known_counts(settings: Settings, before: dict[str, Known], store: Store) -> dict[str, int]:
    """Per source, the articles it had published before the night (the base of the shares)."""
    counts = {s.name: 0 for s in settings.sources}
    for source in settings.sources:
        for item in store.items(source.name):
            known = before.get(item.url)
            if known is not None and known.status == "active" and known.on_disk and known.path and not aside(known.path):
                counts[source.name] += 1
    return counts


def guard_night(settings: Settings, before: dict[str, Known], run: str, log: Log) -> list[dict[str, Any]]:
    """Judge the night's scraped changes and hold those over a limit; returns the holds made."""
    if not settings.guard.enabled:
        return []
    made: list[dict[str, Any]] = []
    with Store(settings.paths.state) as store:
        changes = night_changes(settings, store, before)
        judge(changes, settings.guard, known_counts(settings, before, store))
        open_holds = {h.url: h for h in store.held("held")}
        for change in changes:
            previous = open_holds.get(change.url)
            if not change.reasons:
                if previous is not None:  # upstream changed the held article again, within the limits this time
                    store.decide(previous.id, "superseded")
                    shutil.rmtree(folder(settings.paths.content, previous.held_path), ignore_errors=True)
                continue
            held = hold(settings, store, change, run)
            log(f"held for review: {change.url} ({change.kind}): {'; '.join(change.reasons)}")
            made.append(held_row(held))
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
