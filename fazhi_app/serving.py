"""``fazhi serve`` wiring: what to serve (the current release, else the plain locations) and the server.

The search API knows nothing of releases; it asks the function built here on every
request, so a release published or rolled back is served from the next request on.
"""

from __future__ import annotations

from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette

from fazhi.config import Settings
from fazhi_app.releases import Releases
from fazhi_app.security_headers import SecurityHeaders
from search.api import SEARCH_TIMEOUT, Served
from search.api import create_app as create_search_app


def resolve_served(settings: Settings) -> Served:
    """The current release's site and index when ``releases/current`` exists, else the plain locations.

    Raises ReleaseError when ``current`` exists but is not a link to a complete release.
    """
    release = Releases(settings.paths.releases).current()
    if release is not None:
        return Served(release.site, release.index, release.name)
    return Served(settings.paths.site, settings.paths.index, None)


def served_by(settings: Settings) -> Callable[[], Served]:
    """The lookup the app calls on every request."""
    return lambda: resolve_served(settings)


def create_app(settings: Settings, *, search_timeout: float = SEARCH_TIMEOUT) -> Starlette:
    """The site-and-search app for ``settings``' locations, every answer with the security headers."""
    app = create_search_app(served_by(settings), search_timeout=search_timeout)
    app.add_middleware(SecurityHeaders)
    return app


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run the app under uvicorn in this process until interrupted (port 0 picks a free port)."""
    uvicorn.run(
        create_app(settings),
        host=host or settings.serve_host,
        port=settings.serve_port if port is None else port,
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )
