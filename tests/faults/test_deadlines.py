"""A slow source against the nightly job's wall-clock limits: per request, per source, and for the whole run.

The trickling mode of the sample mirror sends one byte every two seconds, which never trips
``fetch.timeout`` (it applies between reads); only the wall-clock limits stop it.
"""

from __future__ import annotations

import json
import os
import subprocess

import yaml

from fazhi_app.lock import hold_lock
from fazhi_app.nightly import EXIT_NOT_PUBLISHED, EXIT_OK, EXIT_SOURCE_PROBLEM, LOCK_NAME, PAUSE_ENV
from tests.fixtures.deployment import Deployment

REQUEST_LIMIT = 4.0
SOURCE_LIMIT = 8.0
# Longer than the mirror's two seconds between bytes: the read timeout alone never stops a trickle.
READ_TIMEOUT = 5.0


def _configure(d: Deployment, **settings: object) -> None:
    """Rewrite the deployment's fazhi.yml with these settings (``fetch.x`` for the fetch section)."""
    raw = yaml.safe_load(d.config.read_text("utf-8"))
    for name, value in settings.items():
        section, _, key = name.rpartition(".")
        (raw.setdefault(section, {}) if section else raw)[key] = value
    d.config.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")


def _lock_is_free(d: Deployment) -> bool:
    with hold_lock(d.settings.paths.state / LOCK_NAME, 0.0, "test"):
        return True


def test_a_trickling_source_is_cut_off_unfinished_and_resumes_the_next_night(deployment: Deployment) -> None:
    d = deployment
    _configure(d, **{"fetch.timeout": READ_TIMEOUT, "fetch.request_limit": REQUEST_LIMIT, "fetch.source_limit": SOURCE_LIMIT})
    d.mirror.inject_fault("trs", "trickle", match="/zcwj/zcjd/20")  # every article page of the site; its list answers at once

    night = d.cli("nightly", "--no-progress", timeout=600)
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    assert night.returncode == EXIT_SOURCE_PROBLEM, night.stdout + night.stderr
    rows = {row["name"]: row for row in report["sources"]}
    trs = rows["mee-zcjd"]
    assert trs["status"] == "unfinished", trs
    reasons = " ".join(trs["reasons"])
    assert "fetch.request_limit" in reasons and "fetch.source_limit" in reasons, reasons
    assert report["problem_sources"] == ["mee-zcjd"]
    assert "mee-zcjd" in report["message"]
    seconds = next(s["seconds"] for s in report["scrape"]["sources"] if s["name"] == "mee-zcjd")
    assert seconds <= SOURCE_LIMIT + REQUEST_LIMIT, seconds
    # The other sources' new articles are published.
    assert report["published"] and all(row["status"] == "ok" and row["new"] for name, row in rows.items() if name != "mee-zcjd")
    ucap = d.article_file(d.mirror.url("ucap", d.mirror.articles("ucap")[0]))
    assert str(ucap.relative_to(d.settings.paths.content)) in report["changes"]["articles"]["added"]
    assert _lock_is_free(d)

    d.mirror.clear_faults()
    again = d.cli("nightly", "--no-progress", timeout=600)
    assert again.returncode == EXIT_OK, again.stdout + again.stderr
    for record in d.mirror.articles("trs"):
        assert d.article_file(d.mirror.url("trs", record)).is_file()


def test_a_run_past_its_time_limit_stops_cleanly_and_the_previous_release_serves(deployment: Deployment) -> None:
    d = deployment
    first = d.cli("nightly", "--no-progress", timeout=600)
    assert first.returncode == EXIT_OK, first.stdout + first.stderr
    served = d.current().name
    d.mirror.add_article("ucap", "限时运行当晚新增的普法问答", "<p>正文。</p>", date="2025-10-01 08:00")
    _configure(d, run_limit=20)

    # The build never ends (the run stops for good at its "site" step): only the run's own limit ends it.
    env = {**os.environ, PAUSE_ENV: "site"}
    night = subprocess.run(d.command("nightly", "--no-progress"), capture_output=True, text=True, timeout=300, cwd=d.root, env=env)
    assert night.returncode == EXIT_NOT_PUBLISHED, night.stdout + night.stderr
    assert "run_limit" in night.stdout, night.stdout
    assert d.current().name == served
    assert not [p.name for p in d.settings.paths.releases.iterdir() if p.name.startswith(".")]
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    assert report["status"] == "failed" and not report["published"]
    assert report["timings"]["total"] <= 20 + READ_TIMEOUT, report["timings"]
    assert _lock_is_free(d)
    assert (d.current().site / "index.html").is_file()
