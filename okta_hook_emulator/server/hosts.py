"""Which ``Host`` the server answers for, and the server's own URL.

A request whose ``Host`` is not one the server was started for (loopback names, the bind address, the host of a
configured ``org_url`` and every ``--allowed-host``) is refused with 421, so a DNS-rebinding page naming its own
host cannot drive the API or the dashboard. Code that needs the server's URL (the dashboard running a scenario
with the API token) uses :func:`server_url`, never the request's ``Host``."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import Response, current_app, request

from ..errors import OktaAPIError

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_BINDS = ("0.0.0.0", "::", "")  # noqa: S104 - names, not a bind
ANY_HOST = "*"  # --allowed-host '*': answer for any Host (not safe off a trusted network)
SERVER_URL_KEY = "OKTA_HOOKS_SERVER_URL"  # app.config: the URL serve() bound


def hostname(host: str) -> str:
    """The name part of a ``Host`` header or ``host[:port]`` value, lower-cased, without brackets or port."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses."""
    name = hostname(host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def bind_hosts(host: str) -> list[str]:
    """The host names a server bound to ``host`` answers for besides loopback: the address itself, or for a
    wildcard bind the machine's host name."""
    if host in WILDCARD_BINDS:
        return [socket.gethostname()]
    return [host]


def allowed_names() -> set[str]:
    """Host names the current app answers for."""
    from .app import state

    cfg = state().config
    names = set(LOOPBACK_NAMES) | {hostname(h) for h in cfg.allowed_hosts}
    if cfg.org_url:
        names.add(hostname(urlsplit(cfg.org_url).netloc))
    return names


def host_allowed(host: str) -> bool:
    """True when the app answers for ``host`` (a ``Host`` header value)."""
    names = allowed_names()
    return ANY_HOST in names or hostname(host) in names or is_loopback(host)


def check_host() -> Response | None:
    """``before_request``: 421 for a ``Host`` the server was not started for."""
    from .app import error_response

    host = request.host or ""
    if host_allowed(host):
        return None
    return error_response(OktaAPIError("E0000001", "Host", status=421, causes=[
        f"Host: This server does not answer for {hostname(host)!r}; start it with --allowed-host "
        f"{hostname(host) or 'NAME'} to serve that name."]))


def server_url() -> str:
    """The server's own base URL: the address ``serve()`` bound, else the configured ``org_url``, else loopback."""
    from .app import state

    return (current_app.config.get(SERVER_URL_KEY) or state().config.org_url or "http://127.0.0.1").rstrip("/")
