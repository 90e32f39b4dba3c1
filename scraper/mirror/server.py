"""The mirror's HTTP server: stdlib ThreadingHTTPServer on 127.0.0.1, dispatching by Host header.

On top of ``render.route`` it adds what real servers do around pages: ETag and
Last-Modified on GET answers with 304 for matching conditional requests, the
faults injected per site (status codes, slow or trickling answers, dropped connections,
412 challenges, emptied lists, redesigned pages), and a log of every request for tests
that count them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scraper.mirror import hostile
from scraper.mirror.data import MirrorData
from scraper.mirror.pages import Response, challenge_page, redesigned, short_list
from scraper.mirror.render import route, site_of

# The pause between two bytes of a trickling answer: far below any read timeout, so only a wall-clock limit ends it.
TRICKLE_SECONDS = 2.0


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    host: str
    path: str
    query: str
    status: int
    site: str | None
    conditional: bool
    size: int = 0  # body bytes sent


class MirrorServer(ThreadingHTTPServer):
    """Serves one data directory; ``log`` lists every request answered."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, data: MirrorData, host: str = "127.0.0.1", port: int = 0, slow_seconds: float = 3.0, validators: bool = True,
                 trickle_seconds: float = TRICKLE_SECONDS):
        self.data = data
        self.slow_seconds = slow_seconds
        self.trickle_seconds = trickle_seconds
        self.validators = validators
        self.log: list[LoggedRequest] = []
        self.log_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def _http_date(iso: str) -> str:
    return email.utils.format_datetime(dt.datetime.fromisoformat(iso).astimezone(dt.UTC), usegmt=True)


class _Handler(BaseHTTPRequestHandler):
    server: MirrorServer
    protocol_version = "HTTP/1.1"
    server_version = "fazhi-mirror/1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        length = int(self.headers.get("Content-Length") or 0)
        raw_form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        site = site_of(host, parts.path)
        conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
        fault = self.server.data.take_fault(site, parts.path) if site else None
        if fault == "drop":
            self._log(method, host, parts, 0, site, conditional)
            self.close_connection = True
            return
        if fault == "timeout":
            time.sleep(self.server.slow_seconds)
        if fault in ("500", "503", "429", "404"):
            response = Response(int(fault), "text/html; charset=utf-8", f"<html><body>injected {fault}</body></html>".encode())
        elif fault in ("412", "challenge"):
            response = Response(412 if fault == "412" else 200, "text/html; charset=utf-8", challenge_page(self.path))
        elif host == hostile.HOST or parts.path.startswith(hostile.INTERNAL_PATH):
            response = hostile.route(parts.path, self.server.base_url)
        else:
            response = route(self.server.data, host, "POST" if method == "POST" else "GET", parts.path,
                             parse_qs(parts.query, keep_blank_values=True), parse_qs(raw_form, keep_blank_values=True),
                             listed=fault != "empty")
            if fault == "short":
                response = short_list(response)
            elif fault == "redesign":
                response = redesigned(response)
        self._send(method, response, host, parts, site, conditional, trickle=fault == "trickle")

    def _send(self, method: str, response: Response, host: str, parts: Any, site: str | None, conditional: bool,
              trickle: bool = False) -> None:
        headers = {"Content-Type": response.content_type, **response.headers}
        status = response.status
        body = response.body
        if status == 200 and method != "POST" and response.modified and self.server.validators:
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            modified = _http_date(response.modified)
            headers.update({"ETag": etag, "Last-Modified": modified})
            if self._not_modified(etag, response.modified):
                status, body = 304, b""
        self._log(method, host, parts, status, site, conditional, 0 if method == "HEAD" or status == 304 else len(body))
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method != "HEAD" and status != 304:
                self._write(body, trickle)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout test)

    def _write(self, body: bytes, trickle: bool) -> None:
        """The body at once, or (``trickle``) one byte at a time with ``trickle_seconds`` between bytes."""
        if not trickle:
            self.wfile.write(body)
            return
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            time.sleep(self.server.trickle_seconds)

    def _not_modified(self, etag: str, modified_iso: str) -> bool:
        match = self.headers.get("If-None-Match")
        if match:
            return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
            return dt.datetime.fromisoformat(modified_iso).astimezone(dt.UTC).replace(microsecond=0) <= when
        return False

    def _log(self, method: str, host: str, parts: Any, status: int, site: str | None, conditional: bool, size: int = 0) -> None:
        with self.server.log_lock:
            self.server.log.append(LoggedRequest(method, host, parts.path, parts.query, status, site, conditional, size))
