"""A source whose list suddenly shows no items (a redesign the list parser does not know) is a problem, not a note."""

from __future__ import annotations

import json

from fazhi_app.nightly import EXIT_OK, EXIT_SOURCE_PROBLEM
from tests.fixtures.deployment import Deployment


def test_an_emptied_list_of_a_source_with_articles_is_a_problem(deployment: Deployment) -> None:
    d = deployment
    first = d.cli("nightly", "--no-progress", timeout=600)
    assert first.returncode == EXIT_OK, first.stdout + first.stderr
    archived = [d.article_file(d.mirror.url("generic", r)) for r in d.mirror.articles("generic")]

    d.mirror.inject_fault("generic", "empty")
    night = d.cli("nightly", "--no-progress", timeout=600)
    assert night.returncode == EXIT_SOURCE_PROBLEM, night.stdout + night.stderr
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    row = next(r for r in report["sources"] if r["name"] == "example-generic")
    assert row["status"] == "failed", row
    assert any("found no articles" in reason and "archived" in reason for reason in row["reasons"]), row["reasons"]
    assert report["problem_sources"] == ["example-generic"]
    assert all(path.is_file() for path in archived), "an archived article was lost"
    assert row["removed"] == 0
    status_page = (d.current().site / "status" / "index.html").read_text("utf-8")
    assert "example-generic" in status_page and "found no articles" in status_page


def test_a_new_source_with_an_empty_list_is_not_a_problem(deployment: Deployment) -> None:
    d = deployment
    d.mirror.inject_fault("generic", "empty")
    night = d.cli("nightly", "--no-progress", timeout=600)
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    row = next(r for r in report["sources"] if r["name"] == "example-generic")
    assert row["status"] == "ok", row
    assert night.returncode == EXIT_OK, night.stdout + night.stderr


def test_a_source_whose_every_article_fails_to_extract_has_failed(deployment: Deployment) -> None:
    d = deployment
    d.mirror.inject_fault("trs", "redesign", match="/zcwj/zcjd/20")  # every article page in a layout the parser does not know
    night = d.cli("nightly", "--no-progress", timeout=600)
    assert night.returncode == EXIT_SOURCE_PROBLEM, night.stdout + night.stderr
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    row = next(r for r in report["sources"] if r["name"] == "mee-zcjd")
    assert row["status"] == "failed", row
    assert any("every article" in reason for reason in row["reasons"]), row["reasons"]
