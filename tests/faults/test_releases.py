"""Faults of the releases folder: a broken ``current`` link, and rollbacks to incomplete releases or undone by the next night."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from fazhi_app.nightly import EXIT_OK
from fazhi_app.releases import CURRENT
from tests.fixtures.deployment import Deployment
from tests.fixtures.served import serve_process

NEW_WORD = "heyuan4417"
NEW_BODY = f"<p>河源水库（编号 {NEW_WORD}）饮用水水源保护区划定方案的政策解读。</p>"


def latest(d: Deployment) -> dict[str, Any]:
    return json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))


def status_page(d: Deployment) -> str:
    return (d.current().site / "status" / "index.html").read_text("utf-8")


def test_a_broken_current_link_is_repaired_by_the_next_night_and_by_rollback_to(deployment: Deployment, tmp_path: Path) -> None:
    d = deployment
    first = d.run()
    second = d.run(scrape=False, force=True)
    assert (first.status, second.status) == ("published", "published"), second.summary
    link = d.settings.paths.releases / CURRENT
    dangling = "20990101T000000Z"

    link.unlink()
    os.symlink(dangling, link)
    with serve_process(d.settings, tmp_path / "serve.log") as server:
        page = server.get("")
        assert page.status_code == 200, "the newest complete release is served meanwhile"
        assert server.get("api/health").json()["release"] == second.release
        assert server.get("api/search", params={"q": "生态环境"}).json()["total"] > 0
    served_log = (tmp_path / "serve.log").read_text("utf-8")
    assert f"{link}" in served_log and second.release in served_log, served_log

    back = d.cli("rollback", "--to", first.release)
    assert back.returncode == 0, back.stdout + back.stderr
    assert f"warning: {link}" in back.stdout + back.stderr and dangling in back.stdout + back.stderr
    assert d.current().name == first.release

    # The next night repairs every shape of a broken link and says so, in the summary, the report and the status page.
    def broken_dir(_was: str) -> None:
        link.mkdir()
        (link / "index.html").write_text("copied by hand", "utf-8")

    def incomplete(was: str) -> None:
        os.symlink(was, link)
        shutil.rmtree(d.settings.paths.releases / was / "site")

    breakages: dict[str, Callable[[str], None]] = {
        "dangling": lambda _was: os.symlink(dangling, link), "file": lambda _was: link.write_text("not a link", "utf-8"),
        "folder": broken_dir, "incomplete": incomplete,
    }
    for what, damage in breakages.items():
        was = d.current().name
        link.unlink()
        damage(was)
        night = d.cli("nightly", "--no-scrape")
        assert night.returncode == EXIT_OK, f"{what}: {night.stdout}{night.stderr}"
        report = latest(d)
        assert report["status"] == "published" and d.current().name == report["release"] != was, what
        warnings = [w for w in report["warnings"] if w.startswith(f"{link}")]
        assert len(warnings) == 1, f"{what}: {report['warnings']}"
        assert f"warning: {warnings[0]}" in night.stdout, what
        assert escape(warnings[0]) in status_page(d), what
        assert (d.current().site / "index.html").is_file()
    moved = sorted(p.name for p in d.settings.paths.releases.iterdir() if p.name.startswith(f"{CURRENT}."))
    assert len(moved) == 2, f"the file and the folder found in place of the link are kept aside, not deleted: {moved}"


def test_rollback_refuses_an_incomplete_release_and_sticks_until_something_changes(deployment: Deployment) -> None:
    d = deployment
    first = d.run()
    d.mirror.add_article("trs", "关于河源水库饮用水水源保护区的政策解读", NEW_BODY, date="2025-11-23 08:00")
    second = d.run()
    assert (first.status, second.status) == ("published", "published"), second.summary
    old = d.settings.paths.releases / first.release

    (old / "index").rename(old / "index.away")
    refused = d.cli("rollback")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stderr.startswith(f"fazhi: {old}: ") and "index" in refused.stderr, refused.stderr
    assert d.current().name == second.release, "nothing switched"
    (old / "index.away").rename(old / "index")

    back = d.cli("rollback")
    assert back.returncode == 0, back.stderr
    assert d.current().name == first.release
    listing = d.cli("releases").stdout
    assert "rollback in force" in listing and second.release in listing, listing
    assert first.release in status_page(d), "the status page served is the one of the run that made the release rolled back to"

    night = d.cli("nightly")
    assert night.returncode == EXIT_OK, night.stdout + night.stderr
    report = latest(d)
    assert (report["status"], d.current().name) == ("unchanged", first.release), "the release rolled back from is not republished"
    assert (report["rollback"]["from"], report["rollback"]["to"]) == (second.release, first.release)
    assert "rollback in force" in night.stdout

    d.mirror.add_article("generic", "关于城市绿道养护管理办法的政策解读", "<p>绿道养护（编号 lvdao2291）的主要规定。</p>",
                         date="2025-11-24 08:00")
    changed = d.cli("nightly")
    assert changed.returncode == EXIT_OK, changed.stdout + changed.stderr
    report = latest(d)
    assert report["status"] == "published" and report["rollback"] is None
    assert d.current().name == report["release"] not in (first.release, second.release)
    assert "rollback in force" not in d.cli("releases").stdout
    page = status_page(d)
    assert "回滚已结束" in page and f"本版本 {report['release']}" in page, "the page of the release that ends the rollback says so"
    assert "发布本版本" not in page, "it does not claim a rollback published it"
