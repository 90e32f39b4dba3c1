"""The files beside the articles (images, attachments) and which of them may be published.

Files reach the content tree from the scraper, from earlier versions of it, and from
staff. Whatever their way in, each is judged by its bytes (``fazhi.filetypes``):
``fazhi check`` reports a refused file as a problem, the site build leaves it out.

Judging reads whole files, and an archive holds years of attachments, so verdicts are
kept in a small JSON cache (under the state folder) keyed by path, size and
modification time: a nightly build reads only what changed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Set
from pathlib import Path

from fazhi.article import COLUMNS
from fazhi.errors import Problem
from fazhi.files import write_json
from fazhi.filetypes import refusal
from fazhi.tree_faults import within


def content_files(root: Path, faulty: Set[str] = frozenset()) -> list[Path]:
    """Every file other than Markdown under the column folders (hidden files, e.g. temporaries, skipped).

    ``faulty``: the paths of the tree's faults (``fazhi.tree_faults``), which cannot be judged and are reported as such.
    """
    found: list[Path] = []
    for column in COLUMNS:
        base = root / column
        if base.is_dir():
            found.extend(p for p in base.rglob("*") if p.is_file() and p.suffix != ".md"
                         and not any(part.startswith(".") for part in p.relative_to(root).parts) and not within(p, faulty))
    return sorted(found)


def refused_files(root: Path, cache: Path | None = None, faulty: Set[str] = frozenset()) -> dict[str, str]:
    """``{path relative to root: why it may not be published}`` for every refused file."""
    known = _read_cache(cache)
    verdicts: dict[str, list[object]] = {}
    refused: dict[str, str] = {}
    for path in content_files(root, faulty):
        rel = path.relative_to(root).as_posix()
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
        cached = known.get(rel)
        reason = cached[2] if isinstance(cached, list) and len(cached) == 3 and cached[:2] == stamp else refusal(path)
        verdicts[rel] = [*stamp, reason]
        if reason:
            refused[rel] = str(reason)
    if cache is not None and verdicts != known:
        with contextlib.suppress(OSError):  # a read-only state folder only costs the next run the same reading
            write_json(cache, verdicts, indent=0)
    return refused


def refused_problems(root: Path, cache: Path | None = None, faulty: Set[str] = frozenset()) -> list[Problem]:
    """Each refused file as a problem for ``fazhi check``."""
    return [Problem(rel, 1, f"refused file, left out of the site: {reason}") for rel, reason in refused_files(root, cache, faulty).items()]


def _read_cache(cache: Path | None) -> dict[str, object]:
    if cache is None or not cache.is_file():
        return {}
    try:
        data = json.loads(cache.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


__all__ = ["content_files", "refused_files", "refused_problems"]
