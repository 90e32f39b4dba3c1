"""Scraped article files deleted by accident are held like a mass removal upstream, and `fazhi review` decides.

The night after the deletion is not a full walk, so the scraper does not fetch the
deleted articles again (they are past the first list page): only the guard stands
between the deletion and the site.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from fazhi_app.nightly import EXIT_OK, EXIT_SOURCE_PROBLEM
from tests.fixtures.deployment import Deployment

# The scraper's own schedule (the fixture fetches everything every night): a full walk weekly, revisits after a day.
SCHEDULE = ("full_walk_days", "revisit_min_days", "revisit_max_days", "revisit_budget")


def nightly(d: Deployment) -> dict:
    done = d.cli("nightly")
    assert done.returncode in (EXIT_OK, EXIT_SOURCE_PROBLEM), done.stdout + done.stderr
    return json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def live(d: Deployment, folder: Path) -> bool:
    return (d.current().site / folder.relative_to(d.settings.paths.content) / "index.html").is_file()


def test_a_mass_deletion_of_scraped_files_is_held_and_review_restores_or_releases_it(deployment: Deployment) -> None:
    d = deployment
    raw = yaml.safe_load(d.config.read_text("utf-8"))
    raw["fetch"] = {k: v for k, v in raw["fetch"].items() if k not in SCHEDULE}
    d.config.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    older = d.mirror.articles("generic")
    for n in range(8):  # a full first list page of newer articles: the older five move to page two
        d.mirror.add_article("generic", f"第{n}期生态环境普法专栏", f"<p>{'生态环境普法宣传的内容说明。' * 4}（{n}）</p>",
                             date=f"2025-11-0{n + 1} 09:00")
    assert nightly(d)["exit_code"] == EXIT_OK
    folders = [d.article_file(d.mirror.url("generic", a)).parent for a in older]
    before = {f: folder_bytes(f) for f in folders}
    for folder in folders:
        shutil.rmtree(folder)

    report = nightly(d)
    held = {h["url"]: h for h in report["held"]}
    urls = [d.mirror.url("generic", a) for a in older]
    assert report["exit_code"] == EXIT_SOURCE_PROBLEM and set(urls) <= set(held), report["message"]
    assert {held[u]["kind"] for u in urls} == {"deleted"}
    assert "5 of 13 articles of" in held[urls[0]]["reasons"][0]
    assert all(folder_bytes(f) == before[f] for f in folders), "the published versions are back in the tree, images and all"
    assert all(live(d, f) for f in folders), "the deletion is not published"
    listing = d.cli("review")
    assert listing.returncode == 0 and urls[0] in listing.stdout and "deleted" in listing.stdout

    released, *kept = folders
    shutil.rmtree(kept[0])  # gone again before the decision: restoring puts it back without waiting for a full walk
    assert d.cli("review", "--accept", urls[0]).returncode == 0
    restored = d.cli("review", "--reject", "all")
    assert restored.returncode == 0, restored.stderr
    assert not released.exists() and all(folder_bytes(f) == before[f] for f in kept)

    after = nightly(d)
    assert (after["exit_code"], after["held"]) == (EXIT_OK, []), after["message"]
    assert not live(d, released) and all(live(d, f) for f in kept)
