"""When an archived article's page is fetched again, and when a source's list is walked in full.

Revisits follow the article's age: a page published days ago changes more often than one
published years ago. The interval is ``age × revisit_age_factor`` days, kept between
``revisit_min_days`` and ``revisit_max_days``, then shortened by a fixed share per URL
(to between a quarter and all of it), so articles archived on the same night do not all
fall due on the same later night. Each run revisits at most ``revisit_budget`` pages per
source, oldest due first.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from fazhi.config import FetchSettings


def revisit_interval(settings: FetchSettings, url: str, published: dt.datetime | None, now: dt.datetime) -> dt.timedelta:
    """How long after a fetch of its page an article is due again."""
    age = (now - published).total_seconds() / 86400 if published else settings.revisit_max_days / settings.revisit_age_factor
    days = min(settings.revisit_max_days, max(settings.revisit_min_days, age * settings.revisit_age_factor))
    share = int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return dt.timedelta(days=max(settings.revisit_min_days, days * (0.25 + 0.75 * share)))


def next_due(settings: FetchSettings, url: str, published: str | None, now: dt.datetime) -> dt.datetime:
    """The time an article whose page was fetched ``now`` is due again."""
    when = dt.datetime.fromisoformat(published) if published else None
    return now + revisit_interval(settings, url, when, now)


def full_walk_due(settings: FetchSettings, last_full_walk: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether tonight's list walk must cover every page (none yet, or the last one is too old)."""
    return last_full_walk is None or now - last_full_walk >= dt.timedelta(days=settings.full_walk_days)
