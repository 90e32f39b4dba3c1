"""The nightly job end to end over a sample mirror on 127.0.0.1: publish, skip, change, fail, crash, lock, roll back."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from fazhi_app.nightly import EXIT_LOCKED, EXIT_NOT_PUBLISHED, EXIT_OK, EXIT_SOURCE_PROBLEM, PAUSE_STAGES
from fazhi_app.releases import PARTIAL, Release
from search.query import SearchRequest, search
from tests.fixtures.deployment import Deployment
from tests.fixtures.served import serve_process

# Words found in no other article, so a search for them counts exactly the articles that carry them.
NEW_WORD, EDIT_WORD = "luzhou7731", "songling5512"
NEW_TITLE = "关于鹭洲湿地候鸟栖息地保护的政策解读"
NEW_BODY = f"<p>鹭洲湿地（编号 {NEW_WORD}）每年冬季迎来大批候鸟。本文解读栖息地保护的主要措施。</p>"


def hits(release: Release, query: str) -> int:
    return search(release.index, SearchRequest(q=query)).total


def page_of(d: Deployment, release: Release, article: Path) -> Path:
    """The built HTML page of an article file in a release."""
    return release.site / article.relative_to(d.settings.paths.content).parent / "index.html"


def sources(result: object) -> dict[str, dict]:
    return {row["name"]: row for row in result.report["sources"]}  # type: ignore[attr-defined]


def test_first_run_publishes_and_an_unchanged_run_rebuilds_nothing(deployment: Deployment) -> None:
    d = deployment
    first = d.run()
    assert (first.exit_code, first.status) == (EXIT_OK, "published"), first.summary
    release = d.current()
    assert first.release == release.name
    scraped = sorted(d.settings.paths.content.glob("*/*/*-*/index.md"))
    by_source = {row["name"]: row["new"] for row in first.report["sources"]}
    assert all(n > 0 for n in by_source.values()) and len(by_source) == 4, by_source
    for article in (p for p in scraped if "origin: scraped" in p.read_text("utf-8")):
        assert page_of(d, release, article).is_file(), f"no page for {article}"
    assert hits(release, "生态环境") > 0
    report = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    assert report["status"] == "published" and report["release"] == release.name
    assert json.loads((release.path / "report.json").read_text("utf-8"))["published"] is True
    status_page = (release.site / "status" / "index.html").read_text("utf-8")
    assert "sthjt-ucap" in status_page and '<td data-run-field="time:build">' in status_page
    assert '<td data-run-field="time:build">—</td>' not in status_page, "build time filled in before publishing"

    site_mtime = (release.site / "index.html").stat().st_mtime_ns
    second = d.run()
    assert (second.exit_code, second.status, second.release) == (EXIT_OK, "unchanged", None), second.summary
    assert all(row["new"] == row["changed"] == row["removed"] == 0 for row in second.report["sources"])
    assert "build" not in second.report["timings"] and "index" not in second.report["timings"]
    assert [r.name for r in d.releases.all()] == [release.name] and d.current().name == release.name
    assert (release.site / "index.html").stat().st_mtime_ns == site_mtime
    assert json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))["status"] == "unchanged"
    assert len(list((d.settings.paths.state / "reports").glob("2*.json"))) == 2, "one report per run"

    forced = d.run(scrape=False, force=True)
    assert (forced.status, forced.report["changes"]["articles"]) == ("published", {"added": [], "changed": [], "removed": []})
    assert [r.name for r in d.releases.all()] == [release.name, forced.release]


def test_mirror_additions_edits_and_deletions_are_published_exactly(deployment: Deployment) -> None:
    d = deployment
    assert d.run().status == "published"
    old = d.current()
    edited, deleted = d.mirror.articles("generic")[0], d.mirror.articles("ucap")[0]
    edited_file, deleted_file = d.article_file(d.mirror.url("generic", edited)), d.article_file(d.mirror.url("ucap", deleted))
    untouched = {p: p.read_bytes() for p in d.settings.paths.content.rglob("*") if p.is_file() and p not in (edited_file, deleted_file)}

    added = d.mirror.add_article("trs", NEW_TITLE, NEW_BODY, date="2025-11-20 09:30")
    d.mirror.edit_article("generic", edited["id"], body=edited["body"] + f"<p>修订后的正文：新增了秋季巡查（{EDIT_WORD}）的安排。</p>")
    d.mirror.delete_article("ucap", deleted["id"])
    result = d.run()
    assert (result.exit_code, result.status) == (EXIT_OK, "published"), result.summary
    counts = sources(result)
    assert (counts["mee-zcjd"]["new"], counts["example-generic"]["changed"], counts["sthjt-ucap"]["removed"]) == (1, 1, 1)
    assert sum(r["new"] + r["changed"] + r["removed"] for r in counts.values()) == 3

    added_file = d.article_file(d.mirror.url("trs", added))
    rel = lambda p: str(p.relative_to(d.settings.paths.content))  # noqa: E731
    changes = result.report["changes"]["articles"]
    assert changes == {"added": [rel(added_file)], "changed": sorted([rel(edited_file), rel(deleted_file)]), "removed": []}
    for path, data in untouched.items():
        assert path.read_bytes() == data, f"{path} changed though its article did not"

    new = d.current()
    assert new.name != old.name and new.name == result.release
    assert "removed_upstream:" in deleted_file.read_text("utf-8")
    assert page_of(d, new, deleted_file).is_file(), "an article removed upstream stays in the archive"
    assert NEW_TITLE in page_of(d, new, added_file).read_text("utf-8")
    assert EDIT_WORD in page_of(d, new, edited_file).read_text("utf-8")
    assert EDIT_WORD not in page_of(d, old, edited_file).read_text("utf-8"), "the old release is untouched"
    assert (hits(new, NEW_WORD), hits(old, NEW_WORD)) == (1, 0)
    assert (hits(new, EDIT_WORD), hits(old, EDIT_WORD)) == (1, 0)


def test_failing_sources_are_reported_and_the_others_still_publish(deployment: Deployment) -> None:
    d = deployment
    assert d.run().status == "published"
    old = d.current()
    for site in ("ucap", "hanweb", "trs", "generic"):
        d.mirror.add_article(site, f"{NEW_TITLE}（{site}）", NEW_BODY, date="2025-11-21 10:00")
    d.mirror.inject_fault("ucap", "500")
    d.mirror.inject_fault("generic", "timeout")
    d.mirror.inject_fault("trs", "412")
    result = d.run()
    assert (result.exit_code, result.status) == (EXIT_SOURCE_PROBLEM, "published"), result.summary
    status = {name: row["status"] for name, row in sources(result).items()}
    assert status == {"sthjt-ucap": "failed", "sthjt-hanweb": "ok", "mee-zcjd": "blocked", "example-generic": "failed"}
    assert set(result.report["problem_sources"]) == {"sthjt-ucap", "mee-zcjd", "example-generic"}
    assert all(row["removed"] == 0 for row in sources(result).values()), "a failed list walk must not mark articles removed"
    assert len(result.report["changes"]["articles"]["added"]) == 1 and hits(d.current(), NEW_WORD) == 1
    assert d.current().name != old.name
    assert "mee-zcjd" in (d.current().site / "status" / "index.html").read_text("utf-8")

    d.mirror.clear_faults()
    again = d.run()
    assert (again.exit_code, again.status) == (EXIT_OK, "published"), again.summary
    assert len(again.report["changes"]["articles"]["added"]) == 3 and hits(d.current(), NEW_WORD) == 4


@pytest.mark.parametrize("stage", PAUSE_STAGES)
def test_a_run_killed_mid_build_leaves_the_published_release_serving(deployment: Deployment, stage: str) -> None:
    d = deployment
    assert d.run().status == "published"
    before = d.current()
    home = (before.site / "index.html").read_bytes()
    added = d.mirror.add_article("hanweb", NEW_TITLE, NEW_BODY, date="2025-11-22 08:00")

    killed = d.start_paused(stage)
    # What a write cut short leaves: the temporary file of a raw page and of an article, named after the writer.
    raw_tmp = d.settings.paths.state / "raw" / "127.0.0.1" / "ab" / f".abcdef.{killed.pid}.1.tmp"
    article_tmp = next(d.settings.paths.content.glob("cases/*/*")) / f".index.md.{killed.pid}.1.tmp"
    for tmp in (raw_tmp, article_tmp):
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(b"half a page")
    d.kill(killed)
    assert d.current().name == before.name, f"killed at {stage}: the published link moved"
    assert (before.site / "index.html").read_bytes() == home
    assert hits(d.current(), NEW_WORD) == 0, "the published index must match the published site"
    leftovers = [p.name for p in d.settings.paths.releases.iterdir() if p.name.startswith(PARTIAL)]
    sealed = [r.name for r in d.releases.sealed() if r.name != before.name]
    # Killed before the switch, a run leaves a partial build, or at "publish" a complete release never published.
    assert (len(leftovers), len(sealed)) == {"scrape": (0, 0), "publish": (0, 1)}.get(stage, (1, 0))
    assert [r.name for r in d.releases.all()] == [before.name], "an unpublished release is never listed"
    stuck = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    assert stuck["status"] == ("running" if stage == "scrape" else "building")

    result = d.run()
    assert (result.exit_code, result.status) == (EXIT_OK, "published"), result.summary
    temporary = [f"state/{raw_tmp.relative_to(d.settings.paths.state)}", f"content/{article_tmp.relative_to(d.settings.paths.content)}"]
    cleaned = result.report["cleaned"]
    assert cleaned[: len(leftovers) + len(sealed) + 2] == [*sorted([*leftovers, *sealed]), *temporary], cleaned
    assert not raw_tmp.exists() and not article_tmp.exists()
    assert result.report["interrupted"] == [stuck["run"]]
    assert f"interrupted run(s) found and cleaned up after: {stuck['run']}" in result.summary
    status_page = (d.current().site / "status" / "index.html").read_text("utf-8")
    assert f"上次运行 {stuck['run']} 被中断" in status_page, "the published status page says a run was interrupted"
    marked = json.loads((d.settings.paths.state / "reports" / f"{stuck['run']}.json").read_text("utf-8"))
    assert (marked["status"], marked["interrupted_by"]) == ("interrupted", result.report["run"])
    assert not any(p.name.startswith(".") for p in d.settings.paths.releases.iterdir())
    assert hits(d.current(), NEW_WORD) == 1
    assert page_of(d, d.current(), d.article_file(d.mirror.url("hanweb", added))).is_file()
    assert [r.name for r in d.releases.all()] == [before.name, d.current().name]
    assert d.releases.previous().name == before.name


def test_a_second_run_exits_at_once_or_waits_for_the_lock(deployment: Deployment) -> None:
    d = deployment
    holder = d.start_paused("site")
    try:
        refused = d.cli("nightly")
        assert refused.returncode == EXIT_LOCKED, refused.stdout + refused.stderr
        assert "another run holds the lock" in refused.stderr and f"pid {holder.pid}" in refused.stderr
        waiter = subprocess.Popen(d.command("nightly", "--wait", "240"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    finally:
        d.kill(holder)
    out, err = waiter.communicate(timeout=300)
    assert waiter.returncode == EXIT_OK, out + err
    assert "published release" in out and "report:" in out
    assert d.current().name in out


def test_rollback_switches_the_served_release_back_and_forth(deployment: Deployment, tmp_path: Path) -> None:
    d = deployment
    first = d.run()
    d.mirror.add_article("trs", NEW_TITLE, NEW_BODY, date="2025-11-23 08:00")
    second = d.run()
    assert (first.status, second.status) == ("published", "published")
    with serve_process(d.settings, tmp_path / "serve.log") as server:
        assert server.get("api/health").json()["release"] == second.release
        assert server.get("api/search", params={"q": NEW_WORD}).json()["total"] == 1

        back = d.cli("rollback")
        assert back.returncode == 0, back.stderr
        assert f"current release: {first.release} (was {second.release})" in back.stdout
        assert server.get("api/health").json()["release"] == first.release, "served without a restart"
        assert server.get("api/search", params={"q": NEW_WORD}).json()["total"] == 0

        listing = d.cli("releases").stdout
        assert f"* {first.release}" in listing and f"  {second.release}" in listing
        # The release published immediately before the current one is the newer one now: rollback undoes rollback.
        again = d.cli("rollback")
        assert f"current release: {second.release} (was {first.release})" in again.stdout, again.stdout + again.stderr
        assert server.get("api/health").json()["release"] == second.release
        assert d.cli("rollback", "--to", first.release).returncode == 0
        assert server.get("api/health").json()["release"] == first.release
        assert "published 20" in d.cli("releases").stdout


def test_an_invalid_staff_article_is_left_out_and_the_rest_is_published(deployment: Deployment) -> None:
    d = deployment
    assert d.run().status == "published"
    bad = d.settings.paths.content / "cases" / "2025" / "broken-draft" / "index.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\ntitle: 草稿\ndate: 2025-13-45\ncolumn: cases\nslug: broken-draft\n---\n\n正文。\n", "utf-8")
    added = d.mirror.add_article("generic", NEW_TITLE, NEW_BODY, date="2025-11-24 08:00")

    result = d.cli("nightly")
    assert result.returncode == EXIT_SOURCE_PROBLEM, result.stdout + result.stderr
    assert "cases/2025/broken-draft/index.md:3:" in result.stderr + result.stdout
    assert "left out" in result.stdout
    release = d.current()
    latest = json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))
    assert (latest["status"], latest["excluded"]) == ("published", ["cases/2025/broken-draft/index.md"])
    assert latest["problems"][0].startswith("cases/2025/broken-draft/index.md:3:")
    assert not (release.site / "cases" / "2025" / "broken-draft").exists(), "the invalid file is not built"
    assert page_of(d, release, d.article_file(d.mirror.url("generic", added))).is_file(), "the rest is published"
    assert hits(release, NEW_WORD) == 1
    assert "cases/2025/broken-draft/index.md" in (release.site / "status" / "index.html").read_text("utf-8")
    assert not list(d.settings.paths.state.glob("view-*")), "the filtered view is removed after the run"
    assert d.cli("build").returncode != 0, "fazhi build by hand stays strict"

    bad.write_text(bad.read_text("utf-8").replace("2025-13-45", "2025-10-15"), "utf-8")
    fixed = d.run(scrape=False)
    assert (fixed.exit_code, fixed.status) == (EXIT_OK, "published"), fixed.summary
    assert fixed.report["changes"]["articles"]["added"] == ["cases/2025/broken-draft/index.md"]
    assert (d.current().site / "cases" / "2025" / "broken-draft" / "index.html").is_file()


def test_nightly_full_walks_every_list_and_checks_what_it_no_longer_lists(deployment: Deployment) -> None:
    d = deployment
    config = yaml.safe_load(d.config.read_text("utf-8"))
    config["fetch"]["full_walk_days"] = 30  # the weekly full walk is not due again during the test
    d.config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    latest = d.settings.paths.state / "reports" / "latest.json"
    assert d.cli("nightly").returncode == EXIT_OK
    deleted = d.mirror.articles("ucap")[0]
    d.mirror.delete_article("ucap", deleted["id"])
    deleted_file = d.article_file(d.mirror.url("ucap", deleted))

    night = d.cli("nightly")
    assert night.returncode == EXIT_OK, night.stderr
    walks = {s["name"]: s["walk"] for s in json.loads(latest.read_text("utf-8"))["scrape"]["sources"]}
    assert set(walks.values()) == {"incremental"} and "removed_upstream:" not in deleted_file.read_text("utf-8")

    full = d.cli("nightly", "--full")
    assert full.returncode == EXIT_OK, full.stderr
    report = json.loads(latest.read_text("utf-8"))
    assert {s["name"]: s["walk"] for s in report["scrape"]["sources"]} == dict.fromkeys(walks, "full")
    assert {row["name"]: row["removed"] for row in report["sources"]}["sthjt-ucap"] == 1
    assert "removed_upstream:" in deleted_file.read_text("utf-8")


def test_help_documents_the_exit_codes(deployment: Deployment) -> None:
    text = deployment.cli("nightly", "--help").stdout
    for code in (EXIT_OK, EXIT_SOURCE_PROBLEM, EXIT_NOT_PUBLISHED, EXIT_LOCKED):
        assert f"  {code}  " in text
