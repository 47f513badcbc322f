"""Headers Okta sets on every API answer, and its per-minute rate limit (docs/okta-behaviour.md#api-answer-headers).

Every answer under ``/api/`` and ``/oauth2/`` carries ``X-Okta-Request-Id`` (a fresh id per request, also the
``requestId`` / ``transaction.id`` of the System Log events the request writes) and ``X-Rate-Limit-Limit``,
``-Remaining`` and ``-Reset`` (UTC epoch seconds of the end of the current one-minute window). With
``ServerConfig.rate_limit_per_minute`` set, a request beyond the limit is answered ``429`` with ``E0000047``;
unset, nothing is refused and the headers report :data:`REPORTED_LIMIT`.
"""

from __future__ import annotations

import random
import string
import threading
from typing import Any

from flask import Flask, Response, g, request

from ..errors import EmulatorUsageError, OktaAPIError

EXTENSION = "okta_hooks_rate_limit"
API_PREFIXES = ("/api/", "/oauth2/")
# The limit the headers report when no limit is configured: Okta's example value (rl-best-practices).
REPORTED_LIMIT = 1200
WINDOW_SECONDS = 60
_ID_CHARS = string.ascii_letters + string.digits


class ApiMeter:
    """Per-app request ids (seeded) and the fixed one-minute request window."""

    def __init__(self, limit: int | None, seed: int, clock: Any):
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise EmulatorUsageError(f"The rate limit must be a whole number of requests per minute of at least 1, "
                                     f"not {limit}.")
        self.limit = limit
        self.clock = clock
        self._rng = random.Random(f"okta-hook-emulator:api-request-ids:{seed}")
        self._lock = threading.Lock()
        self._window = -1
        self._count = 0

    def request_id(self) -> str:
        """A 27-character request id shaped like Okta's (``XOZfPkReFFZ10KWyGkzAMwAAADA``)."""
        with self._lock:
            return "".join(self._rng.choice(_ID_CHARS) for _ in range(22)) + "AAA" + \
                "".join(self._rng.choice(string.ascii_uppercase) for _ in range(2))

    def count(self) -> tuple[bool, dict[str, str]]:
        """Count one request: ``(allowed, rate-limit headers)``."""
        now = int(self.clock.now().timestamp())
        window = now // WINDOW_SECONDS
        with self._lock:
            if window != self._window:
                self._window, self._count = window, 0
            ceiling = self.limit if self.limit is not None else REPORTED_LIMIT
            allowed = self.limit is None or self._count < self.limit
            if allowed:
                self._count += 1
            remaining = max(0, ceiling - self._count)
        headers = {"X-Rate-Limit-Limit": str(ceiling), "X-Rate-Limit-Remaining": str(remaining),
                   "X-Rate-Limit-Reset": str((window + 1) * WINDOW_SECONDS)}
        return allowed, headers


def current_request_id() -> str | None:
    """The ``X-Okta-Request-Id`` of the API request being answered, or ``None`` outside one."""
    return g.get("okta_request_id")


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def install(app: Flask, limit: int | None, seed: int, clock: Any) -> None:
    """Give every API answer Okta's request-id and rate-limit headers; refuse requests beyond ``limit``."""
    meter = ApiMeter(limit, seed, clock)
    app.extensions[EXTENSION] = meter

    def start() -> Response | None:
        if not _is_api(request.path):
            return None
        g.okta_request_id = meter.request_id()
        allowed, g.okta_rate_headers = meter.count()
        if not allowed:
            exc = OktaAPIError("E0000047", causes=[
                f"More than {meter.limit} API requests in this minute (okta-hooks serve --rate-limit); retry after "
                f"X-Rate-Limit-Reset ({g.okta_rate_headers['X-Rate-Limit-Reset']})."])
            from .app import error_response

            return error_response(exc)
        return None

    def finish(resp: Response) -> Response:
        request_id = g.get("okta_request_id")
        if request_id is not None:
            resp.headers["X-Okta-Request-Id"] = request_id
            for name, value in g.get("okta_rate_headers", {}).items():
                resp.headers[name] = value
        return resp

    app.before_request_funcs.setdefault(None, []).insert(0, start)  # counted even when the token is wrong
    app.after_request(finish)
