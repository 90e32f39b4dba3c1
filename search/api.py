"""The archive over HTTP: the built static site and a JSON search API in one ASGI app.

``create_app(served)`` answers

- ``GET /api/search`` with ``q, kind, column, from, to, year, law, source, sort, page, per_page``
  (read by ``SearchRequest.from_params``; see ``search.query``);
- ``GET /api/health``: what is being served (release, index generation, document count);
- everything else from the built site: a folder serves its ``index.html``, an unknown
  path the site's ``404.html`` with status 404.

Searches run in the worker processes of a ``search.workers.WorkerPool`` when the
app is given one (``fazhi serve`` does: every core, a fast and a slow lane, at
most QUEUE waiting before a 429), else in threads of this process. Answers are
cached per index generation (``ResultCache``): the key holds the generation and
its last commit, so a new index or release is never answered from the cache.

What is served is asked of ``served`` on every request, because the nightly run
publishes without restarting the server; the application decides what that is
(``fazhi_app.serving``: the current release, else the plain locations). Reading the link and the
index's ``CURRENT`` pointer costs a few system calls; the query side reopens its
searcher when the generation or the commit changes, so a new release or a newer
index is served from the next request on.

Every API answer has one of two shapes, so a client needs one code path::

    {"ok": true, ...}                                       200
    {"ok": false, "error": {"status": 400, "message": "..."}}  4xx / 503

Bad input is a 400 saying what is wrong, an unknown API path a 404, a wrong
method a 405, too many waiting searches a 429 with Retry-After; a missing index,
a broken release link or a search that runs past its time budget is a 503 (with
Retry-After for the last). No answer carries a stack trace or a server path.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from fazhi.content import WITHDRAWN_LIST
from fazhi.errors import ReleaseError, SearchQueryError
from search import query as query_module
from search.deadline import SearchTimeout
from search.indexer import current_generation, file_damage, read_meta
from search.query import SearchRequest
from search.ranking import DEFAULT_RANKING, Ranking
from search.workers import WorkerPool

__all__ = ["PARAMS", "SEARCH_TIMEOUT", "Served", "create_app"]

# uvicorn configures this logger, so our lines appear beside its own.
log = logging.getLogger("uvicorn.error")

# The parameters /api/search reads; any other is a 400, so a misspelt filter does not pass silently.
PARAMS = ("q", "kind", "in", "column", "from", "to", "year", "law", "source", "sort", "page", "per_page")
# Outer bound on one search run in a thread; the query side stops itself at its own, shorter budget.
SEARCH_TIMEOUT = 5.0
# Answers kept per server, across index generations (old generations' entries age out).
CACHE_ENTRIES = 4096
# Searches running at once; more wait their turn, so a burst cannot start unbounded threads.
SEARCH_THREADS = 4
API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
NO_INDEX = "the search index has not been built yet (run `fazhi index`)"
BROKEN_RELEASE = "the published release is incomplete; the server log says why"
DAMAGED_INDEX = "the search index is damaged and is being repaired; pages are still served, please try the search later"


@dataclass(frozen=True)
class Served:
    """The site and index being served, the release they come from (None outside releases), the law
    library whose articles a query may name (None without one) and the ranking searches use (the site's level weights
    and province)."""

    site: Path
    index: Path
    release: str | None
    library: Path | None = None
    ranking: Ranking = DEFAULT_RANKING


def index_health(index_dir: Path) -> dict[str, Any] | None:
    """The live index generation, its Whoosh commit, document count and write time; None without an index."""
    live = current_generation(index_dir)
    if live is None:
        return None
    commits = [int(p.stem.rsplit("_", 1)[1]) for p in live.glob("_*_*.toc") if p.stem.rsplit("_", 1)[1].isdigit()]
    meta = read_meta(live)
    return {"generation": live.name, "commit": max(commits, default=0), "documents": meta.get("documents"), "written": meta.get("written")}


def damaged_index(index_dir: Path) -> str | None:
    """What is wrong with the live generation's files (a search just failed on it), or None."""
    live = current_generation(index_dir)
    damage = file_damage(live) if live is not None else [("CURRENT", "no live generation")]
    return "; ".join(f"{name}: {what}" for name, what in damage) or None


