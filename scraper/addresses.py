"""Only public addresses are fetched: the guard every request, and every redirect hop, passes.

A source page can link anywhere, and a CMS editor may paste an intranet link. Deployed
inside a government network, a scraper that follows such links reads internal services
and publishes what they answer. So before a connection is made, the URL's host must be

- a public IP address (not loopback, private, link-local, shared, reserved, multicast …), or
- a name whose every address is public; the connection then goes to the address that
  was checked, so a second DNS answer cannot swap in an internal one (TLS still checks
  the certificate against the name);

unless the host is allowed by configuration: the host name of a source's ``base_url``
(``fetch.host_map`` may send that name elsewhere, e.g. the sample mirror on 127.0.0.1,
without the mapped address becoming allowed for other URLs) or a name listed in
``fetch.allow_hosts``. A refused URL raises ``InternalAddress``, a kind of
``Disallowed``: the article, image or attachment is skipped and the report says why.

``AddressGuard`` is an httpx transport placed outside ``HostMapTransport``; httpx calls
it once per hop, so redirects are checked like the first request.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Mapping

import httpx

from fazhi.errors import InternalAddress, Transient

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_public(address: Address) -> bool:
    """Whether an address is reachable on the public internet (an IPv4 one wrapped in IPv6 judged as itself)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (what a connection could use)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))


def host_of(url: str) -> str:
    """The lower-case host name of a URL ('' when it has none)."""
    try:
        return httpx.URL(url).host.lower()
    except httpx.InvalidURL:
        return ""


class AddressGuard(httpx.BaseTransport):
    """Refuses requests to non-public addresses; connects to the checked address (module docstring)."""

    def __init__(self, inner: httpx.BaseTransport, *, host_map: Mapping[str, str], allowed_hosts: Iterable[str],
                 resolver: Resolver = resolve):
        self.inner = inner
        self.host_map = {host.lower(): httpx.URL(base) for host, base in host_map.items()}
        self.allowed = {host.lower() for host in allowed_hosts if host}
        self.resolver = resolver

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.host.lower()
        if host in self.allowed:
            return self.inner.handle_request(request)
        target = self.host_map.get(host)
        connect_url = url.copy_with(scheme=target.scheme, host=target.host, port=target.port) if target is not None else url
        name = connect_url.host
        address = self.checked_address(name, connect_url.port or DEFAULT_PORTS.get(connect_url.scheme, 80), str(url))
        extensions = dict(request.extensions)
        headers = request.headers
        if connect_url.scheme == "https" and address != name:
            # TLS checks the certificate against the name; the pool knows connections by address only, so a
            # connection made for one name must not carry a request for another name on the same address.
            extensions["sni_hostname"] = name
            headers = request.headers.copy()
            headers["Connection"] = "close"
        pinned = httpx.Request(request.method, connect_url.copy_with(host=address), headers=headers, stream=request.stream,
                               extensions=extensions)
        return self.inner.handle_request(pinned)

    def checked_address(self, name: str, port: int, url: str) -> str:
        """The address to connect to for ``name``; raises InternalAddress when any of its addresses is not public."""
        try:
            literal: Address | None = ipaddress.ip_address(name)
        except ValueError:
            literal = None
        if literal is not None:
            if not is_public(literal):
                raise InternalAddress(url, f"refused: {name} is not a public address")
            return name
        try:
            found = [ipaddress.ip_address(a) for a in self.resolver(name, port)]
        except (OSError, UnicodeError) as exc:
            raise Transient(url, f"cannot resolve {name}: {exc}") from None
        if not found:
            raise Transient(url, f"cannot resolve {name}: no address")
        internal = [str(a) for a in found if not is_public(a)]
        if internal:
            raise InternalAddress(url, f"refused: {name} resolves to {', '.join(internal)}, not a public address")
        return str(found[0])

    def close(self) -> None:
        self.inner.close()


__all__ = ["AddressGuard", "host_of", "is_public", "resolve"]
