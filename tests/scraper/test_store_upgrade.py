"""A state database written before the revisit schedule opens, keeps its rows and gains the new columns."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from scraper.store import Store

# The items table as schema version 1 created it.
ITEMS_V1 = """
CREATE TABLE items (
    url TEXT PRIMARY KEY, source TEXT NOT NULL, ids TEXT NOT NULL, title TEXT NOT NULL, published TEXT,
    content_hash TEXT, path TEXT, status TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}'
);
"""


def test_a_version_1_database_is_upgraded_in_place(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "scrape.sqlite")
    db.executescript(ITEMS_V1)
    db.execute("INSERT INTO items VALUES ('https://x.gov.cn/a.html', 's', '{}', '标题', '2020-01-02T00:00', 'h', 'cases/2020/s-a/index.md',"
               " 'active', '2025-01-01T00:00:00', '2025-01-02T00:00:00', '2025-01-02T00:00:00', '{\"key\": \"k\"}')")
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    clock = dt.datetime(2026, 1, 1)
    with Store(tmp_path, clock=lambda: clock) as store:
        item = store.item("https://x.gov.cn/a.html")
        assert item is not None and item.extra == {"key": "k"} and item.list_sig is None and item.next_due is None
        store.fetched(item.url, next_due=clock + dt.timedelta(days=3), changed=False)
        assert store.due("s", 10) == []
    with Store(tmp_path, clock=lambda: clock + dt.timedelta(days=4)) as store:
        (due,) = store.due("s", 10)
        assert due.last_fetched == "2026-01-01T00:00:00" and due.last_changed is None
    with sqlite3.connect(tmp_path / "scrape.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
