"""axe-core in the browser tests: the pinned npm package, injected into every page of a context.

axe-core is installed from tests/browser/package-lock.json by ``npm ci`` (``make test`` and
.ci/run do it) and read from node_modules here: it is never fetched while tests run. It is
added as an init script of the browser context, which a page's Content-Security-Policy does
not block, so the checks see pages exactly as served.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
PINNED = json.loads((HERE / "package.json").read_text("utf-8"))["dependencies"]["axe-core"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then((result) => ({version: axe.version, violations: result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160), summary: n.failureSummary}))}))}))"""


def axe_script() -> Path:
    """The installed axe-core script at the pinned version; skips with how to install it when absent."""
    if not AXE_JS.is_file():
        pytest.skip(f"axe-core is not installed: run `npm ci --prefix {HERE}` (make test does)")
    installed = json.loads((AXE_JS.parent / "package.json").read_text("utf-8"))["version"]
    assert installed == PINNED, f"axe-core {installed} is installed but {PINNED} is pinned: run `npm ci --prefix {HERE}`"
    return AXE_JS


def install(context: Any) -> None:
    """Make axe-core available in every page the browser context opens from now on."""
    context.add_init_script(path=str(axe_script()))


def violations(page: Any, where: str) -> list[str]:
    """Every axe-core violation on the page as it is now, one line per element: rule, impact, element, page."""
    result = page.evaluate(RUN, TAGS)
    assert result["version"] == PINNED, f"axe-core {result['version']} ran instead of {PINNED}"
    lines = []
    for rule in result["violations"]:
        for node in rule["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"{where}: {rule['id']} ({rule['impact']}) at {node['target']} {node['html']} — {rule['help']}. {summary}")
    return lines