def search_request(request: Request) -> SearchRequest:
    """The SearchRequest for an HTTP request; unknown or repeated parameters are a 400."""
    params = request.query_params
    unknown = sorted(set(params.keys()) - set(PARAMS))
    if unknown:
        raise SearchQueryError(f"unknown parameter {unknown[0][:40]!r} (known: {', '.join(PARAMS)})")
    repeated = [name for name in params if len(params.getlist(name)) > 1]
    if repeated:
        raise SearchQueryError(f"parameter {repeated[0]!r} is given more than once")
    return SearchRequest.from_params(params)


class ResultCache:
    """Recent answers keyed by (index generation, its last change, request); least recently used dropped first."""

    def __init__(self, size: int = CACHE_ENTRIES):
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()

    @staticmethod
    def generation_key(generation: Path) -> tuple[str, int]:
        """The generation and the time of its last commit (a commit adds files to its directory)."""
        return str(generation), os.stat(generation).st_mtime_ns

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], answer: dict[str, Any]) -> None:
        self._entries[key] = answer
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"ok": False, "error": {"status": status, "message": message}}
    return JSONResponse(body, status_code=status, headers={**API_HEADERS, **(headers or {})})


# Types Python's table gets wrong for a built site: it calls x.xml.gz XML (the .gz as an encoding) and knows no .map.
SITE_TYPES = {".gz": "application/gzip", ".map": "application/json"}


class _SiteStaticFiles(StaticFiles):
    """StaticFiles for a built site: a compressed file typed as what it is (``sitemap.xml.gz`` is gzip data,
    not XML), and a withdrawn article's notice page answered 410 Gone (the site's ``WITHDRAWN_LIST``)."""

    _gone: tuple[float, frozenset[str]] = (-1.0, frozenset())

    def file_response(self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200) -> Response:
        if status_code == 200 and self._withdrawn(Path(full_path)):
            status_code = 410
        response = super().file_response(full_path, stat_result, scope, status_code)
        if (own := SITE_TYPES.get(Path(full_path).suffix)) is not None:
            response.headers["content-type"] = own
        return response

    def _withdrawn(self, path: Path) -> bool:
        listed = Path(str(self.directory)) / WITHDRAWN_LIST
        try:
            mtime = listed.stat().st_mtime
        except OSError:
            return False
        if mtime != self._gone[0]:
            self._gone = (mtime, frozenset(listed.read_text("utf-8").split()))
        try:
            folder = Path(os.path.realpath(path)).parent.relative_to(os.path.realpath(str(self.directory)))
        except ValueError:
            return False
        return path.name == "index.html" and f"{folder.as_posix()}/" in self._gone[1]


class SiteFiles:
    """Static files of whichever site is current: one StaticFiles per site folder, replaced on a new release."""

    def __init__(self, served: Callable[[], Served]):
        self._served = served
        self._files: tuple[Path, StaticFiles] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        site = self._served().site
        if not (site / "index.html").is_file():
            response = PlainTextResponse("The site has not been built yet (run `fazhi build`).\n", status_code=503)
            await response(scope, receive, send)
            return
        if self._files is None or self._files[0] != site:
            self._files = (site, _SiteStaticFiles(directory=site, html=True))
        await self._files[1](scope, receive, send)


