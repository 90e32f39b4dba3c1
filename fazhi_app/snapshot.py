"""Snapshots of the content tree, the source of truth: one git commit per night that changed it.

Only when the content tree is itself the top of a git repository (``<content>/.git``
exists): a content tree inside another repository (such as ``docs/`` of a checkout)
is left alone. The commit takes every change of the tree, staff edits and held
versions (``.held/``) included, but what the night left out of its release, with the
run id and the night's new, changed, removed and held articles in its message, so any
night can be looked at with ``git show`` and any file or the whole tree restored with
``git restore``/``git checkout``.

The caller holds the nightly lock, so a ``.git/index.lock`` found here was left by a
killed run and is removed. A failing git never stops publishing, which does not depend
on the snapshot; it is a problem of the run (``snapshot_problem``): exit 3, named in the
summary, the report and the status page.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fazhi_app.run_record import RunRecord

GIT_TIMEOUT = 120
IDENTITY = {"GIT_AUTHOR_NAME": "fazhi nightly", "GIT_AUTHOR_EMAIL": "nightly@fazhi.invalid"}
LISTED = 50


class SnapshotFailed(Exception):
    """git refused; the message carries its output."""


def is_repository(content: Path) -> bool:
    return (content / ".git").exists()


def _git(content: Path, *args: str) -> str:
    env = {**os.environ}
    for key, value in IDENTITY.items():
        env.setdefault(key, value)
        env.setdefault(key.replace("AUTHOR", "COMMITTER"), value)
    done = subprocess.run(["git", "-C", str(content), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT, env=env)
    if done.returncode != 0:
        raise SnapshotFailed(f"git {' '.join(args)}: {(done.stderr or done.stdout).strip()}")
    return done.stdout


def _status(content: Path) -> dict[str, list[str]]:
    """Paths added, changed and deleted in the working tree, as git sees them after ``add -A``."""
    changes: dict[str, list[str]] = {"added": [], "changed": [], "deleted": []}
    for line in _git(content, "diff", "--cached", "--name-status", "--no-renames").splitlines():
        code, _, path = line.partition("\t")
        kind = {"A": "added", "D": "deleted"}.get(code[:1], "changed")
        changes[kind].append(path)
    return changes


def commit_tree(content: Path, subject: str, lines: list[str], leave_out: Iterable[str] = ()) -> str | None:
    """Commit everything changed in the tree but the paths in ``leave_out``; returns the commit id, or None when nothing changed.

    What the night left out of its release (``excluded``) is left out here too: git can no more read
    an unreadable file than the build can, and it would otherwise fail the whole snapshot.
    """
    if not is_repository(content):
        return None
    (content / ".git" / "index.lock").unlink(missing_ok=True)
    _git(content, "add", "-A", "--", ".", *(f":(exclude,literal){path}" for path in leave_out))
    if not _git(content, "diff", "--cached", "--name-only"):
        return None
    changes = _status(content)
    body = list(lines)
    for kind, paths in changes.items():
        if paths:
            body.append(f"{kind} ({len(paths)}):")
            body += [f"  {p}" for p in paths[:LISTED]] + ([f"  … {len(paths) - LISTED} more"] if len(paths) > LISTED else [])
    _git(content, "commit", "-q", "--no-verify", "-m", subject, "-m", "\n".join(body))
    return _git(content, "rev-parse", "HEAD").strip()


def night_message(record: RunRecord) -> tuple[str, list[str]]:
    """Subject and body lines of a night's commit: counts from the scrape and the guard, then the run's outcome."""
    counts = record.article_counts()
    held = record.guard.held_tonight
    run = record.outcome.run
    subject = f"nightly {run}: {counts['new']} new, {counts['changed']} changed, {counts['removed']} removed upstream, {len(held)} held"
    lines = [f"run: {run}", f"status: {record.outcome.status}: {record.outcome.message}"]
    lines += [f"held: {h['url']} ({h['kind']}): {'; '.join(h['reasons'])}" for h in held]
    lines += [f"left out: {p}" for p in record.validate.excluded]
    return subject, lines


def commit_snapshot(content: Path, subject: str, lines: list[str], leave_out: Iterable[str] = ()) -> dict[str, Any] | None:
    """A snapshot commit as a report records it (None when the tree is not a repository): a refusing git is an error in it, not raised."""
    if not is_repository(content):
        return None
    try:
        commit = commit_tree(content, subject, lines, leave_out)
    except (SnapshotFailed, OSError, subprocess.SubprocessError) as exc:
        return {"commit": None, "error": str(exc)}
    return {"commit": commit, "error": None}


def commit_night(content: Path, record: RunRecord) -> dict[str, Any] | None:
    """The night's snapshot commit as the report records it (None when the tree is not a repository)."""
    return commit_snapshot(content, *night_message(record), leave_out=record.validate.excluded)


def snapshot_problem(content: Path, snapshot: dict[str, Any] | None, changes: str = "tonight's changes") -> str | None:
    """A failed snapshot as a problem (``<tree>: what``), or None: the ``changes`` to the tree are not in git."""
    if not snapshot or not snapshot.get("error"):
        return None
    return f"{content}: the git snapshot failed, so {changes} to the tree are not committed ({snapshot['error']})"
