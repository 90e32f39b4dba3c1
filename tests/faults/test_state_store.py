"""The scraper's state store damaged, emptied, lost or locked: the night heals it or names it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import PurePosixPath

from fazhi_app.nightly import EXIT_LOCKED, EXIT_OK
from tests.fixtures.deployment import Deployment

ASSET_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".ofd", ".wps"}
REPAIRED = "warning: state store repaired:"


def night(d: Deployment, *args: str) -> str:
    """Run ``fazhi nightly``, expect exit 0, return what it printed."""
    done = d.cli("nightly", *args)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    return done.stdout


def test_a_damaged_or_lost_state_store_heals_and_nothing_archived_is_fetched_again(deployment: Deployment) -> None:
    d = deployment
    state = d.settings.paths.state
    store = state / "scrape.sqlite"
    night(d)
    assets = [r.path for r in d.mirror.requests() if PurePosixPath(r.path).suffix.lower() in ASSET_SUFFIXES]
    assert assets, "the sample articles have images and attachments"

    store.write_bytes(store.read_bytes()[: store.stat().st_size // 2])  # truncated
    healed = night(d, "--no-scrape")
    assert f"{REPAIRED} {store}: the state store was damaged" in healed and "restored the good copy" in healed, healed
    latest = json.loads((state / "reports" / "latest.json").read_text("utf-8"))
    assert any(w.startswith(f"state store repaired: {store}") for w in latest["warnings"])
    assert "state store repaired" in (d.current().site / "status" / "index.html").read_text("utf-8")

    store.write_bytes(b"")  # emptied
    assert "the file is empty" in night(d, "--no-scrape")
    store.unlink()  # lost
    assert f"{store}: the state store was missing; restored the good copy" in night(d, "--no-scrape")

    store.write_bytes(b"not a database, a page of notes " * 200)  # overwritten, and its good copy damaged too
    good = state / "scrape.good.sqlite"
    good.write_bytes(good.read_bytes()[:2048])
    d.mirror.clear_log()
    rebuilt = night(d)
    assert "its good copy" in rebuilt and "rebuilt from the front matter of" in rebuilt, rebuilt
    fetched = [r.path for r in d.mirror.requests()]
    assert not [p for p in fetched if PurePosixPath(p).suffix.lower() in ASSET_SUFFIXES], "no image or attachment downloaded again"
    report = json.loads((state / "reports" / "latest.json").read_text("utf-8"))
    assert sum(s["new"] for s in report["sources"]) == 0 and sum(s["changed"] for s in report["sources"]) == 0, report["sources"]

    article = d.mirror.articles("trs")[0]
    d.mirror.edit_article("trs", article["id"], body=article["body"] + "<p>愈后补充：yuhou3391。</p>")
    assert REPAIRED not in night(d)
    assert "yuhou3391" in d.article_file(d.mirror.url("trs", article)).read_text("utf-8"), "upstream edits after the heal arrive"


def test_a_locked_state_store_is_named_and_the_night_does_nothing(deployment: Deployment) -> None:
    d = deployment
    night(d)
    store = d.settings.paths.state / "scrape.sqlite"
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        locked = d.cli("nightly")
        scraped = d.cli("scrape", "--no-progress")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for done in (locked, scraped):
        assert done.returncode == EXIT_LOCKED, done.stdout + done.stderr
        assert done.stderr.startswith(f"fazhi: {store}: the state store is locked by another process"), done.stderr
        assert "run again" in done.stderr
    assert json.loads((d.settings.paths.state / "reports" / "latest.json").read_text("utf-8"))["exit_code"] == EXIT_OK
    night(d)