def create_app(served: Callable[[], Served], *, search_timeout: float = SEARCH_TIMEOUT, pool: WorkerPool | None = None) -> Starlette:
    """The ASGI app serving what ``served`` names, asked again on every request (see the module docstring).

    ``served`` may raise ReleaseError when what should be served is broken: pages and
    the API then answer 503 instead of serving half a release. With ``pool``, searches
    run in its worker processes, started and stopped with the app.
    """
    limiter = anyio.CapacityLimiter(SEARCH_THREADS)
    cache = ResultCache()

    def run_search(index: Path, query: SearchRequest, library: Path | None, ranking: Ranking) -> Any:
        return query_module.search(index, query, ranking, library=library)

    async def in_thread(index: Path, query: SearchRequest, library: Path | None, ranking: Ranking) -> dict[str, Any]:
        try:
            with anyio.fail_after(search_timeout):
                result = await anyio.to_thread.run_sync(
                    run_search, index, query, library, ranking, abandon_on_cancel=True, limiter=limiter,
                )
        except TimeoutError:
            raise SearchTimeout(search_timeout) from None
        return result.to_dict()

    async def api_search(request: Request) -> Response:
        query = search_request(request)
        now = served()
        index, library, ranking = now.index, now.library, now.ranking
        generation = current_generation(index)
        if generation is None:
            return _error(503, NO_INDEX)
        key = (ResultCache.generation_key(generation), library, ranking, query)
        result = cache.get(key)
        if result is None:
            try:
                running = pool.search(index, query, library, ranking) if pool is not None else in_thread(index, query, library, ranking)
                result = await running
            except (SearchQueryError, HTTPException):
                raise
            except Exception:
                damage = damaged_index(index)
                if damage is None:
                    raise
                log.error("search index %s is damaged: %s", index, damage)
                return _error(503, DAMAGED_INDEX, {"Retry-After": "3600"})
            if not result["partial"]:
                cache.put(key, result)
        return JSONResponse({"ok": True, **result}, headers=API_HEADERS)

    async def api_health(request: Request) -> Response:
        now = served()
        index = index_health(now.index)
        if index is None:
            return _error(503, NO_INDEX)
        body = {"ok": True, "release": now.release, "site": {"built": (now.site / "index.html").is_file()}, "index": index}
        return JSONResponse(body, headers=API_HEADERS)

    async def api_unknown(request: Request) -> Response:
        return _error(404, f"no API at {request.url.path[:80]!r}; there are /api/search and /api/health")

    async def query_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SearchQueryError)
        if isinstance(exc, SearchTimeout):
            log.warning("search stopped at its %g s budget: %s", exc.budget, request.query_params.get("q", "")[:200])
            return _error(503, str(exc), {"Retry-After": "5"})
        if exc.status == 429:
            return _error(429, str(exc), {"Retry-After": "1"})
        if exc.status >= 500:
            log.error("search failed: %s", exc)
            return _error(exc.status, NO_INDEX if exc.status == 503 else "the search failed; the server log says why")
        return _error(exc.status, str(exc))

    async def release_error(request: Request, exc: Exception) -> Response:
        log.error("cannot serve: %s", exc)
        if request.url.path.startswith("/api/"):
            return _error(503, BROKEN_RELEASE)
        return PlainTextResponse(BROKEN_RELEASE + "\n", status_code=503)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith("/api/"):
            return _error(exc.status_code, exc.detail)
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error answering %s", request.url.path)
        return _error(500, "internal error; the server log says why")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        now = served()
        log.info("serving site %s and index %s%s", now.site, now.index, f" (release {now.release})" if now.release else "")
        if pool is not None:
            await pool.start()
            log.info("searching in %d worker processes (and %d for slow searches)", pool.processes, pool.slow_processes)
        try:
            yield
        finally:
            if pool is not None:
                pool.stop()

    return Starlette(
        routes=[
            Route("/api/search", api_search, methods=["GET"]),
            Route("/api/health", api_health, methods=["GET"]),
            Route("/api/{rest:path}", api_unknown),
            Mount("/", app=SiteFiles(served)),
        ],
        exception_handlers={SearchQueryError: query_error, ReleaseError: release_error, HTTPException: http_error, Exception: unexpected},
        lifespan=lifespan,
    )
