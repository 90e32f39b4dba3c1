"""Checking a listening address before a server starts, so a port in use is one clear line, not a traceback."""

from __future__ import annotations

import socket

from fazhi.errors import ConfigError


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` right now (port 0 always can)."""
    if port == 0:
        return True
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def require_port(host: str, port: int, option: str = "--port") -> None:
    """Raise a ConfigError naming the address when nothing can listen there."""
    if not port_free(host, port):
        raise ConfigError(f"{host}:{port}: the port is in use or the address is not available here; choose another with {option}")
