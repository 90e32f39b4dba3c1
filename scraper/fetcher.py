"""The fetcher a source run uses: the policy chain (robots, retries, throttle, cache, status, anti-bot) around one client.

Apart from ``scraper.http`` because the policies are built on its request and
page types; this module sits above both.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping

import httpx

from fazhi.config import FetchSettings
from scraper.http import Fetch, FormData, Handler, HttpFetch, Page, Request, RequestCounter, build_client
from scraper.policies import POLICY_ORDER, PolicyContext
from scraper.store import Store


class Fetcher:
    """The policy chain around one client; ``fetch_for(counter, until)`` gives platforms their ``fetch``."""

    def __init__(self, settings: FetchSettings, store: Store | None = None, *, offline: bool = False,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] | None = None,
                 own_hosts: Iterable[str] = ()):
        self.client = build_client(settings, transport, own_hosts)
        context = PolicyContext(settings=settings, store=store, offline=offline, sleep=sleep)
        handler: Handler = HttpFetch(self.client, settings.max_bytes, settings.timeout, settings.request_limit)
        self.policies = [p for p in (cls.create(context) for cls in POLICY_ORDER) if p is not None]
        for policy in reversed(self.policies):
            handler = functools.partial(policy, next_handler=handler)
        self.handle: Handler = handler

    def fetch_for(self, counter: RequestCounter | None, until: float | None = None) -> Fetch:
        """The ``fetch`` of one source: its requests counted by ``counter``, none made or finished after ``until``."""
        def fetch(url: str, *, data: FormData | None = None, headers: Mapping[str, str] | None = None, kind: str = "page") -> Page:
            method = "GET" if data is None else "POST"
            return self.handle(Request(url, method, data, dict(headers or {}), kind, counter, until))

        return fetch

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
