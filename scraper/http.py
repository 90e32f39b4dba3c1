"""Fetching: the request and page types, one httpx client and the one base fetch.

Platform code only ever calls ``fetch(url, data=None, headers=None) -> Page``.
What happens on the way is decided by the policies (``scraper.policies``), which
``scraper.fetcher`` chains around the base fetch in one ordered table (outermost first)::

    RobotsPolicy    robots.txt (protego), cached per host: a disallowed URL raises Disallowed
    RetryPolicy     retries Transient (timeouts, dropped connections, 5xx, 429) with exponential backoff;
                    a refused connection or an unresolvable name (Unreachable) once, quickly
    ThrottlePolicy  per-host delay between requests and a per-host concurrency limit
    CachePolicy     raw page store + If-None-Match / If-Modified-Since; 304 -> the stored copy
    StatusPolicy    404/410 -> NotFound, 5xx/429 -> Transient, other 4xx -> FetchError
    AntiBotPolicy   HTTP 412 or a 瑞数 challenge page ($_ts, <meta … r="m">) -> Blocked
    HttpFetch       the one network call: streamed, size-capped, within its wall-clock limits, decoded

Each policy is configured from ``FetchSettings`` and drops out when switched off
(robots: false, retries: 0, no store, offline runs). ``fetch.host_map`` sends a
host's requests to another base URL (the sample mirror) through
``HostMapTransport``, keeping the real URL everywhere else.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import charset_normalizer
import httpx

from fazhi.config import FetchSettings
from fazhi.errors import FetchError, Transient
from scraper.addresses import AddressGuard

CHARSET_HEADER_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
CHARSET_META_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
XML_ENCODING_RE = re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.I)
# GB2312 and GBK pages routinely contain characters only their superset has (镕, 堃, 璟 …).
CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}

FormData = Mapping[str, Any] | Sequence[tuple[str, Any]]


class Unreachable(Transient):
    """The connection was refused or the name does not resolve: waiting longer will not help, so it is retried once, quickly."""


class TooSlow(FetchError):
    """One answer took longer than ``fetch.request_limit`` from connecting to its last byte (a trickling server):
    not retried, since it would trickle again; the page waits for the next night."""


class TimeUp(FetchError):
    """The source's time for the night is up (``fetch.source_limit`` or the run's limit): its remaining work waits."""


class RequestCounter:
    """Counts network requests (and 304 answers) for one source's report."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.not_modified = 0

    def add(self, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.not_modified += status == 304


@dataclass(frozen=True)
class Request:
    """One request. ``kind`` is ``page`` (stored, conditional), ``asset`` or ``robots`` (neither); ``until`` is the
    ``time.monotonic()`` by which its source must stop tonight (None: no such limit)."""

    url: str
    method: str = "GET"
    form: FormData | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    kind: str = "page"
    counter: RequestCounter | None = field(default=None, compare=False)
    until: float | None = field(default=None, compare=False)


@dataclass
class Page:
    """A fetched response. ``url`` is the real URL (after redirects), whatever host_map did."""

    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    not_modified: bool = False
    raw_path: Path | None = None

    @functools.cached_property
    def decoded(self) -> tuple[str, str]:
        return decode(self.content, self.headers.get("content-type"))

    @property
    def text(self) -> str:
        return self.decoded[0]

    @property
    def encoding(self) -> str:
        return self.decoded[1]

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise FetchError(self.url, f"expected JSON, got {self.headers.get('content-type', 'unknown type')}: {exc}") from None


Handler = Callable[[Request], Page]


def _codec(name: str | bytes | None) -> str | None:
    """A Python codec name for a declared charset, GB2312/GBK widened to GB18030; None if unknown."""
    if not name:
        return None
    label = (name.decode("ascii", "ignore") if isinstance(name, bytes) else name).strip().lower()
    label = CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Bytes to text: BOM, then the HTTP charset, then ``<meta charset>``/XML declaration, then detection."""
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", "replace"), "utf-8"
    declared = None
    if content_type:
        match = CHARSET_HEADER_RE.search(content_type)
        declared = _codec(match.group(1)) if match else None
    if declared is None:
        head = content[:4096]
        match = CHARSET_META_RE.search(head) or XML_ENCODING_RE.search(head)
        declared = _codec(match.group(1)) if match else None
    if declared is None:
        try:
            return content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            best = charset_normalizer.from_bytes(content[:200_000]).best()
            declared = _codec(best.encoding) if best else None
    encoding = declared or "utf-8"
    return content.decode(encoding, "replace"), encoding


class HostMapTransport(httpx.BaseTransport):
    """Sends requests for mapped hosts to another base URL, keeping the real ``Host`` header.

    URLs everywhere (sources, pages, archived articles) stay the real ones; only the
    TCP connection goes elsewhere, e.g. ``sthjt.jiangxi.gov.cn`` -> ``http://127.0.0.1:8731``.
    """

    def __init__(self, host_map: Mapping[str, str], inner: httpx.BaseTransport | None = None):
        self.targets = {host.lower(): httpx.URL(base) for host, base in host_map.items()}
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = self.targets.get(request.url.host.lower())
        if target is not None:
            request = httpx.Request(
                request.method,
                request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port),
                headers=request.headers,  # still carries the real Host
                stream=request.stream,
                extensions=request.extensions,
            )
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def build_client(settings: FetchSettings, transport: httpx.BaseTransport | None = None, own_hosts: Iterable[str] = ()) -> httpx.Client:
    """The one client: honest User-Agent, timeouts, redirects, host_map, public addresses only (``scraper.addresses``)."""
    allowed = [*own_hosts, *settings.allow_hosts]
    return httpx.Client(
        transport=AddressGuard(HostMapTransport(settings.host_map, transport), host_map=settings.host_map, allowed_hosts=allowed),
        headers={"User-Agent": settings.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=True,
        max_redirects=5,
        limits=httpx.Limits(max_connections=max(4, settings.concurrency * 4)),
    )


class HttpFetch:
    """The base fetch: one network request, streamed and cut off at ``max_bytes`` and at its wall-clock limits.

    The limit is the earlier of ``limit`` seconds from the start and the source's ``Request.until``. It is checked
    after every read, and no read waits past it, so a trickling answer is cut off within moments of the limit.
    """

    def __init__(self, client: httpx.Client, max_bytes: int, timeout: float = 20.0, limit: float = 300.0):
        self.client = client
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.limit = limit

    def __call__(self, request: Request) -> Page:
        start = time.monotonic()
        source_ends = request.until is not None and request.until < start + self.limit
        cut = request.until if source_ends and request.until is not None else start + self.limit
        if cut <= start:
            raise TimeUp(request.url, "not asked for: the source's time for tonight is up")
        wait = min(self.timeout, cut - start)

        def overtime() -> FetchError:
            if source_ends:
                return TimeUp(request.url, "cut off: the source's time for tonight is up")
            return TooSlow(request.url, f"no complete answer within fetch.request_limit ({self.limit:g} s)")

        try:
            with self.client.stream(request.method, request.url, data=_form(request.form), headers=dict(request.headers),
                                    timeout=httpx.Timeout(wait)) as response:
                if request.counter is not None:
                    request.counter.add(response.status_code)
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > self.max_bytes:
                    raise FetchError(request.url, f"response of {length} bytes exceeds the {self.max_bytes}-byte cap")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(request.url, f"response exceeds the {self.max_bytes}-byte cap")
                    if time.monotonic() > cut:
                        raise overtime()
                return Page(str(response.url), response.status_code, {k.lower(): v for k, v in response.headers.items()}, bytes(body))
        except httpx.TimeoutException:
            if wait < self.timeout:  # the wait was shortened to end at the limit, so the limit is what was reached
                raise overtime() from None
            raise Transient(request.url, "timed out") from None
        except httpx.TooManyRedirects:
            raise FetchError(request.url, "too many redirects") from None
        except httpx.ConnectError as exc:
            raise Unreachable(request.url, f"connection failed: {exc or type(exc).__name__}") from None
        except httpx.TransportError as exc:
            raise Transient(request.url, f"connection failed: {exc or type(exc).__name__}") from None


def _form(form: FormData | None) -> dict[str, Any] | None:
    """httpx wants a mapping; repeated names (jQuery's ``name[]``) become lists, order kept."""
    if form is None or isinstance(form, Mapping):
        return form  # type: ignore[return-value]
    out: dict[str, Any] = {}
    for key, value in form:
        out[key] = [*out[key], value] if isinstance(out.get(key), list) else [out[key], value] if key in out else value
    return out


class Fetch(Protocol):
    """Type of the ``fetch`` callable platforms receive (GET, or POST when ``data`` is given)."""

    def __call__(self, url: str, *, data: FormData | None = None, headers: Mapping[str, str] | None = None,
                 kind: str = "page") -> Page: ...


__all__ = ["Fetch", "HostMapTransport", "HttpFetch", "Page", "Request", "RequestCounter", "TimeUp", "TooSlow", "Unreachable",
           "build_client", "decode"]
