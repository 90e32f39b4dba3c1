"""One scrape run: every chosen source, sources on different hosts at once.

Sources run concurrently when they are on different hosts (one lane per host, the
sources of a host one after another); the per-host delay and concurrency limit hold
across lanes because every request goes through the one ``Fetcher``. What one source's
run does is in ``scraper.source_run``; what the run reports, in ``scraper.report``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx

from fazhi.config import Settings, Source
from fazhi.errors import ConfigError
from scraper.addresses import host_of
from scraper.duplicates import Claims
from scraper.fetcher import Fetcher
from scraper.progress import NO_PROGRESS, ScrapeProgress
from scraper.report import ScrapeReport, SourceReport, now_stamp
from scraper.source_run import SourceRun, time_limit
from scraper.store import Clock, Store


def choose_sources(settings: Settings, names: list[str] | None) -> list[Source]:
    """Sources named on the command line (even disabled ones), else every enabled source."""
    if not names:
        return [s for s in settings.sources if s.enabled]
    known = {s.name: s for s in settings.sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"--source {', '.join(unknown)}: no such source (configured: {', '.join(known) or 'none'})")
    return [known[n] for n in names]


def host_lanes(sources: list[Source]) -> list[list[Source]]:
    """The sources grouped by host, in config order within each group, except that a source replacing
    another of its host runs after it (so the older source's articles are known when the new one meets them)."""
    lanes: dict[str, list[Source]] = {}
    for source in sources:
        lanes.setdefault((urlsplit(source.base_url).hostname or source.base_url).lower(), []).append(source)
    return [sorted(group, key=lambda s: s.replaces in {o.name for o in group}) for group in lanes.values()]


def scrape(settings: Settings, sources: list[str] | None = None, progress: ScrapeProgress | None = None, *, offline: bool = False,
           full: bool = False, transport: httpx.BaseTransport | None = None, clock: Clock | None = None,
           sleep: Callable[[float], None] | None = None, until: float | None = None) -> ScrapeReport:
    """Scrape the chosen sources into ``settings.paths.content``.

    ``progress`` is told how far each source got (nothing shown without it).
    ``offline`` rereads stored raw pages instead of the network (after a parser fix).
    ``full`` walks every list page tonight, whatever the schedule says.
    ``transport`` replaces the network layer (tests); ``fetch.host_map`` still applies.
    ``clock`` and ``sleep`` replace the wall clock of the schedule and the pauses between
    requests (tests and benchmarks simulate days and count waits).
    ``until`` (a ``time.monotonic()`` value) is when the whole scrape must stop; each source
    also stops ``fetch.source_limit`` after its start. A source stopped is ``unfinished``.
    """
    chosen = choose_sources(settings, sources)
    shown = progress or NO_PROGRESS
    report = ScrapeReport(started=now_stamp(), offline=offline)
    settings.paths.content.mkdir(parents=True, exist_ok=True)
    lanes = host_lanes(chosen)
    done: dict[str, SourceReport] = {}
    with Store(settings.paths.state, clock) as store, \
            Fetcher(settings.fetch, store, offline=offline, transport=transport, sleep=sleep,
                    own_hosts=[host_of(s.base_url) for s in settings.sources]) as fetcher:

        claims = Claims()  # shared: sources on different hosts may meet the same new article at once

        def lane(group: list[Source]) -> None:
            for source in group:
                done[source.name] = SourceRun(settings, source, store, fetcher, shown, offline, full, claims,
                                              time_limit(settings, until)).run()

        with ThreadPoolExecutor(max_workers=max(1, len(lanes)), thread_name_prefix="scrape-host") as pool:
            for future in [pool.submit(lane, group) for group in lanes]:
                future.result()  # SourceRun.run never raises
    report.sources = [done[source.name] for source in chosen]
    report.finished = now_stamp()
    return report


__all__ = ["ScrapeReport", "SourceReport", "choose_sources", "scrape"]
