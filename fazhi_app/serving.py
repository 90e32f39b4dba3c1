"""``fazhi serve`` wiring: what to serve (the current release, else the plain locations) and the server.

The search API knows nothing of releases; it asks the function built here on every
request, so a release published or rolled back is served from the next request on.
``serve`` runs one uvicorn process for HTTP and the site, and searches in a pool of
worker processes (``search.workers``): one per core plus a slow lane.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from fazhi.config import Settings
from fazhi.errors import ReleaseError
from fazhi_app.releases import Releases
from fazhi_app.security_headers import SecurityHeaders
from search.api import SEARCH_TIMEOUT, Served
from search.api import create_app as create_search_app
from search.ranking import site_ranking
from search.workers import WorkerPool

# uvicorn configures this logger, so the line appears beside its own.
log = logging.getLogger("uvicorn.error")
# Each fallback is said once per process, not on every request.
_FALLBACKS_SAID: set[str] = set()


def resolve_served(settings: Settings) -> Served:
    """The current release's site and index when ``releases/current`` exists, else the plain locations.

    While ``current`` is broken, the newest complete release, said once in the log until the
    next night or ``rollback --to`` repairs the link; a ReleaseError when there is none.
    """
    releases = Releases(settings.paths.releases)
    try:
        release = releases.current()
    except ReleaseError as exc:
        release = releases.newest_complete()
        if release is None:
            raise
        said = f"{exc}; serving the newest complete release, {release.name}, until `fazhi nightly` or `fazhi rollback --to` repairs it"
        if said not in _FALLBACKS_SAID:
            _FALLBACKS_SAID.add(said)
            log.warning("%s", said)
    library, ranking = settings.paths.law_library, site_ranking(settings)
    if release is not None:
        return Served(release.site, release.index, release.name, library, ranking)
    return Served(settings.paths.site, settings.paths.index, None, library, ranking)


def served_by(settings: Settings) -> Callable[[], Served]:
    """The lookup the app calls on every request."""
    return lambda: resolve_served(settings)


def create_app(settings: Settings, *, search_timeout: float = SEARCH_TIMEOUT, pool: WorkerPool | None = None) -> Starlette:
    """The site-and-search app for ``settings``' locations, every answer with the security headers.

    Searches run in ``pool``'s processes when given, else in threads.
    """
    app = create_search_app(served_by(settings), search_timeout=search_timeout, pool=pool)
    app.add_middleware(SecurityHeaders)
    return app


def _served_index(settings: Settings) -> Path | None:
    """The index served now, for the workers to open before the first search (None while the release is broken)."""
    try:
        return resolve_served(settings).index
    except ReleaseError:
        return None


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run the app under uvicorn until interrupted (port 0 picks a free port), searching in worker processes."""
    uvicorn.run(
        create_app(settings, pool=WorkerPool(warm=_served_index(settings), warm_library=settings.paths.law_library)),
        host=host or settings.serve_host,
        port=settings.serve_port if port is None else port,
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )
