"""List entries as a walk returns them, made unique."""

from __future__ import annotations

from scraper import clean
from scraper.platforms.base import ListEntry


def dedupe(entries: list[ListEntry]) -> list[ListEntry]:
    """Entries without repeats: the same id, or the same normalised title on the same day."""
    seen_ids: set[str] = set()
    seen_titles: set[tuple[str, str]] = set()
    unique: list[ListEntry] = []
    for entry in entries:
        title_day = (clean.title_key(entry.title), entry.date.date().isoformat() if entry.date else "")
        if entry.key in seen_ids or entry.url in seen_ids or (title_day[0] and title_day in seen_titles):
            continue
        seen_ids.update((entry.key, entry.url))
        seen_titles.add(title_day)
        unique.append(entry)
    return unique
