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

This module judges; its siblings each do one other job: the baseline, checked and healed
from the published release before each scrape (``fazhi_app.guard_baseline``), the night's
changes against it (``fazhi_app.guard_changes``), and the held folders and their record
(``fazhi_app.guard_holds``).

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

import re
import shutil
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from fazhi.article import parse_article
from fazhi.config import GuardSettings, Settings
from fazhi.errors import ArticleInvalid
from fazhi_app.guard_baseline import ensure_baseline, heal_baseline, refresh_baseline
from fazhi_app.guard_changes import Change, known_counts, night_changes, staff_owned
from fazhi_app.guard_holds import folder, held_row, hold, point_at_published, set_aside_copy
from scraper.store import Store

# Dates from the page or the list parsed; the others (meta PubDate, the URL) are fallbacks.
PARSED_DATES = ("visible", "list")
SPACE_RE = re.compile(r"\s+")

Log = Callable[[str], None]


def before_scrape(settings: Settings) -> list[str]:
    """Ready the guard before a scrape: the baseline, healed (its repairs returned as warnings), and staff's claim on held articles.

    A held or rejected article points the store at its aside copy, so the scraper would not
    see a staff edit of the published file in the tree and could overwrite it. An article
    staff edited (or replaced) since is therefore pointed back at the published file, where
    the scraper's own staff-edit protection applies, and its open hold is superseded. Only the
    article's standing hold, the one whose copy the store points at, acts: an article rejected
    once and defaced again has an older rejected hold that must not close the newer one.
    """
    repairs = heal_baseline(settings)
    if not (settings.paths.state / "scrape.sqlite").is_file():
        return repairs
    content = settings.paths.content
    with Store(settings.paths.state) as store:
        for held in store.held(None):
            item = store.item(held.url)
            if not held.path or item is None or not item.path or item.path != set_aside_copy(held):
                continue  # not (or no longer) the article's standing hold: a newer one, or none, decides
            path = content / held.path
            if not path.is_file():
                continue
            try:
                owned = staff_owned(path, held.path)
            except OSError:
                continue  # unreadable: the tree's own check leaves it out and names it; the hold stands until it can be read
            if not owned:
                if held.status == "rejected":  # rejected before rejecting pointed the store back at the published file
                    point_at_published(store, content, held)
                continue
            store.place(held.url, path=held.path, content_hash=item.content_hash, status="active", file_sha="")
            if held.status == "held":
                store.decide(held.id, "superseded")
                shutil.rmtree(folder(content, held.held_path), ignore_errors=True)
    return repairs


def title_and_body(text: str, path: str) -> tuple[str, str]:
    """An article's title and body, what readers see of it; empty when the file does not parse."""
    try:
        article = parse_article(text, PurePosixPath(path))
    except ArticleInvalid:
        return "", ""
    return article.title, article.body


def body_chars(text: str, path: str) -> int:
    """Characters of an article's body, blanks not counted; 0 when the file does not parse."""
    return len(SPACE_RE.sub("", title_and_body(text, path)[1]))


def judge(changes: list[Change], limits: GuardSettings, known_counts: dict[str, int]) -> None:
    """Fill each change's ``reasons``: the limits it is over (none: it is published)."""
    for change in changes:
        if change.published_text == change.new_text and change.path == change.new_path:
            continue
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
        # Title and body only: front-matter fields (the office, tags, URLs) are record keeping, and a word in a URL is no expression.
        title, body = title_and_body(change.new_text, change.new_path)
        found = [w for w in limits.sensitive_words if w in title or w in body]
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
