"""What the nightly job builds from: the content tree, without the files the loader found a problem in.

``fazhi build`` refuses a tree with any problem; the unattended job must not let one
bad file stop the night. When ``load_tree`` reports problems, the job builds from a
*view*: a copy of the content tree under ``<state>/view-<run>/`` (hard links, so it
costs a directory walk, not the bytes) without every file a problem names, whatever
the problem is. What cannot be read or is not what its name says (``fazhi.tree_faults``)
is never copied into the view, so nothing after this step meets it. Leaving a file out can reveal another problem (a slug duplicated by
an excluded file is not one any more, a link to it is), so the view is loaded again
until it is clean. The excluded files are named in the run report and on the status
page; the view is removed when the run ends, or by the next run after a crash.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi.config import Settings
from fazhi.content import ContentTree, load_tree
from fazhi.errors import Problem
from fazhi.files import link_or_copy

VIEW_PREFIX = "view-"
ROUNDS = 5


@dataclass
class PublishView:
    """The settings to build with (content pointing at the view when there is one), the tree, what was left out."""

    settings: Settings
    tree: ContentTree
    excluded: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    root: Path | None = None

    def remove(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


def clean_leftovers(settings: Settings) -> list[str]:
    """Remove views an interrupted run left behind; returns their names."""
    state = settings.paths.state
    found = sorted(p for p in state.glob(f"{VIEW_PREFIX}*") if p.is_dir()) if state.is_dir() else []
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in found]


def status_inputs(report: dict[str, Any]) -> dict[str, str]:
    """What the status page lists besides the run itself: a change in it is a reason to rebuild."""
    return {"status:left_out": json.dumps(sorted(report.get("excluded") or []), ensure_ascii=False),
            "status:held": json.dumps(sorted(h["id"] for h in report.get("held") or [])),
            "status:warnings": json.dumps(report.get("warnings") or [], ensure_ascii=False),
            "status:problem_sources": json.dumps(sorted(report.get("problem_sources") or []), ensure_ascii=False)}


def _leave_out(faulty: set[str]) -> Callable[[str, list[str]], set[str]]:
    """The names ``copytree`` must not copy into a view: ``.git`` and the tree's faults."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name == ".git" or os.path.join(folder, name) in faulty}
    return ignore


def publish_view(settings: Settings, run: str) -> PublishView:
    """Load the tree; on problems, a view without the files they name (see the module docstring)."""
    content = settings.paths.content
    tree = load_tree(content)
    if tree.ok:
        return PublishView(settings, tree)
    root = settings.paths.state / f"{VIEW_PREFIX}{run}"
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(content, root, copy_function=link_or_copy, ignore=_leave_out({fault.path for fault in tree.faults}))
    view = PublishView(settings.with_paths(content=root), tree, root=root)
    for _ in range(ROUNDS):
        if view.tree.ok:
            break
        view.problems += view.tree.problems
        for problem in view.tree.problems:
            named = Path(problem.path)
            target = root / (named.relative_to(content) if named.is_absolute() and named.is_relative_to(content) else named)
            if not target.resolve().is_relative_to(root.resolve()):  # a path outside the view is never touched
                continue
            if target.is_file() or target.is_symlink():
                target.unlink()
            elif target.is_dir():
                shutil.rmtree(target)
            if problem.path not in view.excluded:
                view.excluded.append(problem.path)
        view.tree = load_tree(root)
    return view
