"""Faults of the night's git snapshot: a git that refuses is a problem of the run, not a silent note in the report."""

from __future__ import annotations

import json
from html import escape

from fazhi_app.nightly import EXIT_SOURCE_PROBLEM
from tests.fixtures.deployment import Deployment


def test_a_failed_snapshot_is_a_run_problem_in_the_exit_code_summary_report_and_status_page(deployment: Deployment) -> None:
    d = deployment
    content = d.settings.paths.content
    # A content tree whose repository was moved away: git refuses every command in it.
    (content / ".git").write_text(f"gitdir: {d.root / 'moved-away.git'}\n", "utf-8")

    night = d.cli("nightly")
    assert night.returncode == EXIT_SOURCE_PROBLEM, night.stdout + night.stderr
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    assert report["status"] == "published" and report["snapshot"]["error"]
    [problem] = report["run_problems"]
    assert problem.startswith(f"{content}: ") and "snapshot" in problem, problem
    assert f"problem: {problem}" in night.stdout
    assert "1 run problem" in report["message"]
    assert escape(problem) in (d.current().site / "status" / "index.html").read_text("utf-8")
    assert json.loads((d.current().path / "report.json").read_text("utf-8"))["run_problems"] == [problem]
