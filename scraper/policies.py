"""The policies wrapped around the base fetch, outermost first (see ``scraper.http``).

Each policy is a class with ``create(context)`` returning an instance, or None when
the settings switch it off, and ``__call__(request, next_handler)``. Platform code
never sleeps, retries or reads robots.txt itself.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from protego import Protego

from fazhi.config import FetchSettings
from fazhi.errors import Blocked, Disallowed, FetchError, NotFound, Transient
from scraper.http import Handler, Page, Request, TimeUp, TooSlow, Unreachable
from scraper.store import CachedPage, Store, page_key

# 瑞数 (Rivers Security) challenge pages: a $_ts bootstrap object and r="m" markers.
CHALLENGE_RE = re.compile(
    rb"\$_ts\s*(?:=\s*window\[|\.nsd\s*=|\.cd\s*=)"  # the bootstrap object
    rb"|<meta\s+content=\"[^\"]*\"\s+r=\"m\"\s*/?>"  # <meta content="…" r="m">
    rb"|<script[^>]+r=['\"]m['\"]",  # <script … r='m'>
    re.I,
)
MAX_BACKOFF = 60.0
UNREACHABLE_PAUSE = 0.25


@dataclass(frozen=True)
class PolicyContext:
    settings: FetchSettings
    store: Store | None
    offline: bool = False
    sleep: Callable[[float], None] | None = None

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            (self.sleep or time.sleep)(seconds)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RobotsPolicy:
    """Honour robots.txt: fetched once per host per run; missing or unreadable means allowed."""

    def __init__(self, context: PolicyContext):
        self.user_agent = context.settings.user_agent
        self._parsers: dict[str, Protego | None] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @classmethod
    def create(cls, context: PolicyContext) -> RobotsPolicy | None:
        return cls(context) if context.settings.robots and not context.offline else None

    def __call__(self, request: Request, next_handler: Handler) -> Page:
        if request.kind != "robots":
            parser = self._parser(_origin(request.url), request, next_handler)
            if parser is not None and not parser.can_fetch(request.url, self.user_agent):
                raise Disallowed(request.url, "disallowed by robots.txt")
        return next_handler(request)

    def _parser(self, origin: str, request: Request, next_handler: Handler) -> Protego | None:
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._parsers:
                robots = Request(origin + "/robots.txt", kind="robots", counter=request.counter)
                try:
                    page = next_handler(robots)
                    self._parsers[origin] = Protego.parse(page.text)
                except (Blocked, Unreachable, TooSlow, TimeUp):
                    raise  # a challenge, a host that cannot be reached or out of time: the page itself could not be had either
                except FetchError:
                    self._parsers[origin] = None  # no robots.txt (404) or unreadable: nothing forbidden
            return self._parsers[origin]


class RetryPolicy:
    """Retry transient failures (timeouts, dropped connections, 5xx, 429) with exponential backoff.

    A refused connection or a name that does not resolve (``Unreachable``) is retried at most
    once, after at most ``UNREACHABLE_PAUSE`` seconds: an unreachable host costs a source
    well under a second instead of the whole backoff series.
    """

    def __init__(self, context: PolicyContext):
        self.context = context
        self.retries = context.settings.retries
        self.backoff = context.settings.backoff

    @classmethod
    def create(cls, context: PolicyContext) -> RetryPolicy | None:
        return cls(context) if context.settings.retries > 0 and not context.offline else None

    def __call__(self, request: Request, next_handler: Handler) -> Page:
        for attempt in range(self.retries + 1):
            try:
                return next_handler(request)
            except Unreachable as exc:
                if attempt >= 1 or attempt == self.retries:
                    raise Unreachable(exc.url, f"{exc.reason} (after {attempt + 1} attempts)") from None
                self.context.pause(min(UNREACHABLE_PAUSE, self.backoff))
            except Transient as exc:
                if attempt == self.retries:
                    raise Transient(exc.url, f"{exc.reason} (after {self.retries + 1} attempts)") from None
                self.context.pause(min(MAX_BACKOFF, self.backoff * 2**attempt))
        raise AssertionError("unreachable")


class ThrottlePolicy:
    """At most ``concurrency`` requests in flight per host, started at least ``delay`` seconds apart."""

    def __init__(self, context: PolicyContext):
        self.context = context
        self.delay = context.settings.delay
        self.concurrency = max(1, context.settings.concurrency)
        self._next_start: dict[str, float] = {}
        self._slots: dict[str, threading.Semaphore] = {}
        self._guard = threading.Lock()

    @classmethod
    def create(cls, context: PolicyContext) -> ThrottlePolicy | None:
        return None if context.offline else cls(context)

    def __call__(self, request: Request, next_handler: Handler) -> Page:
        host = urlsplit(request.url).netloc.lower()
        with self._guard:
            slot = self._slots.setdefault(host, threading.Semaphore(self.concurrency))
        with slot:
            with self._guard:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.delay
            self.context.pause(start - now)
            return next_handler(request)


class CachePolicy:
    """Keep every fetched page on disk; ask with its validators next time; a 304 gives the stored copy.

    Offline runs answer only from the store, so extraction can be rerun without the network.
    """

    def __init__(self, context: PolicyContext, store: Store):
        self.store = store
        self.conditional = context.settings.conditional
        self.offline = context.offline

    @classmethod
    def create(cls, context: PolicyContext) -> CachePolicy | None:
        return cls(context, context.store) if context.store is not None else None

    def __call__(self, request: Request, next_handler: Handler) -> Page:
        if request.kind != "page":
            if self.offline:
                raise FetchError(request.url, "offline run: only stored pages can be read")
            return next_handler(request)
        key = page_key(request.method, request.url, request.form)
        cached = self.store.cached_page(key)
        if self.offline:
            if cached is None:
                raise FetchError(request.url, "offline run: page not in the raw page store")
            return page_from_store(cached, status=200)
        if cached is not None and self.conditional and request.method == "GET":
            headers = dict(request.headers)
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
            request = replace(request, headers=headers)
        page = next_handler(request)
        if page.status == 304:
            if cached is None:
                raise FetchError(request.url, "HTTP 304 for a page that is not stored")
            return page_from_store(cached, status=304)
        page.raw_path = self.store.save_page(key, page.url, request.method, page.content, page.headers)
        return page



def page_from_store(cached: CachedPage, status: int = 200) -> Page:
    """A stored raw page as a fetched one (a 304 answer, an offline run, a re-extraction after a code change)."""
    headers = {k: v for k, v in (("content-type", cached.content_type), ("etag", cached.etag),
                                  ("last-modified", cached.last_modified)) if v}
    return Page(cached.url, status, headers, cached.raw_path.read_bytes(), not_modified=True, raw_path=cached.raw_path)


class StatusPolicy:
    """Turn HTTP error statuses into the exception tree (304 passes through to CachePolicy)."""

    @classmethod
    def create(cls, context: PolicyContext) -> StatusPolicy:
        return cls()

    def __call__(self, request: Request, next_handler: Handler) -> Page:
        page = next_handler(request)
        status = page.status
        if status < 300 or status == 304:
            return page
        if status in (404, 410):
            raise NotFound(request.url, f"HTTP {status}")
        if status == 429 or status >= 500:
            raise Transient(request.url, f"HTTP {status}")
        raise FetchError(request.url, f"HTTP {status}")


class AntiBotPolicy:
    """HTTP 412 or a 瑞数 challenge page means the site wants a browser: Blocked, never parsed."""

    @classmethod
    def create(cls, context: PolicyContext) -> AntiBotPolicy:
        return cls()

    def __call__(self, request: Request, next_handler: Handler) -> Page:
        page = next_handler(request)
        if page.status == 412:
            raise Blocked(request.url, "HTTP 412: anti-bot challenge")
        if request.kind != "asset" and is_challenge(page.content):
            raise Blocked(request.url, "anti-bot challenge page (瑞数 $_ts markers)")
        return page


def is_challenge(content: bytes) -> bool:
    """Whether a page carries 瑞数 challenge markers."""
    return CHALLENGE_RE.search(content[:200_000]) is not None


POLICY_ORDER = (RobotsPolicy, RetryPolicy, ThrottlePolicy, CachePolicy, StatusPolicy, AntiBotPolicy)
