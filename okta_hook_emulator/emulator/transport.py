"""Where a hook call goes: a real URL, an in-process WSGI app or an in-process ASGI app (``Target``), plus the
hook's configured auth header, custom headers and id (``HookChannel``). The HTTP clients that reach targets
are owned by a :class:`~okta_hook_emulator.emulator.sender.Sender` (one per ``Emulator``), never by this
module."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..errors import EmulatorUsageError

URL = "url"
WSGI = "wsgi"
ASGI = "asgi"

# Base URL used for requests to in-process apps (never resolved: the transport calls the app directly).
APP_BASE_URL = "http://hook.local"


def _is_asgi(app: Any) -> bool:
    if inspect.iscoroutinefunction(app):
        return True
    return callable(app) and inspect.iscoroutinefunction(type(app).__call__)


@dataclass(frozen=True)
class Target:
    """One hook endpoint. Build it with :meth:`of` (URL string, WSGI callable, ASGI app) or explicitly with
    :meth:`url`, :meth:`wsgi`, :meth:`asgi`. ``path`` is the request path used for in-process apps."""

    mode: str  # URL | WSGI | ASGI
    address: str  # the URL requested (for apps: APP_BASE_URL + path)
    app: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def url(cls, url: str) -> Target:
        """A real HTTP(S) endpoint."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - parses the host and port: a bad one raises here, not at send time
        except ValueError as exc:
            raise EmulatorUsageError(f"Hook URL '{url}' is not a valid URL ({exc}). Give the full URL, e.g. "
                                     "http://127.0.0.1:8080/hooks.") from None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise EmulatorUsageError(
                f"Hook URL '{url}' is not an http(s) URL. Give the full URL, e.g. http://127.0.0.1:8080/hooks.")
        return cls(URL, url)

    @classmethod
    def wsgi(cls, app: Any, path: str = "/") -> Target:
        """An in-process WSGI app (Flask, Django, werkzeug...), called without a network."""
        if not callable(app):
            raise EmulatorUsageError(f"WSGI target must be a callable app(environ, start_response), got {app!r}.")
        return cls(WSGI, APP_BASE_URL + _path(path), app)

    @classmethod
    def asgi(cls, app: Any, path: str = "/") -> Target:
        """An in-process ASGI app (Starlette, FastAPI, Quart...), driven from synchronous code."""
        if not callable(app):
            raise EmulatorUsageError(f"ASGI target must be an ASGI app (async callable), got {app!r}.")
        return cls(ASGI, APP_BASE_URL + _path(path), app)

    @classmethod
    def of(cls, target: Any, path: str = "/") -> Target:
        """Build a target from a URL string, a WSGI callable, an ASGI app, or return a ``Target`` unchanged."""
        if isinstance(target, Target):
            return target
        if isinstance(target, str):
            return cls.url(target)
        if _is_asgi(target):
            return cls.asgi(target, path)
        if callable(target):
            return cls.wsgi(target, path)
        raise EmulatorUsageError(
            f"Cannot send to {target!r}: a hook target is a URL string, a WSGI app, an ASGI app or a Target.")

    @property
    def in_process(self) -> bool:
        return self.mode != URL

    def describe(self) -> str:
        """Human-readable description (URL, or the app's type and path)."""
        if self.mode == URL:
            return self.address
        return f"{self.mode}:{type(self.app).__name__}{urlsplit(self.address).path}"


def _path(path: str) -> str:
    return path if path.startswith("/") else "/" + path


def _pairs(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    out = []
    for item in items:
        try:
            name, value = item
        except (TypeError, ValueError):
            raise EmulatorUsageError(f"Header {item!r} must be a (name, value) pair.") from None
        out.append((str(name), str(value)))
    return out


@dataclass(frozen=True)
class HookChannel:
    """A target plus what Okta's hook registration adds to every request: the auth header (``channel.config.
    authScheme``: name and value), custom headers (``channel.config.headers``) and the hook id."""

    target: Target
    auth_header: tuple[str, str] | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    hook_id: str | None = None
    oauth: Any = None  # an ``oauth_channel.OAuthConfig`` for an OAUTH channel (bearer token fetched per call)

    @classmethod
    def build(cls, target: Any, auth_header: tuple[str, str] | None = None,
              headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
              hook_id: str | None = None, oauth: Any = None) -> HookChannel:
        """Normalise loose inputs (URL/app, dict or pairs of headers) into a channel. ``oauth``: an
        ``OAuthConfig`` (or the dict of its fields); OAUTH channels carry no auth header of their own."""
        if isinstance(target, HookChannel):
            return target
        if auth_header is not None:
            pair = _pairs([auth_header])[0]
            if not pair[0]:
                raise EmulatorUsageError("The auth header needs a name, e.g. ('Authorization', 'my-secret').")
            auth_header = pair
        if oauth is not None:
            from .oauth_channel import OAuthConfig

            if auth_header is not None:
                raise EmulatorUsageError("An OAUTH channel sends a bearer token; give oauth= or auth_header=, "
                                         "not both.")
            oauth = oauth if isinstance(oauth, OAuthConfig) else OAuthConfig(**oauth)
        return cls(Target.of(target), auth_header, _pairs(headers), hook_id, oauth)

    @property
    def url(self) -> str:
        return self.target.address
