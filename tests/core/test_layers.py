"""The layers hold: each module imports on its own, and no code of ours is imported lazily.

``lint-imports`` (run by ``make test``) checks the direction of every import against
the contract in pyproject.toml; these tests check what it cannot see.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("fazhi", "fazhi_app", "scraper", "search", "extract")


def project_modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_package_is_found() -> None:
    modules = project_modules()
    assert {"fazhi.article", "fazhi_app.cli", "scraper.fetcher", "search.api"} <= set(modules)


@pytest.mark.parametrize("module", project_modules())
def test_module_imports_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"import {module} failed:\n{done.stderr[-2000:]}"


def lazy_imports(path: Path) -> list[str]:
    """Imports of our own packages that sit inside a function or class body (TYPE_CHECKING blocks aside)."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom):
                names = [inner.module or ""]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] in PACKAGES:
                    found.append(f"{path.relative_to(REPO)}:{inner.lineno}: {name}")
    return found


def test_no_lazy_import_of_our_own_code() -> None:
    found = [hit for package in PACKAGES for path in sorted((REPO / package).rglob("*.py")) for hit in lazy_imports(path)]
    assert found == []
